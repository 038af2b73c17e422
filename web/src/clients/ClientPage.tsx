// One client organization (PRD 6.2 "drill into a client"): its counts and every ticket of it.
import { useLocation, useRoute } from 'preact-iso';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { user } from '../app/session';
import NotFound from '../app/NotFound';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { listTickets } from '../tickets/api';
import { PRIORITIES, STATUSES } from '../tickets/labels';
import { listOrgs } from '../tickets/orgs';
import { apiQuery, filtersFrom, filtersQuery, TicketFilters } from '../tickets/TicketFilters';
import { TicketPager } from '../tickets/TicketPager';

export default function ClientPage() {
  const { orgId } = useRoute().params as { orgId: string };
  const { query, route, path } = useLocation();
  const tenant = user.value!.tenant;
  const org = useResource(async () => (await listOrgs(tenant)).find((o) => o.id === orgId), [tenant, orgId]);
  const counts = useResource(
    async () =>
      unwrap(
        await api.GET('/api/v1/tenants/{tenant_id}/tickets/counts', { params: { path: { tenant_id: tenant }, query: { org_id: orgId } } }),
      ),
    [tenant, orgId],
  );
  const filters = { ...filtersFrom(query), org_id: orgId };

  if (org.error) return <ErrorNote error={org.error} />;
  if (org.loading && !org.data) return <Loading />;
  if (!org.data || (counts.error instanceof ApiError && counts.error.status === 404)) return <NotFound />;

  return (
    <Page
      title={org.data.name}
      actions={
        <a class="button" href="/tickets/new">
          Ticket for this client
        </a>
      }
    >
      <p>
        <a href="/clients">All clients</a>
      </p>
      {counts.data && (
        <section class="panel" aria-label="Ticket counts">
          <dl class="stats">
            <div>
              <dt>Total</dt>
              <dd>{counts.data.total}</dd>
            </div>
            {STATUSES.map((s) => (
              <div key={s.value}>
                <dt>{s.label}</dt>
                <dd>{(counts.data!.by_status as Record<string, number>)[s.value] ?? 0}</dd>
              </div>
            ))}
            {PRIORITIES.map((p) => (
              <div key={p.value}>
                <dt>{p.label} priority</dt>
                <dd>{(counts.data!.by_priority as Record<string, number>)[p.value] ?? 0}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      <TicketFilters filters={filters} onChange={(f) => route(`${path}${filtersQuery({ ...f, org_id: '' })}`, true)} />
      <TicketPager
        deps={[orgId, filters.status, filters.priority]}
        load={(cursor) => listTickets(tenant, { ...apiQuery(filters), with_positions: true, limit: 25, cursor })}
      />
    </Page>
  );
}
