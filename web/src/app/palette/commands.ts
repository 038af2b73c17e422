// What the palette offers for a query: matching places, and a ticket when it reads as a number.
import type { NavItem } from '../nav';

export type Command = { kind: 'go'; label: string; href: string } | { kind: 'ticket'; label: string; number: string };

const TICKET_NUMBER = /^([a-z][a-z0-9]*-)?\d+$/i;

/** "kt-1001" -> "KT-1001"; "1001" -> "<prefix>-1001" when the prefix is known. */
export function ticketNumber(query: string, prefix?: string): string | undefined {
  const q = query.trim();
  if (!TICKET_NUMBER.test(q)) return undefined;
  if (q.includes('-')) return q.toUpperCase();
  return prefix ? `${prefix.toUpperCase()}-${q}` : undefined;
}

export function commandsFor(query: string, places: readonly Pick<NavItem, 'href' | 'label'>[], prefix?: string): Command[] {
  const q = query.trim().toLowerCase();
  const out: Command[] = [];
  const number = ticketNumber(query, prefix);
  if (number) out.push({ kind: 'ticket', label: `Open ticket ${number}`, number });
  for (const p of places) {
    if (!q || p.label.toLowerCase().includes(q) || p.href.includes(q)) out.push({ kind: 'go', label: `Go to ${p.label}`, href: p.href });
  }
  return out;
}

/** What the palette says when nothing matches `query` (null while there is nothing typed). */
export function noResultsText(query: string): string | null {
  const q = query.trim();
  return q ? `No results for “${q}”` : null;
}
