import { describe, expect, it } from 'vitest';
import { durationInput, formatClock, formatDay, formatMinutes, localDay, parseDuration, timedMinutes } from './duration';

describe('duration', () => {
  it('reads minutes or hours and minutes', () => {
    expect(parseDuration('45')).toBe(45);
    expect(parseDuration(' 90 ')).toBe(90);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('1:15')).toBe(75);
    expect(parseDuration('0:05')).toBe(5);
    expect(parseDuration(':30')).toBe(30);
    expect(parseDuration('10:00')).toBe(600);
  });

  it('refuses what is neither', () => {
    for (const bad of ['', ' ', 'abc', '1:5', '1:60', '1.5', '-5', '1:15:00', '1h']) expect(parseDuration(bad)).toBeNull();
  });

  it('says durations in hours and minutes', () => {
    expect(formatMinutes(0)).toBe('0 min');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(60)).toBe('1 h');
    expect(formatMinutes(75)).toBe('1 h 15 min');
    expect(formatMinutes(1440)).toBe('24 h');
  });

  it('fills the field in a form it reads back', () => {
    expect(durationInput(7)).toBe('7');
    expect(durationInput(65)).toBe('1:05');
    for (const m of [1, 59, 60, 61, 125, 1440]) expect(parseDuration(durationInput(m))).toBe(m);
  });

  it('rounds a timed stretch up to the minute', () => {
    expect(timedMinutes(0)).toBe(1);
    expect(timedMinutes(1_000)).toBe(1);
    expect(timedMinutes(60_000)).toBe(1);
    expect(timedMinutes(60_001)).toBe(2);
    expect(timedMinutes(45 * 60_000 + 30_000)).toBe(46);
  });

  it('shows the running clock', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(83_000)).toBe('1:23');
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });

  it('handles calendar days where the person is', () => {
    expect(localDay(new Date(2026, 11, 1, 23, 59))).toBe('2026-12-01');
    expect(formatDay('2026-12-01')).toBe('Dec 1, 2026');
    expect(formatDay('not a day')).toBe('not a day');
  });
});
