/// <reference types="node" />
// @vitest-environment node
// The editor's live totals hold to the same vectors as the server's rules
// (shared/domain/tests/totals_vectors.rs writes them from shared/domain/src/invoice/totals.rs).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { totals, type DiscountInput, type LineInput, type RateInput } from './totals';

interface Case {
  currency: string;
  minor_units: number;
  rates: RateInput[];
  lines: LineInput[];
  discount: DiscountInput | null;
  expected: {
    lines: { amount: string; discount: string; net: string; taxes: { rate_id: string; amount: string }[]; total: string }[];
    subtotal: string;
    discount: string;
    taxes: { rate_id: string; amount: string }[];
    total: string;
  };
}

const VECTORS = new URL('../../../shared/domain/tests/vectors/invoice-totals.json', import.meta.url);
const { cases } = JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: Case[] };

describe('invoice totals', () => {
  it('reads all 160 vectors', () => {
    expect(cases).toHaveLength(160);
  });

  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the server to the minor unit', (_, c) => {
    const t = totals(c.minor_units, c.lines, c.discount, c.rates);
    const taxes = (ts: { rate_id: string; amount: string }[]) => ts.map(({ rate_id, amount }) => ({ rate_id, amount }));
    expect({
      lines: t.lines.map((l) => ({ amount: l.amount, discount: l.discount, net: l.net, taxes: taxes(l.taxes), total: l.total })),
      subtotal: t.subtotal,
      discount: t.discount,
      taxes: taxes(t.taxes),
      total: t.total,
    }).toEqual(c.expected);
  });

  it('works the domain’s own examples', () => {
    const vat = { id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false };
    const plain = totals(
      2,
      [
        { quantity: '3', unit_price: '19.99', tax_rate_ids: ['vat'] },
        { quantity: '1.5', unit_price: '80', tax_rate_ids: ['vat'] },
      ],
      null,
      [vat],
    );
    expect([plain.subtotal, plain.taxes[0].amount, plain.total]).toEqual(['179.97', '34.19', '214.16']);

    const discounted = totals(
      2,
      [
        { quantity: '1', unit_price: '100', discount: { kind: 'percent', value: '10' }, tax_rate_ids: [] },
        { quantity: '1', unit_price: '50', discount: { kind: 'fixed', value: '80' }, tax_rate_ids: [] },
        { quantity: '1', unit_price: '33.33', tax_rate_ids: [] },
      ],
      { kind: 'fixed', value: '10' },
      [],
    );
    expect(discounted.lines.map((l) => l.discount)).toEqual(['17.30', '50.00', '2.70']);
    expect([discounted.discount, discounted.total]).toEqual(['70.00', '113.33']);

    const inc = { id: 'inc', name: 'Inc', percent: '20', inclusive: true, compound: false };
    expect(totals(2, [{ quantity: '1', unit_price: '120', tax_rate_ids: ['inc'] }], null, [inc]).taxes[0].amount).toBe('20.00');
    const gst = { id: 'gst', name: 'GST', percent: '5', inclusive: false, compound: false };
    const qst = { id: 'qst', name: 'QST', percent: '9.975', inclusive: false, compound: true };
    const quebec = totals(2, [{ quantity: '1', unit_price: '100', tax_rate_ids: ['gst', 'qst'] }], null, [gst, qst]);
    expect([quebec.taxes.map((t) => t.amount), quebec.total]).toEqual([['5.00', '10.47'], '115.47']);
  });

  it('counts what cannot be read yet as nothing', () => {
    const t = totals(
      2,
      [{ quantity: '2.', unit_price: '10', discount: { kind: 'percent', value: 'x' }, tax_rate_ids: ['gone'] }],
      null,
      [],
    );
    expect([t.subtotal, t.total, t.lines[0].taxes]).toEqual(['0.00', '0.00', []]);
  });
});
