import { describe, expect, it } from 'vitest';
import { daysAgo, linear, niceTicks, percent, weekly, type Day } from './scale';

const day = (date: string, created = 0, extra: Partial<Day> = {}): Day => ({
  date,
  created,
  resolved: 0,
  first_met: 0,
  first_missed: 0,
  resolution_met: 0,
  resolution_missed: 0,
  ratings: 0,
  rating_sum: 0,
  ...extra,
});

describe('scales', () => {
  it('maps linearly, including reversed ranges', () => {
    const y = linear([0, 10], [100, 0]);
    expect([y(0), y(5), y(10)]).toEqual([100, 50, 0]);
    expect(linear([3, 3], [0, 9])(3)).toBe(0);
  });

  it('picks round ticks that cover the maximum', () => {
    expect(niceTicks(7)).toEqual({ top: 8, ticks: [0, 2, 4, 6, 8] });
    expect(niceTicks(100)).toEqual({ top: 100, ticks: [0, 25, 50, 75, 100] });
    expect(niceTicks(0)).toEqual({ top: 1, ticks: [0, 1] });
    expect(niceTicks(4.6, 4).top).toBeGreaterThanOrEqual(4.6);
  });

  it('buckets days into weeks ending today, dropping a partial first week', () => {
    const days = Array.from({ length: 16 }, (_, i) => day(`2026-11-${String(i + 1).padStart(2, '0')}`, i, { ratings: 1, rating_sum: 4 }));
    const weeks = weekly(days);
    expect(weeks.map((w) => [w.start, w.end])).toEqual([
      ['2026-11-03', '2026-11-09'],
      ['2026-11-10', '2026-11-16'],
    ]);
    expect(weeks[1].created).toBe(9 + 10 + 11 + 12 + 13 + 14 + 15);
    expect(weeks[1].ratingSum / weeks[1].ratings).toBe(4);
  });

  it('says nothing measured rather than 0 %', () => {
    expect(percent(0, 0)).toBeNull();
    expect(percent(2, 1)).toBe(66.7);
    expect(daysAgo(1, new Date('2026-12-04T10:00:00Z'))).toBe('2026-12-03');
  });
});
