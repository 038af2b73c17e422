// The service-type settings as a form (super admins): a type's values as typed, the request
// they make, the forms a type may be asked with (published and in use) and the fields of a
// form that may price a request (the server accepts number, currency and calculated fields).
// With a price field a type may quote at once: a request priced above zero gets a sent quote.
import type { Schemas } from '../api/client';
import { CHECKS } from '../api/messages';
import { FieldProblem } from '../api/problem';
import type { FormView } from '../forms/api';
import type { FieldType, FormDocument } from '../forms/types';
import type { Option } from '../ui/options';
import type { ServiceType } from './api';

export type TypeRequest = Schemas['ServiceTypeRequest'];

export interface TypeValues {
  name: string;
  description: string;
  form_id: string;
  price_field: string;
  active: boolean;
  position: string;
  /** Quote each request at once by its price field. */
  auto_quote: boolean;
  /** How long such a quote stays valid (named as the server names its errors). */
  'auto_quote.valid_days': string;
}

/** How long an automatic quote stays valid unless the admin says otherwise. */
export const DEFAULT_VALID_DAYS = 30;

export const typeValues = (t: ServiceType): TypeValues => ({
  name: t.name,
  description: t.description,
  form_id: t.form_id ?? '',
  price_field: t.price_field ?? '',
  active: t.active,
  position: String(t.position),
  auto_quote: Boolean(t.auto_quote),
  'auto_quote.valid_days': String(t.auto_quote?.valid_days ?? DEFAULT_VALID_DAYS),
});

export const blankType = (position: number): TypeValues => ({
  name: '',
  description: '',
  form_id: '',
  price_field: '',
  active: true,
  position: String(position),
  auto_quote: false,
  'auto_quote.valid_days': String(DEFAULT_VALID_DAYS),
});

const WHOLE = /^\s*\d+\s*$/;

/** The request for what was typed: the position is read here, the rest is the server's to judge. */
export function toTypeRequest(v: TypeValues): TypeRequest {
  if (!WHOLE.test(v.position)) throw new FieldProblem('position', CHECKS.position);
  // Offered only with a form (its price field prices the quote): without one there is none to ask for.
  const auto = Boolean(v.form_id) && v.auto_quote;
  if (auto && !WHOLE.test(v['auto_quote.valid_days'])) throw new FieldProblem('auto_quote.valid_days', CHECKS.days);
  return {
    name: v.name,
    description: v.description,
    form_id: v.form_id || null,
    price_field: v.form_id && v.price_field ? v.price_field : null,
    active: v.active,
    position: Number(v.position),
    auto_quote: auto ? { valid_days: Number(v['auto_quote.valid_days']) } : null,
  };
}

/** Where a new type goes: after the last one. */
export const nextPosition = (types: readonly Pick<ServiceType, 'position'>[]) =>
  types.length ? Math.max(...types.map((t) => t.position)) + 1 : 0;

/** The types in the order they are offered (retired ones among them, as set). */
export const inOrder = (types: readonly ServiceType[]) =>
  [...types].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));

/** The forms a type may be asked with: published and not archived. */
export const bindableForms = (forms: readonly FormView[]) =>
  forms.filter((f) => !f.archived && f.published_version != null).sort((a, b) => a.name.localeCompare(b.name));

const PRICING: Partial<Record<FieldType, string>> = { number: 'number', currency: 'currency', calculated: 'calculated' };

/** The fields of a published form that may price a request, in the form's order. */
export function priceFields(doc: FormDocument): Option[] {
  return doc.pages.flatMap((p) =>
    p.fields.filter((f) => PRICING[f.type]).map((f) => ({ value: f.key, label: `${f.label?.trim() || f.key} (${PRICING[f.type]})` })),
  );
}

/** `options`, plus `value` when it is not among them (a binding made before the form changed). */
export function withCurrent(options: readonly Option[], value: string, label: (v: string) => string): Option[] {
  return !value || options.some((o) => o.value === value) ? [...options] : [...options, { value, label: label(value) }];
}
