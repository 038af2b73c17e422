// Ticket reads and writes shared by the screens.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import type { Category, Priority } from './labels';
import type { Standing } from './standing';

export type Ticket = Schemas['TicketView'];
export type Message = Schemas['MessageView'];
export type TimeSheet = Schemas['TimeSheetView'];
export type TimeEntry = Schemas['TimeEntryView'];
export type TicketQuery = {
  org_id?: string;
  /** Comma-separated statuses, e.g. `new,open`. */
  status?: string;
  priority?: Priority;
  category?: Category;
  assignee_id?: string;
  requester_id?: string;
  /** A ticket number (`ACME-1002`, or `1002`): the page holds at most that ticket. */
  number?: string;
  with_positions?: boolean;
  limit?: number;
  cursor?: string;
};

export async function listTickets(tenantId: string, query: TicketQuery = {}) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/tickets', { params: { path: { tenant_id: tenantId }, query } }));
}

export async function getTicket(tenantId: string, ticketId: string): Promise<{ ticket: Ticket; etag: string | null }> {
  const answer = await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}', {
    params: { path: { tenant_id: tenantId, ticket_id: ticketId } },
  });
  return { ticket: unwrap(answer), etag: answer.response.headers.get('ETag') };
}

export async function listMessages(tenantId: string, ticketId: string): Promise<Message[]> {
  const items: Message[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/messages', {
        params: { path: { tenant_id: tenantId, ticket_id: ticketId }, query: { limit: 100, cursor } },
      }),
    );
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

export async function updateTicket(tenantId: string, ticketId: string, etag: string | null, body: Schemas['TicketUpdate']) {
  const answer = await api.PATCH('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}', {
    params: { path: { tenant_id: tenantId, ticket_id: ticketId }, header: etag ? { 'If-Match': etag } : {} },
    body,
  });
  return { ticket: unwrap(answer), etag: answer.response.headers.get('ETag') };
}

// Time entries: Kre8ivTech staff and admins only (everyone else gets 404).
export async function listTime(tenantId: string, ticketId: string): Promise<TimeSheet> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/time-entries', {
      params: { path: { tenant_id: tenantId, ticket_id: ticketId } },
    }),
  );
}

export async function logTime(tenantId: string, ticketId: string, body: Schemas['NewTimeEntryRequest']): Promise<TimeEntry> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/time-entries', {
      params: { path: { tenant_id: tenantId, ticket_id: ticketId } },
      body,
    }),
  );
}

export async function deleteTime(tenantId: string, ticketId: string, entryId: string): Promise<void> {
  unwrap(
    await api.DELETE('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/time-entries/{entry_id}', {
      params: { path: { tenant_id: tenantId, ticket_id: ticketId, entry_id: entryId } },
    }),
  );
}

export const standingOf = (t: Ticket): Standing => ({ status: t.status, priority: t.priority, queue: t.queue ?? null });

export const ticketPath = (t: Pick<Ticket, 'tenant_id' | 'id'>) => `/tickets/${t.tenant_id}/${t.id}`;
