import { describe, expect, it } from 'vitest';
import { SECTION_DESCRIPTIONS } from './descriptions';
import { ADMIN_SECTIONS } from './sections';

describe('admin section descriptions', () => {
  it('describe every section, and only sections', () => {
    expect(Object.keys(SECTION_DESCRIPTIONS).sort()).toEqual(ADMIN_SECTIONS.map((s) => s.href).sort());
    for (const text of Object.values(SECTION_DESCRIPTIONS)) expect(text).toMatch(/^[A-Z].*\.$/);
  });
});
