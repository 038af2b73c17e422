// Open and waiting tickets per client organization.
import type { Ticket } from '../tickets/api';
import type { Org } from '../tickets/orgs';

export interface ClientSummary {
  org: Org;
  open: number;
  waiting: Ticket[];
}

/** Open tickets per client organization, busiest first. */
export function byClient(orgs: Org[], tickets: Ticket[]): ClientSummary[] {
  return orgs
    .map((org) => {
      const mine = tickets.filter((t) => t.org_id === org.id);
      return { org, open: mine.length, waiting: mine.filter((t) => t.queue) };
    })
    .sort((a, b) => b.open - a.open || a.org.name.localeCompare(b.org.name));
}
