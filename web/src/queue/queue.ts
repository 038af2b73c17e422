// The cross-tenant work queue (Kre8ivTech staff): each priority's waiting tickets, first in first.
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import type { Ticket } from '../tickets/api';
import { PRIORITIES, type Priority } from '../tickets/labels';

export interface QueueSlice {
  priority: Priority;
  length: number;
  items: Ticket[];
  next_cursor?: string | null;
}

export async function queueSlice(priority: Priority, limit = 100, cursor?: string): Promise<QueueSlice> {
  const page = unwrap(await api.GET('/api/v1/queue', { params: { query: { priority, limit, cursor } } }));
  return { priority, length: page.items[0]?.queue?.length ?? page.items.length, items: page.items, next_cursor: page.next_cursor };
}

/** Every priority's first page, most urgent first. */
export async function allQueues(limit = 100): Promise<QueueSlice[]> {
  return Promise.all([...PRIORITIES].reverse().map((p) => queueSlice(p.value, limit)));
}

/** Every priority's queue length (the tabs' counts). */
export async function queueLengths(): Promise<Partial<Record<Priority, number>>> {
  const data = unwrap(await api.GET('/api/v1/queue/lengths'));
  return Object.fromEntries(data.items.map((i) => [i.priority, i.length]));
}

/** The most urgent priority with tickets waiting (High when every queue is empty). */
export function busiestPriority(lengths: Partial<Record<Priority, number>>): Priority {
  return [...PRIORITIES].reverse().find((p) => (lengths[p.value] ?? 0) > 0)?.value ?? 'high';
}
