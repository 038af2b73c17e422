import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetSearches, readRecent, rememberSearch, RECENT_MAX, Typeahead, withRecent, type Answer } from './typing';

/** A Storage that keeps its items in a map. */
function memory(): Storage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    key: (i: number) => [...items.keys()][i] ?? null,
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

describe('recent searches', () => {
  it('puts the latest first, once, ignoring case and spacing', () => {
    expect(withRecent(['invoice', 'Checkout  page'], '  checkout page ')).toEqual(['checkout page', 'invoice']);
    expect(withRecent(['invoice'], '   ')).toEqual(['invoice']);
  });

  it(`keeps the last ${RECENT_MAX}`, () => {
    const list = Array.from({ length: RECENT_MAX }, (_, i) => `q${i}`);
    const next = withRecent(list, 'new');
    expect(next).toHaveLength(RECENT_MAX);
    expect(next[0]).toBe('new');
    expect(next).not.toContain(`q${RECENT_MAX - 1}`);
  });

  it('keeps one list per person, in the browser', () => {
    const store = memory();
    rememberSearch('u1', 'chekout', store);
    rememberSearch('u1', 'invoice', store);
    rememberSearch('u2', 'password', store);
    expect(readRecent('u1', store)).toEqual(['invoice', 'chekout']);
    expect(readRecent('u2', store)).toEqual(['password']);
    forgetSearches('u1', store);
    expect(readRecent('u1', store)).toEqual([]);
    expect(readRecent('u2', store)).toEqual(['password']);
  });

  it('reads a damaged or missing list as empty, and lives without storage', () => {
    const store = memory();
    store.setItem('kt.search.recent.u1', '{not json');
    expect(readRecent('u1', store)).toEqual([]);
    store.setItem('kt.search.recent.u1', JSON.stringify({ a: 1 }));
    expect(readRecent('u1', store)).toEqual([]);
    store.setItem('kt.search.recent.u1', JSON.stringify(['ok', 3, '', null]));
    expect(readRecent('u1', store)).toEqual(['ok']);
    expect(rememberSearch('u1', 'x', null)).toEqual(['x']);
    const full = {
      ...memory(),
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(rememberSearch('u1', 'y', full)).toEqual(['y']);
  });
});

describe('asking as the person types', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('waits for a pause in the typing, then asks the latest words only', async () => {
    const fetch = vi.fn(async (q: string) => q.toUpperCase());
    const answers: Answer<string>[] = [];
    const t = new Typeahead(fetch, 80, (a) => answers.push(a));
    t.ask('c');
    await vi.advanceTimersByTimeAsync(50);
    t.ask('ch');
    await vi.advanceTimersByTimeAsync(50);
    t.ask('che');
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(80);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0][0]).toBe('che');
    expect(answers).toEqual([{ query: 'che', value: 'CHE' }]);
  });

  it('aborts the request of older words, and drops its late answer', async () => {
    const pending: { q: string; signal: AbortSignal; resolve: (v: string) => void }[] = [];
    const fetch = (q: string, signal: AbortSignal) => new Promise<string>((resolve) => pending.push({ q, signal, resolve }));
    const answers: Answer<string>[] = [];
    const t = new Typeahead(fetch, 80, (a) => answers.push(a));
    t.ask('chek');
    await vi.advanceTimersByTimeAsync(80);
    t.ask('chekout');
    expect(pending[0].signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(80);
    // The first request ignored its abort and answers late: not heard.
    pending[1].resolve('new');
    pending[0].resolve('old');
    await vi.advanceTimersByTimeAsync(0);
    expect(answers).toEqual([{ query: 'chekout', value: 'new' }]);
  });

  it('passes errors on, but not aborts; cancel forgets the question', async () => {
    const answers: Answer<string>[] = [];
    const failing = new Typeahead(
      async () => {
        throw new Error('503');
      },
      10,
      (a) => answers.push(a),
    );
    failing.ask('x');
    await vi.advanceTimersByTimeAsync(10);
    expect(answers.map((a) => (a.error as Error).message)).toEqual(['503']);

    const aborted = new Typeahead(
      async () => {
        throw new DOMException('gone', 'AbortError');
      },
      10,
      (a) => answers.push(a),
    );
    aborted.ask('y');
    await vi.advanceTimersByTimeAsync(10);
    const fetch = vi.fn(async () => 'z');
    const cancelled = new Typeahead(fetch, 10, (a) => answers.push(a));
    cancelled.ask('z');
    cancelled.cancel();
    await vi.advanceTimersByTimeAsync(20);
    expect(fetch).not.toHaveBeenCalled();
    expect(answers).toHaveLength(1);
  });
});
