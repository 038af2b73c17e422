import { describe, expect, it } from 'vitest';
import { blankLine } from './editor';
import {
  blankRecurring,
  fromRecurring,
  monthlyOf,
  recurringErrors,
  recurringListPath,
  recurringPath,
  scheduleState,
  toNewRecurring,
  toRecurringUpdate,
  versionTag,
  type Recurring,
  type RecurringValues,
} from './recurring';

const schedule: Recurring = {
  id: 'r1',
  active: true,
  auto_charge: false,
  auto_send: true,
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  created_at: '2026-04-01T10:00:00Z',
  updated_at: '2026-04-01T10:00:00Z',
  currency: 'EUR',
  discount: { kind: 'percent', value: '10' },
  end_on: null,
  frequency: 'monthly',
  generated: 0,
  last_invoice_id: null,
  lines: [
    {
      description: 'Website care',
      quantity: '1',
      unit_price: '200.00',
      tax_rate_ids: ['vat'],
      amount: '200.00',
      discount_amount: '20.00',
      taxes: [],
      total: '180.00',
    },
  ],
  minor_units: 2,
  monthly: '214.20',
  next_on: '2026-06-01',
  notes: 'Thanks',
  start_on: '2026-05-01',
  terms_text: '',
  total: '214.20',
  version: 4,
};

const values = (v: Partial<RecurringValues> = {}): RecurringValues => ({
  ...blankRecurring('EUR', '2026-05-01', 'org:globex'),
  lines: [{ ...blankLine(['vat']), description: 'Care', quantity: '2', unit_price: '50' }],
  ...v,
});

describe('recurring invoices', () => {
  it('make the request from the form: the invoice’s fields and the schedule', () => {
    expect(toNewRecurring(values({ end_on: '', auto_send: false, auto_charge: true }))).toEqual({
      billed: { org_id: 'globex' },
      currency: 'EUR',
      lines: [{ description: 'Care', quantity: '2', unit_price: '50', discount: null, tax_rate_ids: ['vat'] }],
      discount: null,
      notes: '',
      terms_text: '',
      frequency: 'monthly',
      start_on: '2026-05-01',
      end_on: null,
      auto_send: false,
      // Charging needs sending.
      auto_charge: false,
    });
    expect(toNewRecurring(values({ frequency: 'quarterly', end_on: '2027-05-01', auto_send: true, auto_charge: true }))).toMatchObject({
      frequency: 'quarterly',
      end_on: '2027-05-01',
      auto_send: true,
      auto_charge: true,
    });
  });

  it('read back what they were saved as, and leave the frequency and first day alone once an invoice was made', () => {
    const v = fromRecurring(schedule);
    expect(v).toMatchObject({ billed: 'org:globex', frequency: 'monthly', start_on: '2026-05-01', end_on: '', auto_send: true });
    expect(v.discount_kind).toBe('percent');
    expect(v.lines[0]).toMatchObject({ description: 'Website care', unit_price: '200.00', tax_rate_ids: ['vat'] });
    expect(toRecurringUpdate(v, schedule)).toMatchObject({ frequency: 'monthly', start_on: '2026-05-01' });
    const started = toRecurringUpdate(v, { ...schedule, generated: 2 });
    expect(started).not.toHaveProperty('frequency');
    expect(started).not.toHaveProperty('start_on');
    expect(started).toMatchObject({ auto_send: true, notes: 'Thanks' });
  });

  it('count what they bill a month as the server does: a twelfth of a year of invoices', () => {
    expect(monthlyOf('100.00', 'monthly', 2)).toBe('100.00');
    expect(monthlyOf('100.00', 'weekly', 2)).toBe('433.33');
    expect(monthlyOf('100.00', 'quarterly', 2)).toBe('33.33');
    expect(monthlyOf('100.00', 'yearly', 2)).toBe('8.33');
    expect(monthlyOf('0.06', 'yearly', 2)).toBe('0.01'); // 0.005 rounds half away from zero
    expect(monthlyOf('1000', 'weekly', 0)).toBe('4333');
    expect(monthlyOf('', 'monthly', 2)).toBe('0.00');
  });

  it('put the server’s errors next to their fields', () => {
    const { byField, rest } = recurringErrors(
      {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'frequency', message: 'is fixed once an invoice was generated' },
          { field: 'start_on', message: 'is more than a year ago' },
          { field: 'lines[0].unit_price', message: 'EUR amounts have at most 2 decimals' },
          { field: 'billed.org_id', message: 'is not an organization of this tenant' },
          { field: 'end_on', message: 'is before the start' },
          { field: 'somewhere', message: 'odd' },
        ],
      },
      values(),
    );
    expect(byField).toMatchObject({
      frequency: 'How often is fixed once the first invoice was made.',
      start_on: 'Choose a day at most a year ago.',
      'lines[0].unit_price': 'Enter EUR amounts with at most 2 decimals.',
      end_on: 'Choose a day on or after the first invoice’s.',
    });
    expect(byField.billed).toBeTruthy();
    expect(rest?.map((e) => e.field)).toEqual(['somewhere']);
  });

  it('say where they stand and where they are', () => {
    expect(scheduleState(schedule)).toBe('active');
    expect(scheduleState({ ...schedule, active: false })).toBe('paused');
    expect(scheduleState({ ...schedule, next_on: null })).toBe('ended');
    expect(versionTag(schedule)).toBe('"4"');
    expect(recurringListPath('acme', true)).toBe('/invoices/recurring');
    expect(recurringPath('kt', 'r1', false)).toBe('/invoices/recurring/r1?tenant=kt');
  });
});
