import { describe, expect, it } from 'vitest';
import { contrastRatio, INK, meetsAA, parseHex, readableOn, WHITE } from './contrast';

describe('contrast', () => {
  it('parses short and long hex, rejects the rest', () => {
    expect(parseHex('#fff')).toEqual([255, 255, 255]);
    expect(parseHex('#1D4ED8')).toEqual([29, 78, 216]);
    expect(parseHex('blue')).toBeUndefined();
    expect(parseHex('#12345')).toBeUndefined();
  });

  it('gives the WCAG extremes and symmetric ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1, 5);
    expect(contrastRatio('#1d4ed8', WHITE)).toBeCloseTo(contrastRatio(WHITE, '#1d4ed8'), 10);
  });

  it('matches known reference pairs', () => {
    // #767676 on white is the classic just-passing grey (4.54:1).
    expect(contrastRatio('#767676', WHITE)).toBeCloseTo(4.54, 2);
    expect(meetsAA('#767676', WHITE)).toBe(true);
    expect(meetsAA('#777777', WHITE)).toBe(false);
    expect(meetsAA('#777777', WHITE, true)).toBe(true);
  });

  it('keeps a readable brand pair and falls back when it fails', () => {
    expect(readableOn('#1d4ed8', WHITE)).toBe(WHITE);
    expect(readableOn('#f59e0b', WHITE)).toBe(INK);
    expect(readableOn('#fde047', '#ffffff')).toBe(INK);
    expect(readableOn('#0f172a', '#334155')).toBe(WHITE);
  });

  it('treats unreadable input as no contrast', () => {
    expect(contrastRatio('nope', WHITE)).toBe(1);
  });
});
