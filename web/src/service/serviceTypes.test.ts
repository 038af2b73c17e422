import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import type { FormView } from '../forms/api';
import type { FormDocument } from '../forms/types';
import type { ServiceType } from './api';
import { bindableForms, blankType, inOrder, nextPosition, priceFields, toTypeRequest, typeValues, withCurrent } from './serviceTypes';

const type = (id: string, position: number, more: Partial<ServiceType> = {}) =>
  ({ id, name: id, description: '', etag: '"1"', active: true, position, ...more }) as ServiceType;

describe('a service type as a form', () => {
  it('reads a type and makes the same request back', () => {
    const t = type('website', 2, { name: 'New website', form_id: 'f1', price_field: 'estimate', description: 'Sites' });
    expect(toTypeRequest(typeValues(t))).toEqual({
      name: 'New website',
      description: 'Sites',
      form_id: 'f1',
      price_field: 'estimate',
      active: true,
      position: 2,
      auto_quote: null,
    });
  });

  it('quotes at once for the days typed, only with a form', () => {
    const t = type('website', 1, { form_id: 'f1', price_field: 'estimate', auto_quote: { valid_days: 14 } });
    expect(typeValues(t)).toMatchObject({ auto_quote: true, 'auto_quote.valid_days': '14' });
    expect(toTypeRequest(typeValues(t)).auto_quote).toEqual({ valid_days: 14 });
    const formless = { ...typeValues(t), form_id: '' };
    expect(toTypeRequest(formless)).toMatchObject({ form_id: null, price_field: null, auto_quote: null });
    const days = { ...typeValues(t), 'auto_quote.valid_days': 'two weeks' };
    expect(() => toTypeRequest(days)).toThrow(ApiError);
    expect(blankType(0)).toMatchObject({ auto_quote: false, 'auto_quote.valid_days': '30' });
  });

  it('drops the price field with the form', () => {
    const v = { ...blankType(3), name: 'Audit', price_field: 'estimate' };
    expect(toTypeRequest(v)).toMatchObject({ form_id: null, price_field: null, position: 3 });
  });

  it('asks for a whole-number position before sending', () => {
    const v = { ...blankType(0), position: '1.5' };
    expect(() => toTypeRequest(v)).toThrow(ApiError);
    try {
      toTypeRequest(v);
    } catch (e) {
      expect((e as ApiError).problem?.errors?.[0]?.field).toBe('position');
    }
  });

  it('orders types and places a new one last', () => {
    const all = [type('b', 2), type('a', 0), type('c', 2, { name: 'a-c' })];
    expect(inOrder(all).map((t) => t.id)).toEqual(['a', 'c', 'b']);
    expect(nextPosition(all)).toBe(3);
    expect(nextPosition([])).toBe(0);
  });
});

describe('what a type may be bound to', () => {
  const form = (id: string, name: string, published: number | null, archived = false) =>
    ({ id, name, published_version: published, archived }) as FormView;

  it('offers published forms still in use, by name', () => {
    const forms = [form('f1', 'Website brief', 2), form('f2', 'Draft', null), form('f3', 'Old', 1, true), form('f4', 'Audit', 1)];
    expect(bindableForms(forms).map((f) => f.id)).toEqual(['f4', 'f1']);
  });

  it('prices by number, currency and calculated fields, in the form’s order', () => {
    const doc: FormDocument = {
      pages: [
        {
          key: 'p1',
          fields: [
            { key: 'pages', type: 'number', label: 'How many pages?' },
            { key: 'brief', type: 'file', label: 'Brief' },
          ],
        },
        {
          key: 'p2',
          fields: [
            { key: 'budget', type: 'currency' },
            { key: 'estimate', type: 'calculated', label: 'Estimate' },
          ],
        },
      ],
    };
    expect(priceFields(doc)).toEqual([
      { value: 'pages', label: 'How many pages? (number)' },
      { value: 'budget', label: 'budget (currency)' },
      { value: 'estimate', label: 'Estimate (calculated)' },
    ]);
  });

  it('keeps a binding the lists no longer offer, so it shows as chosen', () => {
    const options = [{ value: 'a', label: 'A' }];
    expect(withCurrent(options, 'a', () => 'x')).toEqual(options);
    expect(withCurrent(options, '', () => 'x')).toEqual(options);
    expect(withCurrent(options, 'gone', (v) => `${v}?`)).toEqual([...options, { value: 'gone', label: 'gone?' }]);
  });
});
