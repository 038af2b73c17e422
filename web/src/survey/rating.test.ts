import { describe, expect, it } from 'vitest';
import { combineFigures, describeRating, formatAverage, parseRating } from './rating';

describe('parseRating', () => {
  it('reads ?rating=1..5 from the survey link', () => {
    expect(parseRating('1')).toBe(1);
    expect(parseRating('5')).toBe(5);
    expect(parseRating(' 4 ')).toBe(4);
  });

  it('preselects nothing for anything else', () => {
    for (const raw of [undefined, null, '', '0', '6', '4.5', '-3', 'five', '44', '3a', '+3', '0x3'])
      expect(parseRating(raw)).toBeUndefined();
  });
});

describe('satisfaction figures', () => {
  it('combines tenants by count and says the average', () => {
    const all = combineFigures([
      { count: 2, average: 5, by_rating: [0, 0, 0, 0, 2] },
      { count: 1, average: 2, by_rating: [0, 1, 0, 0, 0] },
      { count: 0, average: 0, by_rating: [0, 0, 0, 0, 0] },
    ]);
    expect(all).toEqual({ count: 3, average: 4, by_rating: [0, 1, 0, 0, 2] });
    expect(combineFigures([])).toEqual({ count: 0, average: 0, by_rating: [0, 0, 0, 0, 0] });
    expect(formatAverage({ count: 3, average: 4.333 })).toBe('4.3 / 5 from 3 ratings');
    expect(formatAverage({ count: 0, average: 0 })).toBe('No ratings yet');
    expect(describeRating(4)).toBe('4 of 5 (Satisfied)');
  });
});
