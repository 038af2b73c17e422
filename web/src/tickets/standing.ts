// Where a ticket stands ("#3 of 12 in the High queue", the estimate, the status), from the
// ticket read and then from `ticket.position` pushes, keeping the newest by `as_of`.
import type { Schemas } from '../api/client';
import { isNewer, type LiveMessage } from '../live/socket';

export type QueueView = Schemas['QueueView'];

export interface Standing {
  status: string;
  priority: string;
  queue: QueueView | null;
  asOf?: string;
}

type Estimate = Schemas['EstimateView'];

/** The standing after `message`, or `standing` itself when the message is older or not for it. */
export function applyPush(standing: Standing, message: LiveMessage): Standing {
  if (message.type !== 'ticket.position') return standing;
  const asOf = typeof message.as_of === 'string' ? message.as_of : undefined;
  if (!isNewer(standing.asOf, asOf)) return standing;
  const priority = typeof message.priority === 'string' ? message.priority : standing.priority;
  // The queue's rank pushes say "waiting" rather than a status: keep the one we know.
  const status = typeof message.status === 'string' && message.status !== 'waiting' ? message.status : standing.status;
  const queue: QueueView | null =
    message.in_queue === true
      ? {
          priority,
          position: Number(message.position),
          length: Number(message.length),
          label: String(message.label),
          estimate: message.estimate as Estimate,
        }
      : null;
  return { status, priority, queue, asOf };
}
