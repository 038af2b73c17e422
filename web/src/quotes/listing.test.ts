import { describe, expect, it } from 'vitest';
import { filtersFrom, filtersQuery, newQuoteHref, orgNamer } from './listing';

describe('the quotes list’s addresses', () => {
  it('keeps only what differs from the default in the URL', () => {
    expect(filtersQuery({ tenant: 'own', org: '' }, 'own')).toBe('');
    expect(filtersQuery({ tenant: '', org: 'o 1' }, 'own')).toBe('?org=o+1');
    expect(filtersQuery({ tenant: 'acme', org: 'o1' }, 'own')).toBe('?tenant=acme&org=o1');
  });

  it('reads the filters back', () => {
    expect(filtersFrom({ tenant: 'acme', org: 'o1' })).toEqual({ tenant: 'acme', org: 'o1' });
    expect(filtersFrom({})).toEqual({ tenant: '', org: '' });
  });

  it('starts a new quote in the tenant and organization shown', () => {
    expect(newQuoteHref('own', 'own', '')).toBe('/quotes/new');
    expect(newQuoteHref('acme', 'own', 'o1')).toBe('/quotes/new?tenant=acme&org=o1');
  });

  it('names organizations by id', () => {
    const name = orgNamer([{ id: 'o1', name: 'Globex' }]);
    expect(name('o1')).toBe('Globex');
    expect(name('gone')).toBe('—');
  });
});
