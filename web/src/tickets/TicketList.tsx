// All the tickets a person may see in their tenant (partners: every client's; clients: their
// organizations'), with filters by client, status and priority; those who manage tickets tick
// rows to change them together.
import { useLocation } from 'preact-iso';
import { managesTickets, me } from '../app/session';
import { Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { listTickets } from './api';
import { orgsFor } from './orgs';
import { apiQuery, filtersFrom, filtersQuery, TicketFilters } from './TicketFilters';
import { TicketPager } from './TicketPager';

export default function TicketList() {
  const session = me.value!;
  const { query, route, path } = useLocation();
  const filters = filtersFrom(query);
  const orgs = useResource(() => orgsFor(session), [session.user.id]);
  const orgName = (id: string) => orgs.data?.find((o) => o.id === id)?.name;

  return (
    <Page
      title={session.user.role === 'client' ? 'My tickets' : 'Tickets'}
      actions={
        <a class="button" href="/tickets/new">
          Submit ticket
        </a>
      }
    >
      <TicketFilters filters={filters} orgs={orgs.data} onChange={(f) => route(`${path}${filtersQuery(f)}`, true)} />
      {filters.requester_id && (
        <p class="muted" role="status">
          Showing one requester’s tickets. <a href={path}>Show all tickets</a>
        </p>
      )}
      <TicketPager
        deps={[filters.org_id, filters.status, filters.priority, filters.requester_id, filters.tenant]}
        load={(cursor) =>
          listTickets(filters.tenant || session.user.tenant, { ...apiQuery(filters), with_positions: true, limit: 25, cursor })
        }
        extra={(orgs.data?.length ?? 0) > 1 ? (t) => orgName(t.org_id) : undefined}
        bulk={managesTickets.value}
      />
    </Page>
  );
}
