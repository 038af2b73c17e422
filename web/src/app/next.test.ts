import { describe, expect, it } from 'vitest';
import { safeNext } from './next';

describe('safeNext', () => {
  it('keeps same-site paths and drops the rest', () => {
    expect(safeNext('/tickets/a/b')).toBe('/tickets/a/b');
    expect(safeNext(undefined)).toBe('/');
    expect(safeNext('https://evil.test/')).toBe('/');
    expect(safeNext('//evil.test/')).toBe('/');
  });
});
