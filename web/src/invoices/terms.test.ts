import { describe, expect, it } from 'vitest';
import type { Terms } from './api';
import { CUSTOM, describeTerms, presetOf, termsFrom, termsValues, unreadableDays } from './terms';

const presets: Terms[] = [
  { name: 'Net 15', due_days: 15 },
  { name: 'Net 30', due_days: 30 },
  { name: 'Due on receipt', due_days: 0 },
];

describe('payment terms', () => {
  it('says what the terms mean', () => {
    expect(describeTerms({ name: 'Due on receipt', due_days: 0 })).toEqual(['Due on receipt.']);
    const full: Terms = {
      name: '2/10 Net 30',
      due_days: 30,
      early_discount: { percent: '2', days: 10 },
      late_fee: { kind: 'fixed', value: '25', grace_days: 0, repeat_days: null },
      interest: { annual_percent: '10.5' },
    };
    expect(describeTerms(full, 'EUR')).toEqual([
      'Due 30 days after the invoice is sent.',
      '2% off when paid within 10 days.',
      'A late fee of €25.00, the day after the due date, once.',
      'Interest of 10.5% a year on what is overdue, by the day.',
    ]);
  });

  it('recognises a preset, and keeps custom terms as they are', () => {
    expect(presetOf({ name: 'Net 30', due_days: 30 }, presets)).toBe('Net 30');
    expect(presetOf({ name: 'Net 30', due_days: 30, interest: { annual_percent: '8' } }, presets)).toBe(CUSTOM);
    const custom: Terms = {
      name: '2/10 Net 45',
      due_days: 45,
      early_discount: { percent: '2', days: 10 },
      late_fee: { kind: 'percent', value: '1.5', grace_days: 7, repeat_days: 30 },
      interest: null,
    };
    expect(termsFrom(termsValues(custom, presets), presets)).toEqual(custom);
    expect(termsFrom({ ...termsValues(custom, presets), preset: 'Net 15' }, presets)).toEqual(presets[0]);
  });

  it('names custom terms by their days when left unnamed, and finds days that are no whole number', () => {
    const v = { ...termsValues({ name: 'Net 30', due_days: 30 }, presets), preset: CUSTOM, name: ' ', due_days: '21' };
    expect(termsFrom(v, presets)).toMatchObject({ name: 'Net 21', due_days: 21, early_discount: null, late_fee: null, interest: null });
    expect(termsFrom({ ...v, name: 'Net 30' }, presets).name).toBe('Net 21');
    expect(termsFrom({ ...v, name: 'Agency terms' }, presets).name).toBe('Agency terms');
    expect(unreadableDays({ ...v, due_days: '2.5', late: true, 'late_fee.grace_days': 'x' }, presets)).toEqual([
      'due_days',
      'late_fee.grace_days',
    ]);
    expect(unreadableDays({ ...v, preset: 'Net 15', due_days: 'x' }, presets)).toEqual([]);
  });
});
