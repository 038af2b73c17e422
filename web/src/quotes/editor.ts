// The quote editor's values: items as typed (with the tax rates ticked for each), the deposit
// asked on acceptance, and the request they make. The rules (amounts, rates, packages, the
// deposit's range) are the server's; only whole numbers are read here.
import { FieldProblem } from '../api/problem';
import type { Quote, QuoteBody } from './api';

export type Kind = 'required' | 'optional' | 'package';

export interface Row {
  description: string;
  quantity: string;
  unit_price: string;
  tax_rate_ids: string[];
  kind: Kind;
  default: boolean;
  group: string;
}

export interface DepositValues {
  /** Whether a deposit is asked at all. */
  on: boolean;
  percent: string;
  instalments: string;
}

/** A new item: taxed as the item before it, as a list of similar items usually is. */
export const blankRow = (taxRateIds: readonly string[] = []): Row => ({
  description: '',
  quantity: '1',
  unit_price: '',
  tax_rate_ids: [...taxRateIds],
  kind: 'required',
  default: false,
  group: '',
});

export const rowsOf = (q: Pick<Quote, 'items'>): Row[] =>
  q.items.map((i) => ({
    description: i.description,
    quantity: i.quantity,
    unit_price: i.unit_price,
    tax_rate_ids: [...i.tax_rate_ids],
    kind: i.kind as Kind,
    default: i.default,
    group: i.group ?? '',
  }));

export const depositOf = (q: Pick<Quote, 'deposit'> | null): DepositValues =>
  q?.deposit
    ? { on: true, percent: q.deposit.percent, instalments: String(q.deposit.instalments) }
    : { on: false, percent: '30', instalments: '1' };

/** `row` with rate `id` ticked or not. */
export const withRate = (row: Row, id: string, on: boolean): Row => ({
  ...row,
  tax_rate_ids: on ? [...row.tax_rate_ids.filter((x) => x !== id), id] : row.tax_rate_ids.filter((x) => x !== id),
});

export const INSTALMENTS_CHECK = 'Enter a whole number of monthly instalments, from 1 to 12.';

export interface Head {
  org_id: string;
  request_id?: string;
  title: string;
  valid_until: string;
  notes: string;
}

/** The request for what was typed. */
export function toQuoteBody(head: Head, rows: readonly Row[], deposit: DepositValues): QuoteBody {
  if (deposit.on && !/^\s*\d+\s*$/.test(deposit.instalments)) throw new FieldProblem('deposit.instalments', INSTALMENTS_CHECK);
  return {
    org_id: head.org_id,
    request_id: head.request_id || undefined,
    title: head.title,
    valid_until: head.valid_until,
    notes: head.notes,
    deposit: deposit.on ? { percent: deposit.percent.trim(), instalments: Number(deposit.instalments) } : null,
    items: rows.map((r) => ({
      description: r.description,
      quantity: r.quantity,
      unit_price: r.unit_price,
      tax_rate_ids: r.tax_rate_ids,
      kind: r.kind,
      default: r.kind === 'optional' ? r.default : undefined,
      group: r.kind === 'package' ? r.group : undefined,
    })),
  };
}
