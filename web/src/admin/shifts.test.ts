import { describe, expect, it } from 'vitest';
import { formatShifts, parseShifts } from './shifts';

describe('shifts', () => {
  it('reads split shifts and closed days', () => {
    expect(parseShifts('9:00-12:00, 13:00 - 17:30')).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '17:30' },
    ]);
    expect(parseShifts('  ')).toEqual([]);
  });

  it('names the part it cannot read', () => {
    expect(parseShifts('09:00-12:00, lunch')).toEqual({ bad: 'lunch' });
  });

  it('writes what it reads', () => {
    expect(formatShifts(parseShifts('08:00-16:00') as never)).toBe('08:00-16:00');
  });
});
