// Recurring invoices (super admins, partners in their own tenant): a schedule that bills a party
// the same lines every week, month, quarter or year, as drafts to review or sent at once. Reads
// and writes (edits under If-Match, creation with an Idempotency-Key), and the form's values:
// the invoice editor's (editor.ts) plus the schedule.
import { fieldMessage } from '../api/messages';
import { api, type Schemas } from '../api/client';
import { unwrap, type Problem } from '../api/problem';
import { ifMatch, tagged, type Tagged } from './api';
import { blankInvoice, editorField, editorFields, fromInvoice, toNewInvoice, type EditorValues } from './editor';
import { formatMinor, parseDecimal, roundRatio, toMinor } from './money';

export type Recurring = Schemas['RecurringView'];
export type Frequency = 'weekly' | 'monthly' | 'quarterly' | 'yearly';

export const FREQUENCIES: readonly { value: Frequency; label: string }[] = [
  { value: 'weekly', label: 'Weekly' },
  { value: 'monthly', label: 'Monthly' },
  { value: 'quarterly', label: 'Quarterly' },
  { value: 'yearly', label: 'Yearly' },
];

export const frequencyLabel = (f: string) => FREQUENCIES.find((o) => o.value === f)?.label ?? f;
const asFrequency = (f: string): Frequency => FREQUENCIES.find((o) => o.value === f)?.value ?? 'monthly';

const query = (tenantId: string, own: boolean) => (own ? '' : `?tenant=${encodeURIComponent(tenantId)}`);
/** The list of a tenant's recurring invoices (`own`: the person's own tenant, named by no query). */
export const recurringListPath = (tenantId: string, own: boolean) => `/invoices/recurring${query(tenantId, own)}`;
export const recurringPath = (tenantId: string, id: string, own: boolean) => `/invoices/recurring/${id}${query(tenantId, own)}`;
export const newRecurringPath = (tenantId: string, own: boolean) => `/invoices/recurring/new${query(tenantId, own)}`;

const one = (tenantId: string, id: string) => ({ tenant_id: tenantId, recurring_id: id });

export async function listRecurring(tenantId: string, cursor?: string) {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/recurring-invoices', {
      params: { path: { tenant_id: tenantId }, query: { limit: 50, cursor } },
    }),
  );
}

export async function getRecurring(tenantId: string, id: string): Promise<Tagged<Recurring>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}', { params: { path: one(tenantId, id) } }));
}

export async function createRecurring(tenantId: string, body: Schemas['NewRecurringRequest'], key: string): Promise<Tagged<Recurring>> {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/recurring-invoices', {
      params: { path: { tenant_id: tenantId }, header: { 'Idempotency-Key': key } },
      body,
    }),
  );
}

export async function updateRecurring(
  tenantId: string,
  id: string,
  etag: string | null,
  body: Schemas['RecurringUpdate'],
): Promise<Tagged<Recurring>> {
  return tagged(
    await api.PATCH('/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}', {
      params: { path: one(tenantId, id), header: ifMatch(etag) },
      body,
    }),
  );
}

/** The ETag of a schedule at the version a list read (the server's ETags are the quoted version). */
export const versionTag = (r: Pick<Recurring, 'version'>) => `"${r.version}"`;

/** Pauses (`false`) or resumes (`true`, from the first period on or after today) the schedule as it was read. */
export const setActive = (tenantId: string, r: Recurring, active: boolean) => updateRecurring(tenantId, r.id, versionTag(r), { active });

export async function deleteRecurring(tenantId: string, id: string, etag: string | null): Promise<void> {
  unwrap(
    await api.DELETE('/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}', {
      params: { path: one(tenantId, id), header: ifMatch(etag) },
    }),
  );
}

export interface RecurringValues extends EditorValues {
  frequency: Frequency;
  start_on: string;
  end_on: string;
  auto_send: boolean;
  auto_charge: boolean;
}

export function blankRecurring(currency: string, today: string, billed = ''): RecurringValues {
  return { ...blankInvoice(currency, billed), frequency: 'monthly', start_on: today, end_on: '', auto_send: false, auto_charge: false };
}

export function fromRecurring(r: Recurring): RecurringValues {
  return {
    ...fromInvoice(r),
    frequency: asFrequency(r.frequency),
    start_on: r.start_on,
    end_on: r.end_on ?? '',
    auto_send: r.auto_send,
    auto_charge: r.auto_charge,
  };
}

export function toNewRecurring(v: RecurringValues): Schemas['NewRecurringRequest'] {
  return {
    ...toNewInvoice(v),
    frequency: v.frequency,
    start_on: v.start_on,
    end_on: v.end_on || null,
    auto_send: v.auto_send,
    auto_charge: v.auto_send && v.auto_charge,
  };
}

/** A change of `r`: the frequency and first day only while it has generated nothing (they are fixed after). */
export function toRecurringUpdate(v: RecurringValues, r: Recurring): Schemas['RecurringUpdate'] {
  const { frequency, start_on, ...rest } = toNewRecurring(v);
  return r.generated > 0 ? rest : { ...rest, frequency, start_on };
}

const SCHEDULE_FIELDS = ['frequency', 'start_on', 'end_on', 'auto_send', 'auto_charge', 'active'];

/** The first message for each field the form shows; what no field shows is left for the summary. */
export function recurringErrors(
  problem: Problem | undefined,
  v: RecurringValues,
): { byField: Record<string, string>; rest: Problem['errors'] } {
  const shown = new Set([...editorFields(v), ...SCHEDULE_FIELDS]);
  const byField: Record<string, string> = {};
  const rest: NonNullable<Problem['errors']> = [];
  for (const e of problem?.errors ?? []) {
    const field = editorField(e.field);
    if (shown.has(field)) byField[field] ??= fieldMessage(e.field, e.message);
    else rest.push(e);
  }
  return { byField, rest };
}

/** How a schedule stands, in words: paused, ended, or when the next invoice is made. */
export function scheduleState(r: Pick<Recurring, 'active' | 'next_on'>): 'active' | 'paused' | 'ended' {
  if (!r.next_on) return 'ended';
  return r.active ? 'active' : 'paused';
}

/** Invoices a year at each frequency. */
const PER_YEAR: Record<Frequency, bigint> = { weekly: 52n, monthly: 12n, quarterly: 4n, yearly: 1n };

/**
 * What a schedule bills per month while active, as the server counts it for MRR: a twelfth of
 * the year's invoices (`total` × invoices a year ÷ 12), rounded half away from zero.
 */
export function monthlyOf(total: string, frequency: Frequency, minor: number): string {
  const d = parseDecimal(total);
  if (!d) return formatMinor(0n, minor);
  return formatMinor(roundRatio(toMinor(d, minor) * PER_YEAR[frequency], 12n), minor);
}
