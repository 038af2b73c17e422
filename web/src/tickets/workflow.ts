// Ticket workflow calls (PRD 6.1/6.2 staff tools): canned responses filled in for a ticket,
// related-ticket links, merging, and the requester's satisfaction rating.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { listTickets, type Ticket } from './api';

export type FilledCanned = Schemas['FilledCannedView'];
export type LinkedTicket = Schemas['LinkedTicketView'];
export type Satisfaction = Schemas['SatisfactionView'];

/** The canned responses usable on this ticket, bodies filled in for it (the tenant's, then Kre8ivTech's for its staff). */
export async function cannedFor(ticket: Pick<Ticket, 'tenant_id' | 'id'>): Promise<FilledCanned[]> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/canned-responses', {
      params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id } },
    }),
  );
}

export async function listLinks(ticket: Pick<Ticket, 'tenant_id' | 'id'>): Promise<LinkedTicket[]> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/links', {
      params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id } },
    }),
  );
}

/** Links a related ticket of the same tenant, named by id or number (ACME-1002). */
export async function addLink(ticket: Pick<Ticket, 'tenant_id' | 'id'>, other: string): Promise<LinkedTicket> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/links', {
      params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id } },
      body: { ticket: other },
    }),
  );
}

export async function removeLink(ticket: Pick<Ticket, 'tenant_id' | 'id'>, linkedId: string): Promise<void> {
  unwrap(
    await api.DELETE('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/links/{linked_id}', {
      params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id, linked_id: linkedId } },
    }),
  );
}

/** The ticket of the tenant numbered `number` (ACME-1002, or 1002) if this person may see it; a 422 names `number` for text that is no number. */
export async function ticketByNumber(tenantId: string, number: string): Promise<Ticket | undefined> {
  return (await listTickets(tenantId, { number })).items[0];
}

/** Merges this ticket into another (id or number); this one closes with `merged_into_id`. */
export async function mergeInto(ticket: Pick<Ticket, 'tenant_id' | 'id'>, into: string): Promise<Schemas['MergedView']> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/merge', {
      params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id } },
      body: { into_ticket: into },
    }),
  );
}

/** The requester rates their resolved ticket, once. */
export async function rateTicket(ticket: Pick<Ticket, 'tenant_id' | 'id'>, body: Schemas['RatingRequest']): Promise<Ticket> {
  return unwrap(
    await api.PUT('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/satisfaction', {
      params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id } },
      body,
    }),
  );
}

export const RATEABLE = new Set(['resolved', 'closed']);

export const linkKindLabel = (kind: string) => (kind === 'merged' ? 'Merged' : kind === 'related' ? 'Related' : kind);
