// Invoice widgets of the dashboards, from the invoices themselves: a client's invoices waiting
// to be paid (the list endpoint, per organization for clients of several), what a tenant's
// invoices hold by status (the totals endpoint), and the recurring revenue of its active
// recurring invoices (MRR and ARR per currency, the revenue endpoint). Each figure says what it is.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { formatDay } from '../tickets/duration';
// Types only from the invoice screens' API module: the dashboards load none of its code.
import type { InvoiceQuery, InvoiceSummary, StatusTotal } from '../invoices/api';
import { OPEN_STATUSES } from '../invoices/labels';
import { formatMoney } from '../invoices/money';
import { payable, revenueByCurrency } from '../invoices/revenue';
import './billing.css';

const invoiceHref = (tenantId: string, id: string) => `/invoices/${tenantId}/${id}`;

/** What a tenant's invoices hold per status and currency (its issuers: super admins, partners). */
export async function invoiceTotals(tenantId: string): Promise<StatusTotal[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/invoices/totals', { params: { path: { tenant_id: tenantId } } })).totals;
}

export type RecurringRevenue = Schemas['RevenueView'];

/** MRR and ARR per currency of a tenant's active recurring invoices (its issuers: super admins, partners). */
export async function recurringRevenue(tenantId: string): Promise<RecurringRevenue[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/billing/revenue', { params: { path: { tenant_id: tenantId } } })).items;
}

export interface Revenues {
  totals: StatusTotal[];
  recurring: RecurringRevenue[];
}

/** The revenue overview's two reads: what invoices hold, and what recurring invoices bring in. */
export async function revenueOverview(tenantId: string): Promise<Revenues> {
  const [totals, recurring] = await Promise.all([invoiceTotals(tenantId), recurringRevenue(tenantId)]);
  return { totals, recurring };
}

type Page = { items: InvoiceSummary[]; next_cursor?: string | null };

/**
 * A page of at least one invoice, or the last: the billed party's lists are filtered after
 * reading, so a page may come back empty with more behind it (as ../invoices/listing reads them).
 */
async function firstPage(tenantId: string, query: InvoiceQuery): Promise<Page> {
  const read = async (cursor?: string) =>
    unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/invoices', {
        params: { path: { tenant_id: tenantId }, query: { ...query, limit: 25, cursor } },
      }),
    );
  let page = await read();
  for (let tries = 0; !page.items.length && page.next_cursor && tries < 4; tries++) page = await read(page.next_cursor);
  return page;
}

export interface Pending extends InvoiceSummary {
  /** The organization billed, named when the client has several. */
  org?: string;
}

/** Past due first, then by due date (the soonest first; no due date last), then the oldest issued. */
export function byUrgency(a: Pending, b: Pending): number {
  if (a.past_due !== b.past_due) return a.past_due ? -1 : 1;
  const due = (a.due_on ?? '9999-12-31').localeCompare(b.due_on ?? '9999-12-31');
  if (due) return due;
  return (a.issued_on ?? '').localeCompare(b.issued_on ?? '');
}

/**
 * The client's open invoices with money left to pay, most urgent first: one list per open
 * status (and per organization, which clients of several must name), read with the list
 * endpoint as the invoice list reads it.
 */
export async function pendingInvoices(
  tenantId: string,
  orgs: readonly { id: string; name: string }[],
  read: (tenantId: string, query: InvoiceQuery) => Promise<Page> = firstPage,
): Promise<Pending[]> {
  const scopes = orgs.length > 1 ? orgs.map((o) => ({ org_id: o.id, org: o.name })) : [{ org_id: undefined, org: undefined }];
  const pages = await Promise.all(
    scopes.flatMap(({ org_id, org }) =>
      OPEN_STATUSES.map(async (status) => (await read(tenantId, { status, org_id })).items.map((i): Pending => ({ ...i, org }))),
    ),
  );
  const seen = new Set<string>();
  return pages
    .flat()
    .filter((i) => !seen.has(i.id) && seen.add(i.id) && payable(i))
    .sort(byUrgency);
}

export function PendingInvoices({ tenantId, items, max = 5 }: { tenantId: string; items: Pending[]; max?: number }) {
  if (!items.length) return <Empty>No invoices waiting for payment.</Empty>;
  return (
    <>
      <ul class="list">
        {items.slice(0, max).map((i) => (
          <li key={i.id} class="pending-invoice">
            <a href={invoiceHref(tenantId, i.id)}>{i.number ?? 'Invoice'}</a>
            {i.org && <span class="muted"> · {i.org}</span>}
            <div class="pending-invoice__due">
              <strong>{formatMoney(i.balance, i.currency)}</strong>
              {i.due_on ? ` due ${formatDay(i.due_on)}` : ' to pay'}
              {i.past_due && <span class="badge badge--high">Past due</span>}
            </div>
          </li>
        ))}
      </ul>
      {items.length > max && (
        <p>
          <a href="/invoices">See all {items.length} invoices to pay</a>
        </p>
      )}
    </>
  );
}

/** Paid, outstanding and overdue, per currency, from a tenant's invoice totals. */
export function RevenueOverview({ totals, whose }: { totals: StatusTotal[]; whose?: string }) {
  const rows = revenueByCurrency(totals);
  if (!rows.length) return <Empty>No invoices sent yet.</Empty>;
  return (
    <div class="revenue">
      {rows.map((r) => (
        <div key={r.currency}>
          {rows.length > 1 && <h3 class="revenue__currency">{r.currency}</h3>}
          <dl class="stats stats--money" aria-label={`Invoices in ${r.currency}`}>
            <div>
              <dt>Paid ({r.paid.count})</dt>
              <dd>{formatMoney(r.paid.amount, r.currency)}</dd>
            </div>
            <div>
              <dt>Outstanding ({r.outstanding.count})</dt>
              <dd>{formatMoney(r.outstanding.amount, r.currency)}</dd>
            </div>
            <div class={r.overdue.count ? 'stats__item--overdue' : undefined}>
              <dt>Overdue ({r.overdue.count})</dt>
              <dd>{formatMoney(r.overdue.amount, r.currency)}</dd>
            </div>
          </dl>
        </div>
      ))}
      <p class="muted revenue__note">
        {whose ?? 'Invoices'}, all sent so far (not monthly revenue). Paid: totals of invoices paid in full. Outstanding: what is left to
        pay on open invoices, overdue ones included.
      </p>
    </div>
  );
}

/** Monthly and annual recurring revenue per currency, with how many active recurring invoices make them. */
export function RecurringFigures({ items }: { items: readonly RecurringRevenue[] }) {
  const rows = items.filter((r) => r.schedules > 0);
  if (!rows.length) {
    return (
      <Empty>
        No recurring revenue yet: no active recurring invoices. <a href="/invoices/recurring">Set one up</a>
      </Empty>
    );
  }
  return (
    <div class="revenue">
      {rows.map((r) => (
        <div key={r.currency}>
          {rows.length > 1 && <h3 class="revenue__currency">{r.currency}</h3>}
          <dl class="stats stats--money" aria-label={`Recurring revenue in ${r.currency}`}>
            <div>
              <dt>
                <abbr title="Monthly recurring revenue">MRR</abbr>
              </dt>
              <dd>{formatMoney(r.mrr, r.currency)}</dd>
            </div>
            <div>
              <dt>
                <abbr title="Annual recurring revenue">ARR</abbr>
              </dt>
              <dd>{formatMoney(r.arr, r.currency)}</dd>
            </div>
            <div>
              <dt>Active schedules</dt>
              <dd>{r.schedules}</dd>
            </div>
          </dl>
        </div>
      ))}
      <p class="muted revenue__note">
        From the active recurring invoices: ARR is a year of their invoices, MRR a twelfth of it. <a href="/invoices/recurring">See them</a>
      </p>
    </div>
  );
}

/** The revenue overview: recurring revenue first, then what the invoices sent so far hold. */
export function RevenueWidget({ revenues, whose }: { revenues: Revenues; whose?: string }) {
  return (
    <>
      <h3 class="revenue__heading">Recurring</h3>
      <RecurringFigures items={revenues.recurring} />
      <h3 class="revenue__heading">Invoices sent</h3>
      <RevenueOverview totals={revenues.totals} whose={whose} />
    </>
  );
}

/** How many invoices are overdue and what they leave to pay, linking to the list of them. */
export function OverdueInvoices({ totals }: { totals: StatusTotal[] }) {
  const rows = revenueByCurrency(totals).filter((r) => r.overdue.count > 0);
  const count = rows.reduce((n, r) => n + r.overdue.count, 0);
  if (!count) return <Empty>No overdue invoices.</Empty>;
  return (
    <>
      <p>
        <span class="stat">{count}</span> overdue {count === 1 ? 'invoice' : 'invoices'}
      </p>
      <ul class="list">
        {rows.map((r) => (
          <li key={r.currency}>
            <strong>{formatMoney(r.overdue.amount, r.currency)}</strong> <span class="muted">left to pay</span>
          </li>
        ))}
      </ul>
      <p>
        <a href="/invoices?status=overdue">See the overdue invoices</a>
      </p>
    </>
  );
}
