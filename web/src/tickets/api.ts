// Ticket reads and writes shared by the screens.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import type { Standing } from './standing';

export type Ticket = Schemas['TicketView'];
export type Message = Schemas['MessageView'];
export type TimeSheet = Schemas['TimeSheetView'];
export type TimeEntry = Schemas['TimeEntryView'];
export type TicketQuery = {
  org_id?: string;
  status?: string;
  priority?: string;
  category?: string;
  assignee_id?: string;
  requester_id?: string;
  /** A ticket number (`ACME-1002`, or `1002`): the page holds at most that ticket. */
  number?: string;
  with_positions?: boolean;
  limit?: number;
  cursor?: string;
};

export async function listTickets(tenantId: string, query: TicketQuery = {}) {
  // Priorities and categories come from the label lists; the server checks them again.
  const typed = query as Omit<TicketQuery, 'priority' | 'category'> & { priority?: Schemas['Priority']; category?: Schemas['Category'] };
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/tickets', { params: { path: { tenant_id: tenantId }, query: typed } }));
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

/** A change as the screens hold it: words as text from the label lists (the server checks them). */
export type TicketChange = Omit<Schemas['TicketUpdate'], 'status' | 'priority' | 'category'> & {
  status?: string;
  priority?: string;
  category?: string;
};

export async function updateTicket(tenantId: string, ticketId: string, etag: string | null, body: TicketChange) {
  const answer = await api.PATCH('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}', {
    params: { path: { tenant_id: tenantId, ticket_id: ticketId }, header: etag ? { 'If-Match': etag } : {} },
    body: body as Schemas['TicketUpdate'],
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
