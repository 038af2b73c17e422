// The super admin's dashboard (PRD 5.1): health, tenants, ticket volume, customer satisfaction
// and SLA compliance, staff workload against capacity, Kre8ivTech's own invoices (what they
// hold, and the overdue ones) and the activity feed.
import { lazy } from 'preact-iso';
import { api } from '../api/client';
import { listTenants, type Tenant } from '../admin/useTenant';
import { unwrap } from '../api/problem';
import { user } from '../app/session';
import { Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { allQueues } from '../queue/queue';
import { listTickets, type Ticket } from '../tickets/api';
import { OPEN_STATUSES } from '../tickets/labels';
import { SatisfactionByTenant, satisfactionByTenant, SatisfactionFigures, workload } from './workflow';
import { HistoryCards, QueueChart, ticketHistory, WorkloadChart } from './charts/trends';
import { OverdueInvoices, revenueOverview, RevenueWidget } from './billing';
import { MessageNotifications, messageNotifications, viewMessages } from './messages';
import { messagesUnread } from '../messaging/unread';
import { ActivityList, compliance, ComplianceTable, QuickActions, recentActivity, Refreshable, ResourceCard } from './widgets';

interface Volume {
  tenant: Tenant;
  open: Ticket[];
  more: boolean;
}

/** Each tenant's open tickets (the first 100: enough for the widget, see the report for the rest). */
async function openByTenant(tenants: Tenant[]): Promise<Volume[]> {
  return Promise.all(
    tenants.map(async (tenant) => {
      const page = await listTickets(tenant.id, { status: OPEN_STATUSES, limit: 100 });
      return { tenant, open: page.items, more: Boolean(page.next_cursor) };
    }),
  );
}

const HousePendingCard = lazy(() => import('./service').then((m) => m.HousePendingCard));

export default function AdminDashboard() {
  const me = user.value!;
  const health = useResource(async () => unwrap(await api.GET('/api/v1/health')), []);
  const tenants = useResource(listTenants, []);
  const volume = useResource(async () => openByTenant(await listTenants()), []);
  const queues = useResource(() => allQueues(), []);
  const sla = useResource(compliance, []);
  const staff = useResource(workload, []);
  const csat = useResource(async () => satisfactionByTenant(await listTenants()), []);
  const activity = useResource(() => recentActivity(me.tenant), [me.tenant]);
  const history = useResource(() => ticketHistory(), []);
  // The house tenant's invoices: what Kre8ivTech bills its direct clients and its partners.
  const revenue = useResource(() => revenueOverview(me.tenant), [me.tenant]);
  const messageNotes = useResource(() => messageNotifications(5), [me.id]);

  return (
    <Page title="Dashboard">
      <Refreshable resources={[health, tenants, volume, queues, sla, staff, csat, activity, history, revenue, messageNotes]}>
        <QuickActions
          actions={[
            { href: '/admin/tenants', label: 'Create partner', icon: 'users' },
            { href: '/admin/users', label: 'Create staff account', icon: 'user' },
            { href: '/queue', label: 'View all tickets', icon: 'queue' },
            { href: '/admin/sla', label: 'System settings', icon: 'settings' },
            viewMessages(messagesUnread.value),
            { href: '/kb', label: 'Search KB', icon: 'form' },
          ]}
        />
        <div class="grid grid--3">
          <ResourceCard title="System health" resource={health}>
            {(h) => (
              <p>
                <strong>{h.status === 'ok' ? 'All systems working' : h.status}</strong>
                <br />
                <span class="muted">
                  Store: {h.store} · version {h.version}
                </span>
              </p>
            )}
          </ResourceCard>
          <ResourceCard title="Tenants" resource={tenants}>
            {(list) => (
              <dl class="stats">
                <div>
                  <dt>Active</dt>
                  <dd>{list.filter((t) => t.status === 'active').length}</dd>
                </div>
                <div>
                  <dt>Suspended</dt>
                  <dd>{list.filter((t) => t.status === 'suspended').length}</dd>
                </div>
              </dl>
            )}
          </ResourceCard>
          <ResourceCard title="Waiting now" resource={queues}>
            {(q) => <QueueChart queues={q} />}
          </ResourceCard>
          <ResourceCard title="Open tickets by tenant" resource={volume}>
            {(v) => (
              <ul class="list">
                {v.map(({ tenant, open, more }) => (
                  <li key={tenant.id}>
                    {tenant.name}{' '}
                    <span class="muted">
                      · {open.length}
                      {more ? '+' : ''} open
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </ResourceCard>
          <ResourceCard title="Staff workload" resource={staff}>
            {(agents) => <WorkloadChart agents={agents} />}
          </ResourceCard>
          <ResourceCard title="Customer satisfaction" resource={csat}>
            {(c) => (
              <>
                <SatisfactionFigures figures={c.overall} label="Customer satisfaction across tenants" />
                <SatisfactionByTenant rows={c.tenants} />
              </>
            )}
          </ResourceCard>
          <ResourceCard title="Revenue overview (MRR, ARR)" resource={revenue}>
            {(r) => <RevenueWidget revenues={r} whose="Kre8ivTech’s invoices" />}
          </ResourceCard>
          <ResourceCard title="Overdue invoices" resource={revenue}>
            {(r) => <OverdueInvoices totals={r.totals} />}
          </ResourceCard>
          <HistoryCards history={history} />
          {/* Loaded after the dashboard's first paint (the route's script budget). */}
          <HousePendingCard />
          <ResourceCard title="Activity" resource={activity}>
            {(items) => <ActivityList items={items} />}
          </ResourceCard>
          <ResourceCard title="Message notifications" resource={messageNotes}>
            {(items) => <MessageNotifications items={items} />}
          </ResourceCard>
          <ResourceCard title="Ticket SLA compliance" resource={sla} wide>
            {(rows) => <ComplianceTable rows={rows} />}
          </ResourceCard>
        </div>
      </Refreshable>
    </Page>
  );
}
