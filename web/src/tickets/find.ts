// Finding a ticket by its number. There is no lookup route yet, so this walks the lists the
// person can read: their tenant's tickets, and for Kre8ivTech staff the cross-tenant queue.
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { PRIORITIES } from './labels';

export interface TicketRef {
  tenant_id: string;
  id: string;
}

const MAX_PAGES = 5;

async function inTenant(tenantId: string, number: string): Promise<TicketRef | undefined> {
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/tickets', { params: { path: { tenant_id: tenantId }, query: { limit: 100, cursor } } }),
    );
    const hit = data.items.find((t) => t.number === number);
    if (hit) return hit;
    if (!data.next_cursor) return undefined;
    cursor = data.next_cursor;
  }
  return undefined;
}

async function inQueues(number: string): Promise<TicketRef | undefined> {
  for (const { value } of PRIORITIES) {
    const { data } = await api.GET('/api/v1/queue', { params: { query: { priority: value, limit: 100 } } });
    const hit = data?.items.find((t) => t.number === number);
    if (hit) return hit;
  }
  return undefined;
}

export async function findTicket(number: string, tenantId: string, houseStaff: boolean): Promise<TicketRef | undefined> {
  return (await inTenant(tenantId, number)) ?? (houseStaff ? inQueues(number) : undefined);
}

export const ticketHref = (t: TicketRef) => `/tickets/${t.tenant_id}/${t.id}`;
