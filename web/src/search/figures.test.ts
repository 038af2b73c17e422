import { describe, expect, it } from 'vitest';
import { isMonth, percent, thisMonth, timesText } from './figures';

describe('the KB’s search figures', () => {
  it('asks for this month by default, and only for months', () => {
    expect(thisMonth(new Date(2026, 0, 31))).toBe('2026-01');
    expect(thisMonth(new Date(2026, 11, 5))).toBe('2026-12');
    expect(isMonth('2026-12')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('')).toBe(false);
  });

  it('says the deflection as a percentage and how often a search found nothing', () => {
    expect(percent(0.4567)).toBe('46%');
    expect(percent(1)).toBe('100%');
    expect(percent(1.2)).toBe('100%');
    expect(percent(0)).toBe('0%');
    expect([1, 2, 7, 1200].map(timesText)).toEqual(['once', 'twice', '7 times', '1,200 times']);
  });
});
