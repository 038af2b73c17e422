import { describe, expect, it } from 'vitest';
import { formatDuration, formatEstimate, timeAgo } from './format';

describe('format', () => {
  it('rounds durations to half units', () => {
    expect(formatDuration(30)).toBe('less than a minute');
    expect(formatDuration(600)).toBe('10 minutes');
    expect(formatDuration(3600)).toBe('1 hour');
    expect(formatDuration(5400)).toBe('1.5 hours');
    expect(formatDuration(86400 * 2)).toBe('2 days');
  });

  it('states an estimate as a range, or an upper bound when it starts now', () => {
    expect(formatEstimate({ low_secs: 0, high_secs: 14400 })).toBe('within 4 hours');
    expect(formatEstimate({ low_secs: 1800, high_secs: 7200 })).toBe('30 minutes to 2 hours');
    expect(formatEstimate({ low_secs: 3600, high_secs: 3700 })).toBe('within 1 hour');
    expect(formatDuration(3500)).toBe('58 minutes');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(timeAgo('2026-12-01T11:59:50Z', now)).toBe('just now');
    expect(timeAgo('2026-12-01T11:55:00Z', now)).toBe('5 minutes ago');
    expect(timeAgo('2026-11-30T12:00:00Z', now)).toBe('yesterday');
  });
});
