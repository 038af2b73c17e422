import { describe, expect, it } from 'vitest';
import {
  addField,
  addPage,
  blankDocument,
  FIELD_TYPES,
  keyFrom,
  moveField,
  movePage,
  removeField,
  removePage,
  ruleOf,
  simpleOf,
  updateField,
} from './builder';
import { evaluate } from './engine';

describe('the form builder', () => {
  it('offers every field type of the catalogue', () => {
    expect(FIELD_TYPES).toHaveLength(28);
    expect(new Set(FIELD_TYPES.map(([t]) => t)).size).toBe(28);
  });

  it('makes unique keys of a-z, 0-9 and _ from labels', () => {
    expect(keyFrom('Your e-mail!', [])).toBe('your_e_mail');
    expect(keyFrom('Budget', ['budget', 'budget_2'])).toBe('budget_3');
    expect(keyFrom('42 things', [])).toBe('field_42_things');
    expect(keyFrom('¿?', [])).toBe('field');
  });

  it('adds each type ready to use: the engine evaluates the result', () => {
    let doc = blankDocument();
    for (const [t] of FIELD_TYPES) doc = addField(doc, 0, t);
    const keys = doc.pages[0].fields.map((f) => f.key);
    expect(new Set(keys).size).toBe(28);
    const ev = evaluate(doc, {});
    expect(ev.path).toEqual(['page_1']);
    expect(doc.pages[0].fields.find((f) => f.type === 'dropdown')?.options).toHaveLength(2);
  });

  it('moves fields within and across pages, and pages', () => {
    let doc = addField(addField(addField(blankDocument(), 0, 'text'), 0, 'email'), 0, 'number');
    doc = addPage(doc);
    expect(doc.pages.map((p) => p.key)).toEqual(['page_1', 'page_2']);
    doc = moveField(doc, [0, 2], [0, 0]);
    expect(doc.pages[0].fields.map((f) => f.type)).toEqual(['number', 'text', 'email']);
    doc = moveField(doc, [0, 1], [1, 0]);
    expect(doc.pages[1].fields.map((f) => f.type)).toEqual(['text']);
    expect(movePage(doc, 1, 0).pages.map((p) => p.key)).toEqual(['page_2', 'page_1']);
    expect(movePage(doc, 1, 2)).toBe(doc);
  });

  it('removes a field with the rules that name it; a page only when empty', () => {
    let doc = addField(addField(blankDocument(), 0, 'toggle'), 0, 'text');
    const [toggle, text] = doc.pages[0].fields.map((f) => f.key);
    doc = { ...doc, rules: [ruleOf({ field: toggle, op: 'equals', value: 'true', action: 'show', target: text, from: '' }, doc)] };
    expect(removeField(doc, 0, 1).rules).toEqual([]);
    expect(removePage(doc, 0)).toBe(doc);
    expect(removePage(addPage(doc), 1).pages).toHaveLength(1);
  });

  it('writes one-test rules the engine follows, and reads them back', () => {
    let doc = addField(addField(blankDocument(), 0, 'toggle'), 0, 'text');
    doc = updateField(doc, 0, 0, { key: 'rush', label: 'Rush job?' });
    doc = updateField(doc, 0, 1, { key: 'deadline', label: 'Deadline' });
    const simple = { field: 'rush', op: 'equals' as const, value: 'yes', action: 'show' as const, target: 'deadline', from: '' };
    const rule = ruleOf(simple, doc);
    expect(rule).toEqual({ when: { test: { field: 'rush', op: 'equals', value: true } }, then: [{ do: 'show', field: 'deadline' }] });
    doc = { ...doc, rules: [rule] };
    expect(evaluate(doc, {}).visible).toEqual(['rush']);
    expect(evaluate(doc, { rush: true }).visible).toEqual(['rush', 'deadline']);
    expect(simpleOf(rule)).toEqual({ ...simple, value: 'true' });
    expect(ruleOf({ ...simple, op: 'one_of', value: 'a, b' }, doc).when).toEqual({
      test: { field: 'rush', op: 'one_of', value: ['a', 'b'] },
    });
    expect(simpleOf({ when: { all: [] }, then: [] })).toBeNull();
  });
});
