import { describe, expect, it } from 'vitest';
import { fromLocalInput, pathErrors, toLocalInput } from './settings';

describe('the builder’s conversions', () => {
  it('carries a schedule between RFC 3339 and the local date-time input', () => {
    const local = toLocalInput('2026-12-05T15:30:00Z');
    expect(local).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(fromLocalInput(local)).toBe('2026-12-05T15:30:00Z');
    expect(toLocalInput(null)).toBe('');
    expect(fromLocalInput('')).toBeNull();
  });

  it('sorts the server’s errors by field and rule', () => {
    expect(
      pathErrors({
        'document.pages[1].fields[2].options': 'give each choice a distinct value',
        'document.pages[1].fields[2].key': 'use a unique key',
        'document.rules[3].when': 'names no field x',
        name: 'use 1 to 120 characters',
      }),
    ).toEqual({
      fields: { '1-2': { options: 'give each choice a distinct value', key: 'use a unique key' } },
      rules: { 3: 'names no field x' },
    });
  });
});
