// The invoice editor's form logic: values as typed, the request they make, the live figures
// (by totals.ts, the same rules as the server), and the server's field errors (paths such as
// `lines[2].quantity`) placed on the fields that show them.
import { fieldMessage } from '../api/messages';
import type { Problem } from '../api/problem';
import type { Invoice, InvoiceUpdate, NewInvoice } from './api';
import { minorUnits } from './money';
import { parseParty, partyValue } from './parties';
import { totals, type Figures, type RateInput } from './totals';

export type DiscountKind = '' | 'percent' | 'fixed';

export interface LineValues {
  /** Stable across edits, for rendering (never sent). */
  key: string;
  description: string;
  quantity: string;
  unit_price: string;
  discount_kind: DiscountKind;
  discount_value: string;
  tax_rate_ids: string[];
}

export interface EditorValues {
  /** `org:ID` or `partner:ID` (parties.ts). */
  billed: string;
  currency: string;
  lines: LineValues[];
  discount_kind: DiscountKind;
  discount_value: string;
  notes: string;
  terms_text: string;
}

let keys = 0;
const nextKey = () => `line-${++keys}`;

export const asDiscountKind = (k: string | null | undefined): DiscountKind => (k === 'percent' || k === 'fixed' ? k : '');

export function blankLine(taxRateIds: string[] = []): LineValues {
  return {
    key: nextKey(),
    description: '',
    quantity: '1',
    unit_price: '',
    discount_kind: '',
    discount_value: '',
    tax_rate_ids: taxRateIds,
  };
}

export function blankInvoice(currency: string, billed = ''): EditorValues {
  return { billed, currency, lines: [blankLine()], discount_kind: '', discount_value: '', notes: '', terms_text: '' };
}

/** What an invoice and a recurring invoice share: the editor's values are read from either. */
export type Billing = Pick<Invoice, 'billed' | 'currency' | 'lines' | 'discount' | 'notes' | 'terms_text'>;

export function fromInvoice(inv: Billing): EditorValues {
  return {
    billed: partyValue(inv.billed),
    currency: inv.currency,
    lines: inv.lines.map((l) => ({
      key: nextKey(),
      description: l.description,
      quantity: l.quantity,
      unit_price: l.unit_price,
      discount_kind: asDiscountKind(l.discount?.kind),
      discount_value: l.discount?.value ?? '',
      tax_rate_ids: [...l.tax_rate_ids],
    })),
    discount_kind: asDiscountKind(inv.discount?.kind),
    discount_value: inv.discount?.value ?? '',
    notes: inv.notes,
    terms_text: inv.terms_text,
  };
}

const discount = (kind: DiscountKind, value: string) => (kind ? { kind, value: value.trim() } : null);

function body(v: EditorValues) {
  const party = parseParty(v.billed);
  return {
    billed: party ? (party.kind === 'org' ? { org_id: party.id } : { partner_id: party.id }) : {},
    currency: v.currency,
    lines: v.lines.map((l) => ({
      description: l.description,
      quantity: l.quantity.trim(),
      unit_price: l.unit_price.trim(),
      discount: discount(l.discount_kind, l.discount_value),
      tax_rate_ids: l.tax_rate_ids,
    })),
    // `null` removes the invoice's discount on an edit.
    discount: discount(v.discount_kind, v.discount_value),
    notes: v.notes,
    terms_text: v.terms_text,
  };
}

export const toNewInvoice = (v: EditorValues): NewInvoice => body(v);
export const toUpdate = (v: EditorValues): InvoiceUpdate => body(v);

/** The figures as typed, or null for a currency the portal does not bill in. */
export function liveFigures(v: EditorValues, rates: readonly RateInput[]): Figures | null {
  const minor = minorUnits(v.currency);
  if (minor === undefined) return null;
  const lines = v.lines.map((l) => ({
    quantity: l.quantity,
    unit_price: l.unit_price,
    discount: discount(l.discount_kind, l.discount_value),
    tax_rate_ids: l.tax_rate_ids,
  }));
  return totals(minor, lines, discount(v.discount_kind, v.discount_value), rates);
}

/**
 * The editor field a server path belongs to: the party's id to the party picker, a line's
 * `tax_rate_ids[1]` to its taxes, a discount's kind or value to the discount.
 */
export function editorField(path: string): string {
  if (path.startsWith('billed')) return 'billed';
  const line = path.match(/^(lines\[\d+\])\.(tax_rate_ids|discount)\b/);
  if (line) return `${line[1]}.${line[2]}`;
  if (/^discount\b/.test(path)) return 'discount';
  return path;
}

/** Every field the editor shows for `v` (where a server error can sit next to its field). */
export function editorFields(v: EditorValues): string[] {
  const lines = v.lines.flatMap((_, i) =>
    ['description', 'quantity', 'unit_price', 'discount', 'tax_rate_ids'].map((f) => `lines[${i}].${f}`),
  );
  return ['billed', 'currency', 'lines', ...lines, 'discount', 'notes', 'terms_text'];
}

/** The first message for each editor field, in words for people; what no field shows is left for the summary. */
export function editorErrors(problem: Problem | undefined, v: EditorValues): { byField: Record<string, string>; rest: Problem['errors'] } {
  const shown = new Set(editorFields(v));
  const byField: Record<string, string> = {};
  const rest: NonNullable<Problem['errors']> = [];
  for (const e of problem?.errors ?? []) {
    const field = editorField(e.field);
    if (shown.has(field)) byField[field] ??= fieldMessage(e.field, e.message);
    else rest.push(e);
  }
  return { byField, rest };
}

/** Errors after line `index` is removed: that line's go, later lines' move up one. */
export function withoutLine(errors: Record<string, string>, index: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const m = field.match(/^lines\[(\d+)\](.*)$/);
    if (!m) out[field] = message;
    else if (Number(m[1]) < index) out[field] = message;
    else if (Number(m[1]) > index) out[`lines[${Number(m[1]) - 1}]${m[2]}`] = message;
  }
  return out;
}
