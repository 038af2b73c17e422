// What people type into the search boxes: asked as they type, each question waiting `delay` ms
// for the next keystroke, a newer question aborting the request of the one before and only the
// latest question's answer heard (an older answer that comes in late is dropped even when its
// request ignored the abort); and remembered once they search, their recent searches newest
// first, kept in this browser (localStorage, one list per person so that a shared computer does
// not show one person's searches to the next): the last RECENT_MAX they opened a result or the
// results page for, each once.
import { useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from './api';

export type Answer<T> = { query: string; value: T; error?: undefined } | { query: string; value?: undefined; error: unknown };

export class Typeahead<T> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private asked = 0;

  constructor(
    private readonly fetch: (query: string, signal: AbortSignal) => Promise<T>,
    private readonly delay: number,
    private readonly onAnswer: (answer: Answer<T>) => void,
  ) {}

  /** Asks `query` once the typing pauses; drops whatever was asked before. */
  ask(query: string): void {
    this.cancel();
    const mine = this.asked;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const controller = new AbortController();
      this.controller = controller;
      this.fetch(query, controller.signal).then(
        (value) => {
          if (mine === this.asked) this.onAnswer({ query, value });
        },
        (error: unknown) => {
          if (mine === this.asked && !isAbort(error)) this.onAnswer({ query, error });
        },
      );
    }, this.delay);
  }

  /** Forgets the question asked (its timer, its request, its answer). */
  cancel(): void {
    this.asked++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }
}

export interface Typed<T> {
  /** The latest answer (kept while the next question is pending, so the list does not flicker). */
  answer: Answer<T> | null;
  /** A question is waiting for its answer. */
  pending: boolean;
}

/** The answer to `query` as it is typed; a blank query asks nothing and clears the answer. */
export function useTypeahead<T>(query: string, fetch: (query: string, signal: AbortSignal) => Promise<T>, delay: number): Typed<T> {
  const [answer, setAnswer] = useState<Answer<T> | null>(null);
  const [pending, setPending] = useState(false);
  const latest = useRef(fetch);
  latest.current = fetch;
  const typeahead = useRef<Typeahead<T> | null>(null);
  if (!typeahead.current) {
    typeahead.current = new Typeahead<T>(
      (q, signal) => latest.current(q, signal),
      delay,
      (a) => {
        setAnswer(a);
        setPending(false);
      },
    );
  }

  useEffect(() => {
    const t = typeahead.current!;
    if (!query.trim()) {
      t.cancel();
      setAnswer(null);
      setPending(false);
      return;
    }
    setPending(true);
    t.ask(query);
  }, [query]);
  useEffect(() => () => typeahead.current?.cancel(), []);

  return { answer, pending };
}

// Recent searches.

export const RECENT_MAX = 8;
/** Longest search kept (the server reads 500 characters at most). */
const MAX_LENGTH = 500;

const keyOf = (userId: string) => `kt.search.recent.${userId}`;

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** localStorage when the browser allows it (private modes and policies may refuse it). */
function storage(): Store | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function readRecent(userId: string, store: Store | null = storage()): string[] {
  try {
    const parsed: unknown = JSON.parse(store?.getItem(keyOf(userId)) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    return parsed.filter((s): s is string => typeof s === 'string' && s.trim() !== '').slice(0, RECENT_MAX);
  } catch {
    return [];
  }
}

/** `list` with `query` first: trimmed, once (ignoring case and spacing), at most RECENT_MAX. */
export function withRecent(list: readonly string[], query: string): string[] {
  const q = query.trim().replace(/\s+/g, ' ').slice(0, MAX_LENGTH);
  if (!q) return [...list];
  const same = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase() === q.toLowerCase();
  return [q, ...list.filter((s) => !same(s))].slice(0, RECENT_MAX);
}

/** Remembers `query` as the person's latest search; answers the list as it is now. */
export function rememberSearch(userId: string, query: string, store: Store | null = storage()): string[] {
  const next = withRecent(readRecent(userId, store), query);
  try {
    store?.setItem(keyOf(userId), JSON.stringify(next));
  } catch {
    // Full or refused: the list is a convenience.
  }
  return next;
}

export function forgetSearches(userId: string, store: Store | null = storage()): void {
  try {
    store?.removeItem(keyOf(userId));
  } catch {
    // As above.
  }
}
