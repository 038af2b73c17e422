// Canned responses in the reply box: which ones match what was typed after "/" at the start of
// the box, and where a chosen body goes.

export interface CannedLike {
  id: string;
  title: string;
  shortcut?: string | null;
  body: string;
}

const SHORTCUT_TYPED = /^\/([A-Za-z0-9_-]*)$/;

/**
 * The shortcut being typed, lower-cased ("" right after the "/"), when the box starts with "/"
 * and the caret is still in that first word; otherwise undefined.
 */
export function shortcutQuery(text: string, caret: number = text.length): string | undefined {
  const typed = SHORTCUT_TYPED.exec(text.slice(0, caret));
  if (!typed) return undefined;
  const next = text.charAt(caret);
  if (next && !/\s/.test(next)) return undefined;
  return typed[1].toLowerCase();
}

function score(c: CannedLike, q: string): number | undefined {
  const shortcut = c.shortcut?.toLowerCase() ?? '';
  const title = c.title.toLowerCase();
  if (!q) return shortcut ? 0 : 1;
  if (shortcut === q) return 0;
  if (shortcut.startsWith(q)) return 1;
  if (title.split(/[^a-z0-9]+/).some((w) => w.startsWith(q))) return 2;
  if (shortcut.includes(q) || title.includes(q)) return 3;
  return undefined;
}

/** The responses matching a shortcut query, best first: exact shortcut, shortcut prefix, title word, anywhere. */
export function matchCanned<T extends CannedLike>(query: string, items: readonly T[], limit = 8): T[] {
  const q = query.trim().toLowerCase().replace(/^\//, '');
  return items
    .map((item) => ({ item, s: score(item, q) }))
    .filter((x): x is { item: T; s: number } => x.s !== undefined)
    .sort((a, b) => a.s - b.s || a.item.title.localeCompare(b.item.title))
    .slice(0, limit)
    .map((x) => x.item);
}

/**
 * The box after choosing `body`: it replaces a "/shortcut" being typed, otherwise it goes in at
 * the caret (after a blank line when there is text before it). Returns the new text and caret.
 */
export function insertCanned(text: string, caret: number, body: string): { text: string; caret: number } {
  if (shortcutQuery(text, caret) !== undefined) {
    const wordEnd = caret + (/^[A-Za-z0-9_-]*/.exec(text.slice(caret))?.[0].length ?? 0);
    const rest = text.slice(wordEnd).replace(/^[ \t]+/, '');
    const joined = rest ? `${body}${rest.startsWith('\n') ? '' : ' '}${rest}` : body;
    return { text: joined, caret: body.length };
  }
  const before = text.slice(0, caret);
  const after = text.slice(caret);
  const gap = before && !/\n\n$/.test(before) ? (before.endsWith('\n') ? '\n' : '\n\n') : '';
  const inserted = `${before}${gap}${body}`;
  return { text: `${inserted}${after}`, caret: inserted.length };
}
