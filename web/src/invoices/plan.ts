// Payment plans: an open invoice's balance split into 2 to 36 instalments, due on strictly
// ascending days from today, adding up to the balance exactly. Amounts are counted in minor
// units with BigInt (money.ts), never JS numbers; an even split puts the cents left over on
// the last instalment. The server checks the same rules and names the field at fault
// (`instalments[1].due_on`); the dialog shows its errors and these next to the same fields.
import { api, type Schemas } from '../api/client';
import { fieldMessage } from '../api/messages';
import type { Problem } from '../api/problem';
import { ifMatch, tagged, type Invoice, type Tagged } from './api';
import { formatMinor, formatMoney, parseDecimal, toMinor } from './money';

export type Instalment = Schemas['InstalmentView'];
export type Cadence = 'month' | 'two-weeks';

export const MIN_INSTALMENTS = 2;
export const MAX_INSTALMENTS = 36;

export const CADENCES: readonly { value: Cadence; label: string }[] = [
  { value: 'month', label: 'Every month' },
  { value: 'two-weeks', label: 'Every 2 weeks' },
];

export interface PlanRow {
  /** Stable across edits, for rendering (never sent). */
  key: string;
  due_on: string;
  amount: string;
}

const path = (tenantId: string, invoiceId: string) => ({ tenant_id: tenantId, invoice_id: invoiceId });

export async function setPlan(
  tenantId: string,
  invoiceId: string,
  etag: string | null,
  rows: readonly PlanRow[],
): Promise<Tagged<Invoice>> {
  return tagged(
    await api.PUT('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/plan', {
      params: { path: path(tenantId, invoiceId), header: ifMatch(etag) },
      body: toPlanRequest(rows),
    }),
  );
}

export async function removePlan(tenantId: string, invoiceId: string, etag: string | null): Promise<Tagged<Invoice>> {
  return tagged(
    await api.DELETE('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/plan', {
      params: { path: path(tenantId, invoiceId), header: ifMatch(etag) },
    }),
  );
}

export const toPlanRequest = (rows: readonly PlanRow[]): Schemas['PlanRequest'] => ({
  instalments: rows.map((r) => ({ due_on: r.due_on, amount: r.amount.trim() })),
});

let keys = 0;
export const planRow = (due_on = '', amount = ''): PlanRow => ({ key: `instalment-${++keys}`, due_on, amount });

// Days as `YYYY-MM-DD`, counted in UTC so no clock change moves them.
const parseDay = (day: string) => {
  const m = day.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return m ? { y: Number(m[1]), m: Number(m[2]) - 1, d: Number(m[3]) } : null;
};
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dayOf = (t: Date) => `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;

/** `day` plus `n` days. */
export function addDays(day: string, n: number): string {
  const p = parseDay(day);
  if (!p) return day;
  return dayOf(new Date(Date.UTC(p.y, p.m, p.d + n)));
}

/** `day` plus `n` months, on the same day of the month or the month's last (31 Jan + 1 month = 28 or 29 Feb). */
export function addMonths(day: string, n: number): string {
  const p = parseDay(day);
  if (!p) return day;
  const last = new Date(Date.UTC(p.y, p.m + n + 1, 0)).getUTCDate();
  return dayOf(new Date(Date.UTC(p.y, p.m + n, Math.min(p.d, last))));
}

/** The `k`th due day (from 0) after `first`, at `cadence`. */
export const nthDay = (first: string, k: number, cadence: Cadence) => (cadence === 'month' ? addMonths(first, k) : addDays(first, 14 * k));

/**
 * `balance` split into `count` instalments from `first`, each `cadence` after the one before:
 * equal amounts in whole minor units, the remainder on the last, so they add up to it exactly.
 */
export function splitEvenly(balance: string, minor: number, count: number, first: string, cadence: Cadence): PlanRow[] {
  const d = parseDecimal(balance);
  const whole = d ? toMinor(d, minor) : 0n;
  const n = BigInt(Math.max(1, Math.trunc(count)));
  const each = whole / n;
  const last = whole - each * (n - 1n);
  return Array.from({ length: Number(n) }, (_, k) =>
    planRow(nthDay(first, k, cadence), formatMinor(k === Number(n) - 1 ? last : each, minor)),
  );
}

/** The rows' amounts added up in minor units (what cannot be read counts as nothing). */
export function planTotal(rows: readonly PlanRow[], minor: number): bigint {
  return rows.reduce((sum, r) => {
    const d = parseDecimal(r.amount);
    return d ? sum + toMinor(d, minor) : sum;
  }, 0n);
}

/** What is left to place (positive) or placed too much (negative): the balance less the rows' total. */
export const planGap = (rows: readonly PlanRow[], balance: string, minor: number) =>
  toMinor(parseDecimal(balance) ?? { units: 0n, scale: 0 }, minor) - planTotal(rows, minor);

/** The running sum as people read it: "Adds up to €200.00 of €238.00: €38.00 left to place." */
export function gapSentence(rows: readonly PlanRow[], balance: string, minor: number, currency: string): string {
  const gap = planGap(rows, balance, minor);
  const money = (x: bigint) => formatMoney(formatMinor(x, minor), currency);
  const sum = `Adds up to ${money(planTotal(rows, minor))} of ${money(gap + planTotal(rows, minor))}`;
  if (gap === 0n) return `${sum}: the whole balance.`;
  return gap > 0n ? `${sum}: ${money(gap)} left to place.` : `${sum}: ${money(-gap)} too much.`;
}

const rowField = (i: number, f: 'due_on' | 'amount') => `instalments[${i}].${f}`;

/**
 * The rules the server applies, checked before sending: how many, each amount above 0 with no
 * more digits than the currency has, each day from `today` and after the one before, the sum
 * equal to the balance. Messages by field, as the server names them.
 */
export function checkPlan(
  rows: readonly PlanRow[],
  balance: string,
  minor: number,
  currency: string,
  today: string,
): Record<string, string> {
  const errors: Record<string, string> = {};
  if (rows.length < MIN_INSTALMENTS || rows.length > MAX_INSTALMENTS) {
    errors.instalments = `A plan has ${MIN_INSTALMENTS} to ${MAX_INSTALMENTS} instalments.`;
  }
  rows.forEach((r, i) => {
    const d = parseDecimal(r.amount);
    if (!d || d.units <= 0n) errors[rowField(i, 'amount')] = 'Enter an amount above 0.';
    else if (d.scale > minor) errors[rowField(i, 'amount')] = `Use at most ${minor} decimals in ${currency}.`;
    if (!parseDay(r.due_on)) errors[rowField(i, 'due_on')] = 'Choose the day it is due.';
    else if (r.due_on < today) errors[rowField(i, 'due_on')] = 'Choose today or a later day.';
    else if (i > 0 && parseDay(rows[i - 1].due_on) && r.due_on <= rows[i - 1].due_on) {
      errors[rowField(i, 'due_on')] = 'Choose a day after the instalment before.';
    }
  });
  if (!errors.instalments && planGap(rows, balance, minor) !== 0n) {
    errors.instalments = `The instalments must add up to the balance. ${gapSentence(rows, balance, minor, currency)}`;
  }
  return errors;
}

/** The server's field errors by field the dialog shows (the rest for the summary). */
export function planErrors(problem: Problem | undefined, count: number): { byField: Record<string, string>; rest: Problem['errors'] } {
  const byField: Record<string, string> = {};
  const rest: NonNullable<Problem['errors']> = [];
  for (const e of problem?.errors ?? []) {
    const m = e.field.match(/^instalments\[(\d+)\]\.(due_on|amount)$/);
    const shown = e.field === 'instalments' || (m !== null && Number(m[1]) < count);
    if (shown) byField[e.field] ??= fieldMessage(e.field, e.message);
    else rest.push(e);
  }
  return { byField, rest };
}

/** Errors after row `index` is removed: that row's go, later rows' move up one. */
export function withoutRow(errors: Record<string, string>, index: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const m = field.match(/^instalments\[(\d+)\](.*)$/);
    if (!m) out[field] = message;
    else if (Number(m[1]) < index) out[field] = message;
    else if (Number(m[1]) > index) out[`instalments[${Number(m[1]) - 1}]${m[2]}`] = message;
  }
  return out;
}

/** The statuses of an instalment in words. */
export const INSTALMENT_STATUSES: Record<string, string> = {
  paid: 'Paid',
  late: 'Late',
  due: 'Due today',
  upcoming: 'Upcoming',
};

/** The status chip's look, as the invoice statuses look (paid green, late red, due today amber). */
export const instalmentChip = (status: string) =>
  status === 'paid' ? 'paid' : status === 'late' ? 'overdue' : status === 'due' ? 'partial' : 'sent';

/** Whether `invoice` is open (the issuer may set a plan on it). */
export const takesPlan = (invoice: Pick<Invoice, 'status' | 'side'>) =>
  invoice.side === 'issuer' && ['sent', 'viewed', 'partial', 'overdue'].includes(invoice.status);
