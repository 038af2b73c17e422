import { describe, expect, it } from 'vitest';
import { parseDecimal, toMinor } from './money';
import {
  addDays,
  addMonths,
  checkPlan,
  gapSentence,
  instalmentChip,
  planErrors,
  planGap,
  planRow,
  planTotal,
  splitEvenly,
  toPlanRequest,
  withoutRow,
} from './plan';

const minorOf = (a: string, minor: number) => toMinor(parseDecimal(a)!, minor);

describe('splitting a balance evenly', () => {
  it('puts the cents left over on the last instalment', () => {
    const rows = splitEvenly('100.00', 2, 3, '2026-05-10', 'month');
    expect(rows.map((r) => [r.due_on, r.amount])).toEqual([
      ['2026-05-10', '33.33'],
      ['2026-06-10', '33.33'],
      ['2026-07-10', '33.34'],
    ]);
  });

  it('always adds up to the balance exactly, whatever the currency and count', () => {
    const cases: [string, number][] = [
      ['238.00', 2],
      ['0.05', 2],
      ['1234567890123.47', 2],
      ['9007199254740993.99', 2], // beyond a float's exact integers
      ['1000', 0], // JPY
      ['10.001', 3], // KWD
    ];
    for (const [balance, minor] of cases) {
      for (let n = 2; n <= 36; n++) {
        const rows = splitEvenly(balance, minor, n, '2026-01-31', 'two-weeks');
        expect(rows).toHaveLength(n);
        expect(planTotal(rows, minor)).toBe(minorOf(balance, minor));
        expect(planGap(rows, balance, minor)).toBe(0n);
        // Equal but for the last, which holds at most n − 1 minor units more.
        const amounts = rows.map((r) => minorOf(r.amount, minor));
        expect(new Set(amounts.slice(0, -1)).size).toBeLessThanOrEqual(1);
        const extra = amounts[n - 1] - amounts[0];
        expect(extra >= 0n && extra < BigInt(n)).toBe(true);
        // Written with the currency's digits.
        for (const r of rows) expect(r.amount.split('.')[1]?.length ?? 0).toBe(minor);
      }
    }
  });

  it('spaces the days a month apart (the month’s last day when shorter) or two weeks apart', () => {
    expect(splitEvenly('90', 2, 3, '2026-01-31', 'month').map((r) => r.due_on)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    expect(addMonths('2028-01-30', 1)).toBe('2028-02-29');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(splitEvenly('90', 2, 3, '2026-12-24', 'two-weeks').map((r) => r.due_on)).toEqual(['2026-12-24', '2027-01-07', '2027-01-21']);
    expect(addDays('2026-03-28', 3)).toBe('2026-03-31');
  });
});

describe('checking a plan', () => {
  const today = '2026-05-01';

  it('passes a plan that adds up, from today, in order', () => {
    const rows = [planRow('2026-05-01', '100'), planRow('2026-06-01', '138.00')];
    expect(checkPlan(rows, '238.00', 2, 'EUR', today)).toEqual({});
    expect(toPlanRequest(rows)).toEqual({
      instalments: [
        { due_on: '2026-05-01', amount: '100' },
        { due_on: '2026-06-01', amount: '138.00' },
      ],
    });
  });

  it('names each field at fault as the server does', () => {
    const rows = [planRow('2026-04-30', '0'), planRow('2026-06-01', '10.001'), planRow('2026-06-01', '50'), planRow('', '1')];
    expect(checkPlan(rows, '238.00', 2, 'EUR', today)).toEqual({
      'instalments[0].due_on': 'Choose today or a later day.',
      'instalments[0].amount': 'Enter an amount above 0.',
      'instalments[1].amount': 'Use at most 2 decimals in EUR.',
      'instalments[2].due_on': 'Choose a day after the instalment before.',
      'instalments[3].due_on': 'Choose the day it is due.',
      instalments: 'The instalments must add up to the balance. Adds up to €61.00 of €238.00: €177.00 left to place.',
    });
    expect(checkPlan([planRow('2026-05-02', '238')], '238.00', 2, 'EUR', today)).toEqual({
      instalments: 'A plan has 2 to 36 instalments.',
    });
  });

  it('says what is left to place or too much', () => {
    const rows = [planRow('2026-05-02', '200'), planRow('2026-06-02', '50')];
    expect(gapSentence(rows, '238.00', 2, 'EUR')).toBe('Adds up to €250.00 of €238.00: €12.00 too much.');
    expect(gapSentence(rows, '250', 2, 'EUR')).toBe('Adds up to €250.00 of €250.00: the whole balance.');
  });
});

describe('the server’s errors', () => {
  it('sit on the rows the dialog shows; others go to the summary', () => {
    const { byField, rest } = planErrors(
      {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'instalments[1].due_on', message: 'is in the past' },
          { field: 'instalments[1].due_on', message: 'a second one' },
          { field: 'instalments', message: 'add up to 200.00; the balance is 238.00' },
          { field: 'instalments[5].amount', message: 'is more than 0' },
          { field: 'If-Match', message: 'stale' },
        ],
      },
      2,
    );
    expect(byField).toEqual({
      'instalments[1].due_on': 'Choose today or a later day.',
      instalments: 'The instalments add up to 200.00; they must add up to the balance, 238.00.',
    });
    expect(rest?.map((e) => e.field)).toEqual(['instalments[5].amount', 'If-Match']);
  });

  it('move up with the rows when one is removed', () => {
    expect(
      withoutRow({ 'instalments[0].amount': 'a', 'instalments[1].due_on': 'b', 'instalments[2].due_on': 'c', instalments: 'd' }, 1),
    ).toEqual({ 'instalments[0].amount': 'a', 'instalments[1].due_on': 'c', instalments: 'd' });
  });

  it('show instalment statuses as the invoice statuses look', () => {
    expect(['paid', 'late', 'due', 'upcoming'].map(instalmentChip)).toEqual(['paid', 'overdue', 'partial', 'sent']);
  });
});
