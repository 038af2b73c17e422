import { describe, expect, it } from 'vitest';
import { ApiError, fieldErrors } from '../api/problem';
import { editorErrors, editorField, blankInvoice, withoutLine } from './editor';
import { formProblem, renamed } from './problems';
import { termsField } from './terms';

const problem = (errors: { field: string; message: string }[]) => ({ type: 'about:blank', title: 'Invalid', status: 422, errors });

describe('field errors on the forms that show them', () => {
  it('puts the server’s paths on the editor’s fields', () => {
    expect(editorField('billed.org_id')).toBe('billed');
    expect(editorField('lines[2].tax_rate_ids[1]')).toBe('lines[2].tax_rate_ids');
    expect(editorField('lines[0].discount.value')).toBe('lines[0].discount');
    expect(editorField('discount.kind')).toBe('discount');
    expect(editorField('lines[3].quantity')).toBe('lines[3].quantity');
  });

  it('words each field’s first message, and leaves the rest for the summary', () => {
    const v = blankInvoice('EUR');
    const { byField, rest } = editorErrors(
      problem([
        { field: 'lines[0].quantity', message: 'use a quantity above 0 and under 1,000,000, with at most 4 decimals' },
        { field: 'lines[0].quantity', message: 'second' },
        { field: 'lines[4].quantity', message: 'a line the form does not show' },
        { field: 'ticket_ids', message: 'link at most 50 tickets' },
      ]),
      v,
    );
    expect(byField).toEqual({ 'lines[0].quantity': 'Enter a quantity above 0 and under 1,000,000, with at most 4 decimals.' });
    expect(rest?.map((e) => e.field)).toEqual(['lines[4].quantity', 'ticket_ids']);
  });

  it('moves later lines’ errors up when a line is removed', () => {
    expect(withoutLine({ 'lines[0].quantity': 'a', 'lines[1].unit_price': 'b', 'lines[2].description': 'c', currency: 'd' }, 1)).toEqual({
      'lines[0].quantity': 'a',
      'lines[1].description': 'c',
      currency: 'd',
    });
  });

  it('renames the terms the domain checks under its own names', () => {
    expect(['terms.due.days', 'terms.late_fee.amount.percent', 'late_fee.grace_days', 'name'].map(termsField)).toEqual([
      'due_days',
      'late_fee.value',
      'late_fee.grace_days',
      'name',
    ]);
    const e = renamed(new ApiError(422, problem([{ field: 'reminders[1]', message: 'is listed twice' }])), (f) =>
      f.replace(/\[\d+\]$/, ''),
    );
    expect(fieldErrors((e as ApiError).problem)).toEqual({ reminders: 'Name each day once.' });
    expect(fieldErrors(formProblem(['due_days'], 'Enter a whole number of days.').problem)).toEqual({
      due_days: 'Enter a whole number of days.',
    });
  });
});
