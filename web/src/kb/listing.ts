// The KB home's filters (kept in the address, so a filtered list can be shared and survives a
// reload) and where each article stands, as its badge says it.
import type { ArticleSummary } from './api';

export type Standing = 'draft' | 'scheduled' | 'published' | 'archived';

export const STANDING: Record<Standing, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  published: 'Published',
  archived: 'Archived',
};

/** A published article whose time has not come is scheduled (the server's `live` says which). */
export const standingOf = (a: Pick<ArticleSummary, 'status' | 'live'>): Standing =>
  a.status === 'published' ? (a.live ? 'published' : 'scheduled') : a.status;

export interface Filters {
  /** Words every shown title or summary holds. */
  q: string;
  tag: string;
  category: string;
  /** Managers only. */
  standing: Standing | '';
}

const STANDINGS = Object.keys(STANDING) as Standing[];

export function filtersFrom(query: Record<string, string | undefined>): Filters {
  const standing = STANDINGS.find((s) => s === query.status) ?? '';
  return { q: query.q ?? '', tag: query.tag ?? '', category: query.category ?? '', standing };
}

/** The query string for `f` (with the tenant a super admin picked), empty parts left out. */
export function filtersQuery(f: Filters, tenant?: string): string {
  const q = new URLSearchParams();
  if (tenant) q.set('tenant', tenant);
  if (f.q.trim()) q.set('q', f.q.trim());
  if (f.tag) q.set('tag', f.tag);
  if (f.category) q.set('category', f.category);
  if (f.standing) q.set('status', f.standing);
  const s = q.toString();
  return s ? `?${s}` : '';
}

const words = (s: string) => s.toLowerCase().split(/\s+/).filter(Boolean);

/** Whether `a` passes the filters (the category is applied by grouping). */
export function passes(a: ArticleSummary, f: Filters): boolean {
  if (f.tag && !a.tags.includes(f.tag)) return false;
  if (f.standing && standingOf(a) !== f.standing) return false;
  const text = `${a.title} ${a.summary}`.toLowerCase();
  return words(f.q).every((w) => text.includes(w));
}

/** Every tag of `articles`, each once, in alphabetical order. */
export const tagsOf = (articles: readonly ArticleSummary[]) =>
  [...new Set(articles.flatMap((a) => a.tags))].sort((a, b) => a.localeCompare(b));

/** "3 articles" / "1 article" / "No articles". */
export const countWords = (n: number) => (n === 0 ? 'No articles' : n === 1 ? '1 article' : `${n} articles`);
