// Global search as the screens use it (PRD 4.11): one tenant's index of what the person may
// open, type-ahead from the first letter; their saved searches; the KB suggestions shown while
// a ticket is filed, with the record of that filing (shown, opened, filed after all). Reads take
// an AbortSignal: type-ahead drops the answers it no longer needs. A search or a saved search
// that fails names its faults worded for people (./problems.ts). (The figures of those filings
// are in ./figures.ts.)
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { searchProblem } from './problems';

export type Hit = Schemas['HitView'];
export type Results = Schemas['SearchResults'];
export type Saved = Schemas['SavedSearchView'];
export type Filing = Schemas['FilingView'];
export type Order = 'relevance' | 'newest';

export interface Ask {
  q: string;
  /** Kinds to narrow to (none: every kind). */
  types?: readonly string[];
  order?: Order;
  offset?: number;
  limit?: number;
  /** Also count the matches of each kind (the results page's tabs). */
  counts?: boolean;
  /** Enter on the results page (a search that finds no article is counted for the KB's authors). */
  submitted?: boolean;
}

const at = (tenantId: string) => ({ tenant_id: tenantId });

/** Runs `call`, throwing its failure with the search's faults worded for people. */
async function worded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw searchProblem(e);
  }
}

export async function search(tenantId: string, ask: Ask, signal?: AbortSignal): Promise<Results> {
  const query = {
    q: ask.q,
    type: ask.types?.length ? ask.types.join(',') : undefined,
    order: ask.order,
    offset: ask.offset || undefined,
    limit: ask.limit,
    counts: ask.counts || undefined,
    submitted: ask.submitted || undefined,
  };
  return worded(async () => unwrap(await api.GET('/api/v1/tenants/{tenant_id}/search', { params: { path: at(tenantId), query }, signal })));
}

export async function listSaved(tenantId: string): Promise<Saved[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/search/saved', { params: { path: at(tenantId) } }));
}

export async function saveSearch(tenantId: string, name: string, query: string, types: readonly string[]): Promise<Saved> {
  const body = { name, query, types: types.length ? [...types] : undefined };
  return worded(async () => unwrap(await api.POST('/api/v1/tenants/{tenant_id}/search/saved', { params: { path: at(tenantId) }, body })));
}

export async function deleteSaved(tenantId: string, id: string): Promise<void> {
  unwrap(await api.DELETE('/api/v1/tenants/{tenant_id}/search/saved/{saved_id}', { params: { path: { ...at(tenantId), saved_id: id } } }));
}

/** The articles that may answer a ticket about `subject` (five at most). */
export async function suggest(tenantId: string, subject: string, signal?: AbortSignal): Promise<Hit[]> {
  const answer = await api.GET('/api/v1/tenants/{tenant_id}/search/suggestions', {
    params: { path: at(tenantId), query: { subject } },
    signal,
  });
  return unwrap(answer).hits;
}

/** Records that the articles `shown` were suggested while filing a ticket; answers the filing. */
export async function startFiling(tenantId: string, shown: readonly string[]): Promise<Filing> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/search/filings', { params: { path: at(tenantId) }, body: { shown: [...shown] } }),
  );
}

export async function filingOpened(tenantId: string, filingId: string, articleId: string): Promise<void> {
  unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/search/filings/{filing_id}/opened', {
      params: { path: { ...at(tenantId), filing_id: filingId } },
      body: { article_id: articleId },
    }),
  );
}

export async function filingFiled(tenantId: string, filingId: string, ticketId: string): Promise<void> {
  unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/search/filings/{filing_id}/filed', {
      params: { path: { ...at(tenantId), filing_id: filingId } },
      body: { ticket_id: ticketId },
    }),
  );
}

/** Whether `e` is the abort of a request that was no longer wanted. */
export const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';
