// The quotes list's addresses: which tenant and organization it shows lives in the URL (so a
// reload or a shared link shows the same), and "New quote" starts one there.

export interface QuoteFilters {
  /** The tenant whose quotes are listed (a super admin's pick; empty: the viewer's own). */
  tenant: string;
  /** One organization's quotes (empty: every one the viewer may see). */
  org: string;
}

export const filtersFrom = (query: Record<string, string | undefined>): QuoteFilters => ({
  tenant: query.tenant ?? '',
  org: query.org ?? '',
});

/** `?tenant=…&org=…`, leaving out what is the default (`own`: the viewer's tenant). */
export function filtersQuery(f: QuoteFilters, own: string): string {
  const q = new URLSearchParams();
  if (f.tenant && f.tenant !== own) q.set('tenant', f.tenant);
  if (f.org) q.set('org', f.org);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The editor for a new quote of `tenant`, for `org` when the list shows one organization's. */
export const newQuoteHref = (tenant: string, own: string, org: string) => `/quotes/new${filtersQuery({ tenant, org }, own)}`;

/** An organization's name by its id, from those the viewer knows ("—" when unknown). */
export function orgNamer(orgs: readonly { id: string; name: string }[]): (id: string) => string {
  const names = new Map(orgs.map((o) => [o.id, o.name]));
  return (id) => names.get(id) ?? '—';
}
