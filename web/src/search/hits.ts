// Search results as the screens show them: the kinds in a fixed order with their names, hits
// grouped by kind, the tabs of the results page with their counts, paging, and where each hit
// leads (the screens that already show tickets, articles, conversations, organizations, people,
// invoices, quotes, projects, service requests, forms and their answers, and tickets' files).
import type { Role } from '../app/session';
import type { Hit, Results } from './api';

export const KINDS = [
  { kind: 'ticket', label: 'Tickets', one: 'Ticket' },
  { kind: 'article', label: 'Articles', one: 'Article' },
  { kind: 'message', label: 'Messages', one: 'Message' },
  { kind: 'organization', label: 'Organizations', one: 'Organization' },
  { kind: 'user', label: 'People', one: 'Person' },
  { kind: 'invoice', label: 'Invoices', one: 'Invoice' },
  { kind: 'quote', label: 'Quotes', one: 'Quote' },
  { kind: 'project', label: 'Projects', one: 'Project' },
  { kind: 'request', label: 'Service requests', one: 'Service request' },
  { kind: 'form', label: 'Forms', one: 'Form' },
  { kind: 'submission', label: 'Form answers', one: 'Form answers' },
  { kind: 'file', label: 'Files', one: 'File' },
] as const;

export type Kind = (typeof KINDS)[number]['kind'];

export const isKind = (k: string | undefined | null): k is Kind => KINDS.some((x) => x.kind === k);
/** "Tickets"; an unknown kind as the server named it. */
export const kindLabel = (k: string) => KINDS.find((x) => x.kind === k)?.label ?? k;
/** "Ticket". */
export const kindOne = (k: string) => KINDS.find((x) => x.kind === k)?.one ?? k;

export interface Group {
  kind: string;
  label: string;
  hits: Hit[];
}

/** The hits by kind, in the order of KINDS (kinds it does not know last), each kind's hits as ranked. */
export function groupHits(hits: readonly Hit[]): Group[] {
  const groups = new Map<string, Hit[]>();
  for (const h of hits) groups.set(h.kind, [...(groups.get(h.kind) ?? []), h]);
  const rank = (k: string) => {
    const i = KINDS.findIndex((x) => x.kind === k);
    return i < 0 ? KINDS.length : i;
  };
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([kind, list]) => ({ kind, label: kindLabel(kind), hits: list }));
}

/** One hit's key among others: system KB articles share ids' shape with the tenant's. */
export const hitKey = (h: Pick<Hit, 'kind' | 'tenant_id' | 'id'>) => `${h.kind}:${h.tenant_id}:${h.id}`;

export interface Tab {
  /** The kind ('' for all). */
  kind: string;
  label: string;
  count: number;
}

/** The results page's tabs: all, then each kind that matched (with the one chosen, even at none). */
export function tabsFor(results: Pick<Results, 'total' | 'kinds'>, chosen = ''): Tab[] {
  const count = (k: string) => results.kinds.find((x) => x.kind === k)?.count ?? 0;
  const total = results.kinds.length ? results.kinds.reduce((n, k) => n + k.count, 0) : results.total;
  const kinds = KINDS.filter((k) => count(k.kind) > 0 || k.kind === chosen).map((k) => ({
    kind: k.kind,
    label: k.label,
    count: count(k.kind),
  }));
  return [{ kind: '', label: 'All', count: total }, ...kinds];
}

export interface PageSpan {
  /** 1-based, for "Results 21–40 of 57". */
  first: number;
  last: number;
  previous: number | null;
  next: number | null;
}

/** Deepest offset the server pages to. */
export const MAX_OFFSET = 1000;

/** Where a page of `limit` from `offset` sits among `total` results, and the offsets around it. */
export function pageSpan(offset: number, limit: number, shown: number, total: number): PageSpan {
  const next = offset + limit;
  return {
    first: shown ? offset + 1 : 0,
    last: offset + shown,
    previous: offset > 0 ? Math.max(0, offset - limit) : null,
    next: next < total && next <= MAX_OFFSET ? next : null,
  };
}

export interface Viewer {
  role: Role | null;
  /** The viewer's own tenant. */
  tenant: string;
}

const enc = encodeURIComponent;
const MANAGERS: readonly (Role | null)[] = ['super_admin', 'staff', 'partner', 'partner_staff'];

/** The admin screens take `?tenant=` (the super admin's picker) for another tenant. */
const adminHref = (path: string, tenant: string, v: Viewer) => (tenant === v.tenant ? path : `${path}?tenant=${enc(tenant)}`);

/**
 * Where a hit leads: a ticket's page; an article's page (system KB articles under Kre8ivTech's
 * tenant, as the KB routes them); a message's conversation; an organization's client page
 * (a client: its tickets; another tenant's: the super admin's organizations screen, else the
 * clients list); a person, the people admin screen (a client finds only themselves: their
 * account).
 */
export function hitHref(h: Pick<Hit, 'kind' | 'id' | 'tenant_id'>, v: Viewer): string | undefined {
  switch (h.kind) {
    case 'ticket':
      return `/tickets/${enc(h.tenant_id)}/${enc(h.id)}`;
    case 'article':
      return `/kb/${enc(h.tenant_id)}/${enc(h.id)}`;
    case 'message':
      return `/messages/${enc(h.id)}`;
    case 'organization':
      if (v.role === 'client') return `/tickets?org_id=${enc(h.id)}`;
      if (h.tenant_id === v.tenant) return `/clients/${enc(h.id)}`;
      return v.role === 'super_admin' ? adminHref('/admin/orgs', h.tenant_id, v) : '/clients';
    case 'user':
      return MANAGERS.includes(v.role) ? adminHref('/admin/users', h.tenant_id, v) : '/settings';
    case 'invoice':
      return `/invoices/${enc(h.tenant_id)}/${enc(h.id)}`;
    case 'quote':
      return `/quotes/${enc(h.tenant_id)}/${enc(h.id)}`;
    case 'project':
      return `/projects/${enc(h.tenant_id)}/${enc(h.id)}`;
    case 'request':
      return `/service-requests/${enc(h.tenant_id)}/${enc(h.id)}`;
    case 'form':
      return `/forms/${enc(h.id)}`;
    case 'submission': {
      // The id is `<form>/<submission>`.
      const [form, submission] = h.id.split('/');
      return submission ? `/forms/${enc(form)}/results/${enc(h.tenant_id)}/${enc(submission)}` : undefined;
    }
    case 'file':
      // A ticket's file: the ticket it came with.
      return `/tickets/${enc(h.tenant_id)}/${enc(h.id)}`;
    default:
      // A kind this app does not know yet: shown, not linked.
      return undefined;
  }
}

/** A results page address: `/search?q=…&type=…&order=newest&offset=20` (defaults left out). */
export function searchHref(q: string, type = '', order = 'relevance', offset = 0): string {
  const p = new URLSearchParams();
  p.set('q', q);
  if (type) p.set('type', type);
  if (order !== 'relevance') p.set('order', order);
  if (offset > 0) p.set('offset', String(offset));
  return `/search?${p.toString()}`;
}
