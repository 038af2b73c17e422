// Bulk changes: one status, priority and/or assignee for many tickets. The API takes up to 100
// tickets of one tenant per call and answers each ticket on its own, so one refusal leaves the
// others changed; the staff queue mixes tenants, so the selection goes out one call per tenant.
import { api, type Schemas } from '../api/client';
import { fieldSentences, problemMessage } from '../api/messages';
import { ApiError, unwrap, type Problem } from '../api/problem';
import type { Ticket } from './api';
import { priorityLabel, statusLabel } from './labels';

export type BulkChange = Pick<Schemas['BulkRequest'], 'status' | 'priority' | 'assignee_id'>;
export type BulkItem = Schemas['BulkItemView'];

export const BULK_LIMIT = 100;

export interface BulkOutcome {
  ticket_id: string;
  number: string;
  ok: boolean;
  /** Why it was not changed, in the server's words. */
  reason?: string;
  ticket?: Ticket;
}

export interface BulkSummary {
  changed: number;
  failed: number;
  headline: string;
  outcomes: BulkOutcome[];
}

/** Why one ticket was not changed, as sentences: its field messages, else what the status means. */
export function failureReason(problem: Problem | null | undefined, status: number): string {
  if (problem?.errors?.length) return fieldSentences(problem).join(' ');
  if (status === 404) return 'It was not found, or is not yours to change.';
  if (status === 412) return 'It changed meanwhile. Try again.';
  return problemMessage(status, problem ?? undefined);
}

/** What the change does, for the headline: "Priority High", "Assigned to you", "Unassigned". */
export function describeChange(change: BulkChange, myId?: string): string {
  const parts: string[] = [];
  if (change.status) parts.push(`Status ${statusLabel(change.status)}`);
  if (change.priority) parts.push(`Priority ${priorityLabel(change.priority)}`);
  if (change.assignee_id === null) parts.push('Unassigned');
  else if (change.assignee_id) parts.push(change.assignee_id === myId ? 'Assigned to you' : 'Assigned');
  return parts.join(', ') || 'No change';
}

const tickets = (n: number) => `${n} ticket${n === 1 ? '' : 's'}`;

/** The per-ticket results as the UI says them, in the order the tickets were chosen. */
export function summarizeBulk(results: readonly BulkItem[], numberOf: (id: string) => string | undefined, what = ''): BulkSummary {
  const outcomes = results.map<BulkOutcome>((r) => {
    const ok = r.status >= 200 && r.status < 300;
    return {
      ticket_id: r.ticket_id,
      number: r.ticket?.number ?? numberOf(r.ticket_id) ?? r.ticket_id,
      ok,
      reason: ok ? undefined : failureReason(r.problem, r.status),
      ticket: r.ticket ?? undefined,
    };
  });
  const changed = outcomes.filter((o) => o.ok).length;
  const failed = outcomes.length - changed;
  const lead = what ? `${what}: ` : '';
  const headline =
    failed === 0
      ? `${lead}${tickets(changed)} changed.`
      : changed === 0
        ? `${lead}no ticket changed; ${tickets(failed)} failed.`
        : `${lead}${tickets(changed)} changed, ${failed} failed.`;
  return { changed, failed, headline: headline.charAt(0).toUpperCase() + headline.slice(1), outcomes };
}

/** Groups the selection by tenant in calls of at most 100, keeping the order chosen. */
export function bulkBatches<T extends Pick<Ticket, 'id' | 'tenant_id'>>(selected: readonly T[]): { tenant_id: string; ids: string[] }[] {
  const batches: { tenant_id: string; ids: string[] }[] = [];
  const open = new Map<string, { tenant_id: string; ids: string[] }>();
  for (const t of selected) {
    let batch = open.get(t.tenant_id);
    if (!batch || batch.ids.length >= BULK_LIMIT) {
      batch = { tenant_id: t.tenant_id, ids: [] };
      open.set(t.tenant_id, batch);
      batches.push(batch);
    }
    if (!batch.ids.includes(t.id)) batch.ids.push(t.id);
  }
  return batches;
}

/** Applies `change` to every selected ticket; a call that fails as a whole fails each of its tickets with its problem. */
export async function bulkUpdate(selected: readonly Pick<Ticket, 'id' | 'tenant_id'>[], change: BulkChange): Promise<BulkItem[]> {
  const results: BulkItem[] = [];
  for (const { tenant_id, ids } of bulkBatches(selected)) {
    try {
      const answer = unwrap(
        await api.POST('/api/v1/tenants/{tenant_id}/tickets/bulk', {
          params: { path: { tenant_id } },
          body: { ticket_ids: ids, ...change },
        }),
      );
      results.push(...answer.results);
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      const problem: Problem =
        e instanceof ApiError && e.problem ? e.problem : { type: 'about:blank', title: 'The portal could not be reached.', status };
      results.push(...ids.map((ticket_id) => ({ ticket_id, status, problem })));
    }
  }
  return results;
}
