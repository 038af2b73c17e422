// Dead letters as the screen shows them: grouped by queue (newest failure first), labelled, and
// the sentences said after a replay.
import type { Schemas } from '../api/client';
import { ApiError } from '../api/problem';
import { formatDateTime } from '../ui/format';

export type DeadLetter = Schemas['DeadLetterView'];

export type QueueName = Schemas['ReplayRequest']['queue'];

/** The platform's queues, in the order the screen shows them. */
export const QUEUES = ['events', 'email'] as const satisfies readonly QueueName[];

/** Whether `queue` is one of the platform's queues (the only ones a replay can name). */
export const isQueueName = (queue: string): queue is QueueName => (QUEUES as readonly string[]).includes(queue);

export interface QueueGroup {
  queue: string;
  items: DeadLetter[];
}

const failedAt = (d: DeadLetter) => (d.failed_at ? Date.parse(d.failed_at) || 0 : 0);

/**
 * One group per known queue (empty ones too, so each can be seen to be clear), then any other
 * queue the server named; in each, the newest failure first and those without a time last.
 */
export function groupByQueue(items: readonly DeadLetter[]): QueueGroup[] {
  const names = [...QUEUES, ...[...new Set(items.map((d) => d.queue))].filter((q) => !isQueueName(q)).sort()];
  return names.map((queue) => ({
    queue,
    items: items.filter((d) => d.queue === queue).sort((a, b) => failedAt(b) - failedAt(a)),
  }));
}

/** "Events queue", "Email queue". */
export function queueTitle(queue: string): string {
  return `${queue.charAt(0).toUpperCase()}${queue.slice(1)} queue`;
}

/** The count beside a queue's heading: "1 message", "3 messages". */
export const countLabel = (n: number) => `${n} message${n === 1 ? '' : 's'}`;

/** The message's heading: its event kind, or what it is when the body is not an event. */
export function kindLabel(d: DeadLetter): string {
  return d.kind ?? 'Unreadable message';
}

/** What its Replay button replays, after "Replay": "ticket.created message 01J…". */
export function replayTarget(d: DeadLetter): string {
  return `${d.kind ?? 'unreadable'} message ${d.message_id}`;
}

/** The facts known about a message, as label and text; unknown ones are left out. */
export function facts(d: DeadLetter, when: (iso: string) => string = formatDateTime): [string, string][] {
  const out: [string, string][] = [];
  if (d.tenant_id) out.push(['Tenant', d.tenant_id]);
  if (d.occurred_at) out.push(['Happened', when(d.occurred_at)]);
  if (d.failed_at) out.push(['Last failed', when(d.failed_at)]);
  if (d.attempts != null) out.push(['Attempts', String(d.attempts)]);
  if (d.consumer) out.push(['Consumer', d.consumer]);
  if (d.event_id) out.push(['Event', d.event_id]);
  return out;
}

/** Said after a replay: "Replayed 1 message to the events queue." */
export function replayedSentence(replayed: number, queue: string): string {
  if (replayed === 0) return `Nothing was replayed: the ${queue} queue had no dead letters left.`;
  return `Replayed ${countLabel(replayed)} to the ${queue} queue.`;
}

/** Why a replay failed; a message gone meanwhile (replayed by someone else, say) is said plainly. */
export function replayError(e: unknown, messageId?: string | null): string {
  if (e instanceof ApiError && e.status === 404 && messageId) {
    return `Message ${messageId} is no longer a dead letter (it may have been replayed already); the list is up to date now.`;
  }
  return e instanceof Error ? e.message : String(e);
}
