// What the palette lists, in order: with nothing typed, the person's recent searches and the
// places they can go; with something typed, the matching places (and a ticket number), then
// what the search found grouped by kind, then "See all results". Each option has its index in
// the one list the arrow keys walk.
import { groupHits, type Hit } from '../../search';
import type { Command } from './commands';

export type Item =
  | { type: 'command'; command: Command }
  | { type: 'recent'; query: string }
  | { type: 'hit'; hit: Hit }
  | { type: 'all'; query: string; total: number };

export interface Section {
  /** Unique among the sections (for ids). */
  id: string;
  /** Its heading; none for the lone "See all results". */
  label?: string;
  items: { item: Item; index: number }[];
}

export interface Listing {
  query: string;
  commands: readonly Command[];
  recent: readonly string[];
  /** What the search found for `query` (none while it is asked, or when nothing is typed). */
  hits: readonly Hit[];
  total: number;
}

export function paletteSections({ query, commands, recent, hits, total }: Listing): Section[] {
  const typed = query.trim();
  const out: { id: string; label?: string; items: Item[] }[] = [];
  if (!typed && recent.length)
    out.push({ id: 'recent', label: 'Recent searches', items: recent.map((q) => ({ type: 'recent', query: q })) });
  if (commands.length) out.push({ id: 'go', label: 'Go to', items: commands.map((c) => ({ type: 'command', command: c })) });
  if (typed) {
    for (const g of groupHits(hits)) out.push({ id: g.kind, label: g.label, items: g.hits.map((h) => ({ type: 'hit', hit: h })) });
    if (total > 0) out.push({ id: 'all', items: [{ type: 'all', query: typed, total }] });
  }
  let index = 0;
  return out.map((s) => ({ ...s, items: s.items.map((item) => ({ item, index: index++ })) }));
}

/** The options in arrow-key order. */
export const flatten = (sections: readonly Section[]): Item[] => sections.flatMap((s) => s.items.map((i) => i.item));

/** "See all 33 results for “chekout”". */
export const seeAllText = (query: string, total: number) =>
  total === 1 ? `See the result for “${query}”` : `See all ${total.toLocaleString('en-US')} results for “${query}”`;
