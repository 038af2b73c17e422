import { describe, expect, it } from 'vitest';
import { busiestPriority } from './queue';

describe('busiestPriority', () => {
  it('opens the most urgent queue that has tickets', () => {
    expect(busiestPriority({ critical: 0, high: 0, medium: 3, low: 9 })).toBe('medium');
    expect(busiestPriority({ critical: 1, high: 5 })).toBe('critical');
  });

  it('falls back to High when every queue is empty or unknown', () => {
    expect(busiestPriority({ critical: 0, high: 0, medium: 0, low: 0 })).toBe('high');
    expect(busiestPriority({})).toBe('high');
  });
});
