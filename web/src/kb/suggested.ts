// Related articles suggested by search, for an article nobody picked any for: the suggestions
// for its title, articles only, without the article itself, as plain titles.
import type { Hit } from './api';

/** How many suggested articles the article page shows at most. */
export const SUGGESTED = 3;

/**
 * A hit's title as plain text: title_html is the title HTML-escaped with <mark> around the
 * matched words, so the tags go and the five escapes come back.
 */
export function plainTitle(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'" };
  return html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|apos|#39|#x27);/g, (_, e: string) => entities[e]);
}

export interface Suggested {
  tenant_id: string;
  id: string;
  title: string;
}

/** The hits that are other articles than `self`, as plain titles, `max` at most, in their order. */
export function suggestedRelated(hits: readonly Hit[], self: { tenant_id: string; id: string }, max = SUGGESTED): Suggested[] {
  const seen = new Set<string>();
  const out: Suggested[] = [];
  for (const h of hits) {
    const key = `${h.tenant_id}:${h.id}`;
    if (h.kind !== 'article' || (h.id === self.id && h.tenant_id === self.tenant_id) || seen.has(key)) continue;
    seen.add(key);
    out.push({ tenant_id: h.tenant_id, id: h.id, title: plainTitle(h.title_html) });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Which tenant to ask for suggestions: the article's, except a system KB article read from a
 * partner's portal, whose reader searches their own tenant's index (it holds the system KB's
 * articles they may read too).
 */
export function suggestionTenant(articleTenant: string, own: string | undefined, systemKb: string | null | undefined): string {
  return own && systemKb && articleTenant === systemKb ? own : articleTenant;
}
