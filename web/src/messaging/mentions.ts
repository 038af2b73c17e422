// @mentions while writing: the word being typed after an "@" (up to the caret), the members it
// may name, and the text with the chosen name put in its place.
import type { Contact } from './api';

export interface MentionQuery {
  /** Where the "@" is. */
  start: number;
  /** What follows it, up to the caret. */
  text: string;
}

/** The mention being typed at `caret`, if any ("@" at the start or after a space). */
export function mentionAt(value: string, caret: number): MentionQuery | null {
  const before = value.slice(0, caret);
  const m = /(^|\s)@([\p{L}\p{N}_.'-]*)$/u.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, text: m[2] };
}

/** Members whose name matches what was typed (its words' beginnings), at most `max`. */
export function candidates(people: Contact[], text: string, max = 8): Contact[] {
  const q = text.toLowerCase();
  return people
    .filter(
      (p) =>
        !q ||
        p.name
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)) ||
        p.name.toLowerCase().startsWith(q),
    )
    .slice(0, max);
}

/** The text with the mention being typed replaced by `@Name `, and the caret after it. */
export function insertMention(value: string, query: MentionQuery, caret: number, name: string): { value: string; caret: number } {
  const inserted = `@${name} `;
  const next = value.slice(0, query.start) + inserted + value.slice(caret);
  return { value: next, caret: query.start + inserted.length };
}

/** The people still mentioned in the text (their `@Name` is there). */
export function mentioned(body: string, picked: Contact[]): string[] {
  return [...new Set(picked.filter((p) => body.includes(`@${p.name}`)).map((p) => p.id))];
}
