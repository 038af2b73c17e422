// The invoice list's filters, kept in the URL so a filtered view can be shared and reloaded,
// and the per-status totals strip's figures.
import type { InvoiceQuery, InvoiceStatus, InvoiceSummary, StatusTotal } from './api';
import { isInvoiceStatus, STATUSES } from './labels';
import { listInvoices } from './api';

export interface ListFilters {
  /** The tenant whose invoices are listed (empty: one's own). */
  tenant: string;
  status: string;
  org_id: string;
  partner_id: string;
}

export function filtersFrom(query: Record<string, string | undefined>): ListFilters {
  return { tenant: query.tenant ?? '', status: query.status ?? '', org_id: query.org_id ?? '', partner_id: query.partner_id ?? '' };
}

export function filtersQuery(f: ListFilters): string {
  const q = new URLSearchParams();
  for (const key of ['tenant', 'status', 'org_id', 'partner_id'] as const) if (f[key]) q.set(key, f[key]);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The list query the API takes (a word from the URL that is no status filters nothing). */
export function apiQuery(f: ListFilters): InvoiceQuery {
  return {
    status: isInvoiceStatus(f.status) ? f.status : undefined,
    org_id: f.org_id || undefined,
    partner_id: f.org_id ? undefined : f.partner_id || undefined,
  };
}

type Page = { items: InvoiceSummary[]; next_cursor?: string | null };

/**
 * One page of at least one invoice, or the last page. The billed party's lists are filtered
 * after reading (drafts and other statuses drop out), so a page can come back empty with more
 * behind it; a few such pages are read on at once.
 */
export async function loadPage(tenantId: string, query: InvoiceQuery, cursor?: string, read = listInvoices): Promise<Page> {
  let page = await read(tenantId, { ...query, limit: 25, cursor });
  for (let tries = 0; !page.items.length && page.next_cursor && tries < 4; tries++) {
    page = await read(tenantId, { ...query, limit: 25, cursor: page.next_cursor });
  }
  return page;
}

export interface StatusFigures {
  status: InvoiceStatus;
  count: number;
  /** Per currency, in the order the API gave them. */
  amounts: { currency: string; amount: string }[];
}

/** The totals strip: the statuses holding invoices, in the lifecycle's order, counts summed over currencies. */
export function totalsByStatus(totals: readonly StatusTotal[]): StatusFigures[] {
  return STATUSES.map(({ value }) => {
    const rows = totals.filter((t) => t.status === value && t.count > 0);
    return {
      status: value,
      count: rows.reduce((n, t) => n + t.count, 0),
      amounts: rows.map((t) => ({ currency: t.currency, amount: t.amount })),
    };
  }).filter((s) => s.count > 0);
}
