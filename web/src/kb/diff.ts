// Two versions compared, as the history screen shows it: the settings that changed in words
// (categories, organizations and articles by name) and the body's changed lines, each marked
// with a symbol and a word as well as a colour, with its line numbers in both versions.
import type { Diff, DiffLine, Version } from './api';
import { accessOptions } from './editor';

export type Change = 'equal' | 'insert' | 'delete';

export interface Row {
  change: Change;
  /** Shown: "+", "−" or nothing. */
  sign: string;
  /** Read out: what happened to the line. */
  said: string;
  old: string;
  new: string;
  text: string;
}

const CHANGE: Record<Change, { sign: string; said: string }> = {
  equal: { sign: '', said: 'Unchanged' },
  insert: { sign: '+', said: 'Added' },
  delete: { sign: '−', said: 'Removed' },
};

const changeOf = (tag: string): Change => (tag === 'insert' || tag === 'delete' ? tag : 'equal');

export const rowsOf = (hunk: readonly DiffLine[]): Row[] =>
  hunk.map((l) => {
    const change = changeOf(l.tag);
    return { change, ...CHANGE[change], old: l.old == null ? '' : String(l.old), new: l.new == null ? '' : String(l.new), text: l.text };
  });

const span = (ns: number[]) => (!ns.length ? null : ns[0] === ns[ns.length - 1] ? `${ns[0]}` : `${ns[0]}–${ns[ns.length - 1]}`);

/** A hunk's caption: where it is in each version ("Lines 3–8 of version 1, 3–9 of version 2"). */
export function hunkTitle(hunk: readonly DiffLine[], from: number, to: number): string {
  const old = span(hunk.flatMap((l) => (l.old == null ? [] : [l.old])));
  const now = span(hunk.flatMap((l) => (l.new == null ? [] : [l.new])));
  const parts = [old && `${old} of version ${from}`, now && `${now} of version ${to}`].filter(Boolean);
  return `Lines ${parts.join(', ')}`;
}

const FIELD: Record<string, string> = {
  title: 'Title',
  summary: 'Summary',
  category_id: 'Category',
  tags: 'Tags',
  access: 'Who can read it',
  related: 'Related articles',
  related_ids: 'Related articles',
  slug: 'Address',
};

export const fieldLabel = (field: string) => FIELD[field] ?? field.replace(/_/g, ' ');

/** What the screen knows the ids by. */
export interface Names {
  category: (id: string) => string | undefined;
  org: (id: string) => string | undefined;
  article: (id: string) => string | undefined;
  /** Whether it is the system KB (its partner level reaches across tenants). */
  system: boolean;
}

const ids = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A setting's value as the diff gives it (ids, "clients: id, id"), in words; "(none)" when empty. */
export function fieldValue(field: string, raw: string, names: Names): string {
  if (!raw.trim()) return '(none)';
  switch (field) {
    case 'category_id':
      return names.category(raw) ?? 'A category since removed';
    case 'related':
    case 'related_ids':
      return ids(raw)
        .map((id) => names.article(id) ?? 'an article you cannot open')
        .join(', ');
    case 'access': {
      const clients = raw.match(/^clients:\s*(.*)$/);
      if (!clients) return accessOptions(names.system).find((o) => o.value === raw)?.label ?? raw;
      const orgs = ids(clients[1]).map((id) => names.org(id) ?? 'an organization since removed');
      return `Chosen client organizations: ${orgs.join(', ') || '(none)'}`;
    }
    default:
      return raw;
  }
}

/** "2 settings and 5 lines changed" (what the screen reader hears when a comparison arrives). */
export function diffSummary(d: Diff): string {
  const lines = d.hunks.flat().filter((l) => l.tag !== 'equal').length;
  if (!d.fields.length && !lines) return `Versions ${d.from} and ${d.to} are the same.`;
  const parts = [
    d.fields.length && `${d.fields.length} ${d.fields.length === 1 ? 'setting' : 'settings'}`,
    lines && `${lines} ${lines === 1 ? 'line' : 'lines'}`,
  ].filter(Boolean);
  return `Version ${d.from} to ${d.to}: ${parts.join(' and ')} changed.`;
}

/** The pair compared first: the newest version against the one before it (null with one version). */
export function latestPair(versions: readonly Pick<Version, 'number'>[]): { from: number; to: number } | null {
  const numbers = versions.map((v) => v.number).sort((a, b) => b - a);
  return numbers.length < 2 ? null : { from: numbers[1], to: numbers[0] };
}

/** The versions to compare, older first, from the address (or the newest pair when it names none). */
export function pairFrom(
  query: Record<string, string | undefined>,
  versions: readonly Pick<Version, 'number'>[],
): { from: number; to: number } | null {
  const known = new Set(versions.map((v) => v.number));
  const a = Number(query.from);
  const b = Number(query.to);
  if (known.has(a) && known.has(b) && a !== b) return { from: Math.min(a, b), to: Math.max(a, b) };
  return latestPair(versions);
}
