// The builder's changes to a form document, each a pure function (the screen keeps the
// document in state and the tests check these on their own): adding, configuring, moving and
// removing fields and pages, and the one-test rules the builder writes.
import type { Action, Condition, Field, FieldType, FormDocument, Json, Op, Page, Rule } from './types';

/** Every field type with its name in the builder, in the order the palette offers them. */
export const FIELD_TYPES: [FieldType, string][] = [
  ['text', 'Short text'],
  ['textarea', 'Long text'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['number', 'Number'],
  ['currency', 'Currency amount'],
  ['date', 'Date'],
  ['date_time', 'Date and time'],
  ['time', 'Time'],
  ['dropdown', 'Dropdown'],
  ['multi_select', 'Dropdown, several'],
  ['radio', 'Radio buttons'],
  ['checkboxes', 'Checkboxes'],
  ['toggle', 'Toggle'],
  ['file', 'File upload'],
  ['image', 'Image upload'],
  ['signature', 'Signature'],
  ['rating', 'Rating'],
  ['slider', 'Slider'],
  ['hidden', 'Hidden value'],
  ['section', 'Section header'],
  ['paragraph', 'Paragraph'],
  ['divider', 'Divider'],
  ['address', 'Address'],
  ['url', 'Web address'],
  ['colour', 'Colour'],
  ['matrix', 'Matrix / grid'],
  ['calculated', 'Calculated value'],
];

export const typeName = (t: FieldType) => FIELD_TYPES.find(([k]) => k === t)?.[1] ?? t;
export const hasOptions = (t: FieldType) => ['dropdown', 'multi_select', 'radio', 'checkboxes'].includes(t);

/** A key of a-z, 0-9 and _ from `label`, unique among `taken`. */
export function keyFrom(label: string, taken: Iterable<string>, fallback = 'field'): string {
  const used = new Set(taken);
  let base = label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  if (!/^[a-z]/.test(base)) base = base ? `${fallback}_${base}`.slice(0, 32) : fallback;
  if (!used.has(base)) return base;
  for (let n = 2; ; n += 1) if (!used.has(`${base}_${n}`)) return `${base}_${n}`;
}

export const fieldKeys = (doc: FormDocument) => doc.pages.flatMap((p) => p.fields.map((f) => f.key));

/** A new field of `type` with what it needs to be valid (choices, rows and columns, a formula). */
export function newField(type: FieldType, doc: FormDocument): Field {
  const label = typeName(type);
  const f: Field = { key: keyFrom(label, fieldKeys(doc)), type, label };
  if (hasOptions(type))
    f.options = [
      { value: 'option_1', label: 'Option 1' },
      { value: 'option_2', label: 'Option 2' },
    ];
  if (type === 'matrix') {
    f.rows = ['Row 1', 'Row 2'];
    f.columns = ['Poor', 'Fair', 'Good'];
  }
  if (type === 'calculated') f.formula = '0';
  if (type === 'rating') f.max = '5';
  if (type === 'paragraph') f.help = 'Write the text to show here.';
  return f;
}

export const blankDocument = (): FormDocument => ({ pages: [{ key: 'page_1', title: '', fields: [] }], rules: [] });

const withPage = (doc: FormDocument, i: number, change: (p: Page) => Page): FormDocument => ({
  ...doc,
  pages: doc.pages.map((p, n) => (n === i ? change(p) : p)),
});

export const addField = (doc: FormDocument, page: number, type: FieldType): FormDocument =>
  withPage(doc, page, (p) => ({ ...p, fields: [...p.fields, newField(type, doc)] }));

export const updateField = (doc: FormDocument, page: number, at: number, change: Partial<Field>): FormDocument =>
  withPage(doc, page, (p) => ({ ...p, fields: p.fields.map((f, n) => (n === at ? { ...f, ...change } : f)) }));

/** Removes a field and the rules that name it. */
export function removeField(doc: FormDocument, page: number, at: number): FormDocument {
  const gone = doc.pages[page]?.fields[at]?.key;
  const next = withPage(doc, page, (p) => ({ ...p, fields: p.fields.filter((_, n) => n !== at) }));
  return { ...next, rules: (doc.rules ?? []).filter((r) => !ruleNames(r).includes(gone ?? '')) };
}

/** Moves a field from one place to another (within a page or to another), `to` counted after removal. */
export function moveField(doc: FormDocument, from: [number, number], to: [number, number]): FormDocument {
  const field = doc.pages[from[0]]?.fields[from[1]];
  if (!field) return doc;
  const pages = doc.pages.map((p) => ({ ...p, fields: [...p.fields] }));
  pages[from[0]].fields.splice(from[1], 1);
  const target = pages[to[0]];
  if (!target) return doc;
  target.fields.splice(Math.max(0, Math.min(to[1], target.fields.length)), 0, field);
  return { ...doc, pages };
}

export function addPage(doc: FormDocument): FormDocument {
  const key = keyFrom(
    `page ${doc.pages.length + 1}`,
    doc.pages.map((p) => p.key),
    'page',
  );
  return { ...doc, pages: [...doc.pages, { key, title: '', fields: [] }] };
}

export const updatePage = (doc: FormDocument, i: number, change: Partial<Page>): FormDocument =>
  withPage(doc, i, (p) => ({ ...p, ...change }));

/** Removes an empty page (a page with fields keeps them: move them first) and the rules that name it. */
export function removePage(doc: FormDocument, i: number): FormDocument {
  const page = doc.pages[i];
  if (!page || page.fields.length || doc.pages.length === 1) return doc;
  return { ...doc, pages: doc.pages.filter((_, n) => n !== i), rules: (doc.rules ?? []).filter((r) => !ruleNames(r).includes(page.key)) };
}

export function movePage(doc: FormDocument, from: number, to: number): FormDocument {
  if (to < 0 || to >= doc.pages.length) return doc;
  const pages = [...doc.pages];
  const [p] = pages.splice(from, 1);
  pages.splice(to, 0, p);
  return { ...doc, pages };
}

/** The field and page keys a rule names. */
export function ruleNames(r: Rule): string[] {
  const out: string[] = [];
  const walk = (c: Condition) => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else out.push(c.test.field);
  };
  walk(r.when);
  for (const a of r.then) {
    if ('field' in a) out.push(a.field);
    if ('page' in a) out.push(a.page);
    if (a.do === 'skip_to') out.push(a.from, a.to);
  }
  return out;
}

/** A rule as the builder writes it: one test, one action. */
export interface SimpleRule {
  field: string;
  op: Op;
  value: string;
  action: Action['do'];
  /** The field or page acted on (for skip_to: the page skipped to). */
  target: string;
  /** skip_to: the page skipped from. */
  from: string;
}

export const OPS: [Op, string][] = [
  ['equals', 'is'],
  ['not_equals', 'is not'],
  ['greater_than', 'is more than'],
  ['less_than', 'is less than'],
  ['at_least', 'is at least'],
  ['at_most', 'is at most'],
  ['contains', 'contains'],
  ['one_of', 'is one of (comma-separated)'],
  ['is_empty', 'is empty'],
  ['is_not_empty', 'is answered'],
];

export const ACTIONS: [Action['do'], string][] = [
  ['show', 'show field'],
  ['hide', 'hide field'],
  ['show_page', 'show page'],
  ['hide_page', 'hide page'],
  ['skip_to', 'skip to page'],
];

/** The builder's view of a rule, or null for rules it cannot show (kept as they are). */
export function simpleOf(r: Rule): SimpleRule | null {
  if (!('test' in r.when) || r.then.length !== 1) return null;
  const { field, op, value } = r.when.test;
  const a = r.then[0];
  const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.map(String).join(', ') : String(value);
  const target = 'field' in a ? a.field : 'page' in a ? a.page : a.to;
  return { field, op, value: text, action: a.do, target, from: a.do === 'skip_to' ? a.from : '' };
}

/** The rule a SimpleRule stands for: booleans and lists as the engine compares them. */
export function ruleOf(s: SimpleRule, doc: FormDocument): Rule {
  const field = doc.pages.flatMap((p) => p.fields).find((f) => f.key === s.field);
  let value: Json | undefined;
  if (s.op === 'is_empty' || s.op === 'is_not_empty') value = undefined;
  else if (s.op === 'one_of')
    value = s.value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  else if (field?.type === 'toggle') value = s.value.trim().toLowerCase() === 'true' || s.value.trim().toLowerCase() === 'yes';
  else value = s.value.trim();
  const test: { field: string; op: Op; value?: Json } = { field: s.field, op: s.op };
  if (value !== undefined) test.value = value;
  const then: Action =
    s.action === 'show' || s.action === 'hide'
      ? { do: s.action, field: s.target }
      : s.action === 'skip_to'
        ? { do: 'skip_to', from: s.from, to: s.target }
        : { do: s.action, page: s.target };
  return { when: { test }, then: [then] };
}
