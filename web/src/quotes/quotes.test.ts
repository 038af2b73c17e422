import { describe, expect, it } from 'vitest';
import { chosenItems, packagesOf, type Quote } from './api';
import { choiceTotal } from './QuotePage';

const item = (id: string, unit_price: string, kind: string, group?: string) => ({
  id,
  description: id,
  quantity: '1',
  unit_price,
  tax_rate_ids: id === 'i1' ? ['vat'] : [],
  kind,
  default: false,
  group: group ?? null,
  amount: unit_price,
});

const quote = {
  currency: 'EUR',
  items: [
    item('i1', '100.00', 'required'),
    item('i2', '20.00', 'optional'),
    item('i3', '50.00', 'package', 'Speed'),
    item('i4', '90.00', 'package', 'Speed'),
  ],
  tax_rates: [{ id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false }],
  quote_discount: null,
} as unknown as Quote;

describe('a quote’s choice', () => {
  it('selects required items, ticked extras and one alternative per package', () => {
    const c = { optional: ['i2'], packages: { Speed: 'i4' } };
    expect(chosenItems(quote, c).map((i) => i.id)).toEqual(['i1', 'i2', 'i4']);
    expect(packagesOf(quote)).toEqual(['Speed']);
  });

  it('prices the choice as the server does (taxes included)', () => {
    expect(choiceTotal(quote, { optional: [], packages: { Speed: 'i3' } })).toBe('169.00');
    expect(choiceTotal(quote, { optional: ['i2'], packages: { Speed: 'i4' } })).toBe('229.00');
  });
});
