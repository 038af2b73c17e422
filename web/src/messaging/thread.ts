// How a conversation reads: pages merged by place, oldest first, each reply under its root.
import type { ChatMessage } from './api';

/** `pages` merged into one list by `seq` (a later copy of a message wins), oldest first. */
export function merge(...pages: readonly (readonly ChatMessage[])[]): ChatMessage[] {
  const bySeq = new Map<number, ChatMessage>();
  for (const page of pages) for (const m of page) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

export interface Thread {
  root: ChatMessage;
  replies: ChatMessage[];
}

/**
 * Roots oldest first, each with its replies oldest first. A reply whose root is not loaded
 * (older than the earliest page) stands on its own until "Load earlier" brings the root.
 */
export function threads(messages: readonly ChatMessage[]): Thread[] {
  const out: Thread[] = [];
  const bySeq = new Map<number, Thread>();
  for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
    const root = m.parent ? bySeq.get(m.parent) : undefined;
    if (root) {
      root.replies.push(m);
      continue;
    }
    const t = { root: m, replies: [] };
    out.push(t);
    bySeq.set(m.seq, t);
  }
  return out;
}

export const newestSeq = (messages: readonly ChatMessage[]) => messages.reduce((n, m) => Math.max(n, m.seq), 0);
export const oldestSeq = (messages: readonly ChatMessage[]) => messages.reduce((n, m) => Math.min(n, m.seq), Infinity);
