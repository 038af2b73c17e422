// Quotes as the screens use them: the issuer writes a draft (for an organization and often a
// service request), sends, revises and withdraws it under If-Match; the client's side reads it
// and accepts one choice (its name typed) or declines it.
import { api, type Schemas } from '../api/client';
import { ifMatch, requestKey, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';
import { me, role } from '../app/session';
import { formatPercent } from '../invoices/money';

export type Quote = Schemas['QuoteView'];
export type QuoteItem = Quote['items'][number];
export type QuoteChoice = Schemas['QuoteChoice'];
export type QuoteBody = Schemas['QuoteRequest'];

export const quotePath = (q: Pick<Quote, 'tenant_id' | 'id'>) => `/quotes/${encodeURIComponent(q.tenant_id)}/${encodeURIComponent(q.id)}`;

/** The quote as a PDF (whoever may read it); the browser downloads what the server names. */
export const quotePdfHref = (q: Pick<Quote, 'tenant_id' | 'id'>) =>
  `/api/v1/tenants/${encodeURIComponent(q.tenant_id)}/quotes/${encodeURIComponent(q.id)}/pdf`;

type Deposit = NonNullable<Quote['deposit']>;

/** How the balance after a deposit is paid: "in 3 monthly instalments". */
export const balanceTerms = (d: Deposit) => `in ${d.instalments === 1 ? 'one monthly instalment' : `${d.instalments} monthly instalments`}`;

/** A deposit's terms in words: "30% on acceptance, the balance in 3 monthly instalments". */
export const depositTerms = (d: Deposit) => `${formatPercent(d.percent)} on acceptance, the balance ${balanceTerms(d)}`;

export const QUOTE_STATUS: Record<Quote['status'], string> = {
  draft: 'Draft',
  sent: 'Sent',
  accepted: 'Accepted',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
};

/** Whether the viewer writes this tenant's quotes (as they issue its invoices). */
export const issuesHere = (tenantId: string) => {
  const own = me.value?.user.tenant === tenantId;
  return role.value === 'super_admin' || ((role.value === 'partner' || role.value === 'staff') && own);
};

const one = (tenantId: string, id: string) => ({ path: { tenant_id: tenantId, quote_id: id } });

export interface QuoteQuery {
  org_id?: string;
  cursor?: string;
  limit?: number;
}

export async function listQuotes(tenantId: string, query: QuoteQuery = {}) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/quotes', { params: { path: { tenant_id: tenantId }, query } }));
}

export async function getQuote(tenantId: string, id: string): Promise<Tagged<Quote>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/quotes/{quote_id}', { params: one(tenantId, id) }));
}

export async function createQuote(tenantId: string, body: QuoteBody, key = requestKey()): Promise<Tagged<Quote>> {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/quotes', {
      params: { path: { tenant_id: tenantId }, header: { 'Idempotency-Key': key } },
      body,
    }),
  );
}

export async function updateQuote(tenantId: string, id: string, body: QuoteBody, etag: string | null): Promise<Tagged<Quote>> {
  return tagged(
    await api.PUT('/api/v1/tenants/{tenant_id}/quotes/{quote_id}', {
      params: { ...one(tenantId, id), header: ifMatch(etag) as { 'If-Match': string } },
      body,
    }),
  );
}

export type Step = 'send' | 'revise' | 'withdraw';

export async function stepQuote(tenantId: string, id: string, step: Step, etag: string | null): Promise<Tagged<Quote>> {
  const params = { ...one(tenantId, id), header: ifMatch(etag) as { 'If-Match': string } };
  const answer =
    step === 'send'
      ? await api.POST('/api/v1/tenants/{tenant_id}/quotes/{quote_id}/send', { params })
      : step === 'revise'
        ? await api.POST('/api/v1/tenants/{tenant_id}/quotes/{quote_id}/revise', { params })
        : await api.POST('/api/v1/tenants/{tenant_id}/quotes/{quote_id}/withdraw', { params });
  return tagged(answer);
}

export async function acceptQuote(tenantId: string, id: string, name: string, choice: QuoteChoice): Promise<Quote> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/quotes/{quote_id}/accept', { params: one(tenantId, id), body: { name, choice } }),
  );
}

export async function declineQuote(tenantId: string, id: string, reason: string): Promise<Quote> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/quotes/{quote_id}/decline', {
      params: one(tenantId, id),
      body: reason.trim() ? { reason } : {},
    }),
  );
}

/** The items a choice selects: required ones, optional ones ticked, one per package. */
export function chosenItems(q: Pick<Quote, 'items'>, c: QuoteChoice): QuoteItem[] {
  return q.items.filter((i) =>
    i.kind === 'required' ? true : i.kind === 'optional' ? (c.optional ?? []).includes(i.id) : (c.packages ?? {})[i.group ?? ''] === i.id,
  );
}

/** The package names, in the order they first appear. */
export const packagesOf = (q: Pick<Quote, 'items'>) => [...new Set(q.items.filter((i) => i.kind === 'package').map((i) => i.group ?? ''))];
