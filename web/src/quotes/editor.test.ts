import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import { offeredRates } from '../invoices/LinesEditor';
import { balanceTerms, depositTerms, quotePdfHref, type Quote } from './api';
import { blankRow, depositOf, rowsOf, toQuoteBody, withRate } from './editor';

const head = { org_id: 'o1', title: 'Relaunch', valid_until: '2027-01-31', notes: '' };
const vat = { id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false };

describe('the quote editor’s values', () => {
  it('carries each item’s tax rates to the request', () => {
    const rows = [withRate(withRate({ ...blankRow(), description: 'Build', unit_price: '400' }, 'vat', true), 'vat', true)];
    const body = toQuoteBody(head, rows, depositOf(null));
    expect(body.items[0].tax_rate_ids).toEqual(['vat']);
    expect(body.deposit).toBeNull();
    expect(toQuoteBody(head, [withRate(rows[0], 'vat', false)], depositOf(null)).items[0].tax_rate_ids).toEqual([]);
  });

  it('taxes a new item as the one before it', () => {
    const taxes = ['vat'];
    const row = blankRow(taxes);
    taxes.push('other');
    expect(row.tax_rate_ids).toEqual(['vat']);
  });

  it('reads a saved quote back, deposit included', () => {
    const q = {
      items: [
        { description: 'Care', quantity: '1', unit_price: '80', tax_rate_ids: ['vat'], kind: 'optional', default: true, group: null },
      ],
      deposit: { percent: '30', instalments: 3 },
    } as unknown as Quote;
    expect(rowsOf(q)[0]).toMatchObject({ kind: 'optional', default: true, group: '', tax_rate_ids: ['vat'] });
    const deposit = depositOf(q);
    expect(deposit).toEqual({ on: true, percent: '30', instalments: '3' });
    expect(toQuoteBody(head, rowsOf(q), deposit).deposit).toEqual({ percent: '30', instalments: 3 });
  });

  it('asks for whole instalments before sending, and sends no deposit when none is asked', () => {
    expect(() => toQuoteBody(head, [blankRow()], { on: true, percent: '30', instalments: 'two' })).toThrow(ApiError);
    expect(toQuoteBody(head, [blankRow()], { on: false, percent: '30', instalments: 'two' }).deposit).toBeNull();
  });

  it('offers the tenant’s rates and marks those the quote names but the tenant removed', () => {
    const old = { ...vat, id: 'old', name: 'Old' };
    expect(offeredRates([vat], [vat, old])).toEqual([vat, { ...old, removed: true }]);
  });
});

describe('a quote’s terms', () => {
  it('says the deposit and the balance in words', () => {
    expect(depositTerms({ percent: '30', instalments: 3 })).toBe('30% on acceptance, the balance in 3 monthly instalments');
    expect(balanceTerms({ percent: '12.5', instalments: 1 })).toBe('in one monthly instalment');
  });

  it('links the PDF', () => {
    expect(quotePdfHref({ tenant_id: 'acme', id: 'q 1' })).toBe('/api/v1/tenants/acme/quotes/q%201/pdf');
  });
});
