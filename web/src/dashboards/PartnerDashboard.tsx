// The partner's dashboard (PRD 5.3): every client's tickets at a glance, the queue positions of
// their waiting tickets, counts and customer satisfaction, what their invoices hold, activity,
// the brand and the latest notifications.
import { role, user } from '../app/session';
import { Empty } from '../ui/Card';
import { Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { branding } from '../theme/branding';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { listTickets } from '../tickets/api';
import { OPEN_STATUSES, PRIORITIES, STATUSES } from '../tickets/labels';
import { listOrgs } from '../tickets/orgs';
import { byClient } from '../clients/summary';
import { TicketRows } from '../tickets/TicketRow';
import { SatisfactionFigures } from './workflow';
import { HistoryCards, ticketHistory, type History } from './charts/trends';
import type { Resource } from '../ui/useResource';
import { revenueOverview, RevenueWidget } from './billing';
import {
  messageClient,
  MessageNotifications,
  messageNotifications,
  RecentMessages,
  recentConversations,
  UnreadMessages,
  viewMessages,
} from './messages';
import { messagesUnread } from '../messaging/unread';
import { PendingRequests, tenantPending } from './service';
import { ActivityList, NotificationList, QuickActions, recentActivity, recentNotifications, Refreshable, ResourceCard } from './widgets';

export default function PartnerDashboard() {
  const me = user.value!;
  const tenant = me.tenant;
  const counts = useResource(
    async () => unwrap(await api.GET('/api/v1/tenants/{tenant_id}/tickets/counts', { params: { path: { tenant_id: tenant } } })),
    [tenant],
  );
  const open = useResource(() => listTickets(tenant, { status: OPEN_STATUSES, with_positions: true, limit: 100 }), [tenant]);
  const orgs = useResource(() => listOrgs(tenant), [tenant]);
  const isPartner = role.value === 'partner';
  // The audit log is the partner's (partner staff see no tenant reports): not asked for otherwise.
  const activity = useResource(async () => (isPartner ? recentActivity(tenant) : []), [tenant, isPartner]);
  const updates = useResource(() => recentNotifications(5), [me.id]);
  const requests = useResource(() => tenantPending(tenant), [tenant]);
  // Partner staff see no tenant reports: their dashboard has no charts.
  const history = useResource(async () => (isPartner ? ticketHistory(tenant) : null), [tenant, isPartner]);
  // Partner staff have no part in billing.
  const revenue = useResource(async () => (isPartner ? revenueOverview(tenant) : null), [tenant, isPartner]);
  const conversations = useResource(() => recentConversations(tenant), [me.id]);
  const messageNotes = useResource(() => messageNotifications(5), [me.id]);
  const clients = orgs.data && open.data ? byClient(orgs.data, open.data.items) : undefined;
  const waiting = (open.data?.items ?? []).filter((t) => t.queue).sort((a, b) => a.queue!.position - b.queue!.position);
  const orgName = (id: string) => orgs.data?.find((o) => o.id === id)?.name;

  return (
    <Page title="Dashboard">
      <Refreshable resources={[counts, open, orgs, activity, updates, history, revenue, conversations, messageNotes, requests]}>
        {/* Submitting is the floating button's job (the layout's): one primary action per screen. */}
        <QuickActions
          actions={[
            { href: '/tickets', label: 'All tickets', icon: 'ticket' },
            { href: '/admin/orgs', label: 'Add client', icon: 'users' },
            { href: '/service-requests/new', label: 'Submit service request', icon: 'form' },
            messageClient,
            viewMessages(messagesUnread.value),
            { href: '/kb', label: 'Search KB', icon: 'form' },
            ...(isPartner ? [{ href: '/invoices', label: 'View invoices', icon: 'invoice' as const }] : []),
            ...(isPartner ? [{ href: '/admin/branding', label: 'Customize branding', icon: 'settings' as const }] : []),
          ]}
        />
        <div class="grid">
          <ResourceCard title="Pending service requests" resource={requests}>
            {(items) => <PendingRequests items={items} />}
          </ResourceCard>
          <ResourceCard title="Tickets" resource={counts} wide>
            {(c) => (
              <>
                <dl class="stats" aria-label="Tickets by status">
                  <div>
                    <dt>Active clients</dt>
                    <dd>{clients ? clients.filter((x) => x.open > 0).length : '…'}</dd>
                  </div>
                  {STATUSES.map((s) => (
                    <div key={s.value}>
                      <dt>{s.label}</dt>
                      <dd>{(c.by_status as Record<string, number>)[s.value] ?? 0}</dd>
                    </div>
                  ))}
                </dl>
                <h3 style={{ marginTop: '1rem' }}>By priority</h3>
                <dl class="stats" aria-label="Tickets by priority">
                  {PRIORITIES.map((p) => (
                    <div key={p.value}>
                      <dt>{p.label}</dt>
                      <dd>{(c.by_priority as Record<string, number>)[p.value] ?? 0}</dd>
                    </div>
                  ))}
                </dl>
              </>
            )}
          </ResourceCard>
          <ResourceCard title="Customer satisfaction" resource={counts}>
            {(c) => <SatisfactionFigures figures={c.satisfaction} />}
          </ResourceCard>
          {isPartner && (
            <ResourceCard title="Revenue overview" resource={revenue}>
              {(r) => <RevenueWidget revenues={r ?? { totals: [], recurring: [] }} whose="Your clients’ invoices" />}
            </ResourceCard>
          )}
          <ResourceCard title="Open tickets by client" resource={orgs}>
            {() =>
              clients?.length ? (
                <ul class="list">
                  {clients.map((c) => (
                    <li key={c.org.id}>
                      <a href={`/clients/${c.org.id}`}>{c.org.name}</a>{' '}
                      <span class="muted">
                        · {c.open} open{c.waiting.length ? `, ${c.waiting.length} waiting` : ''}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <Empty>No client organizations yet.</Empty>
              )
            }
          </ResourceCard>
          <ResourceCard title="Client queue positions" resource={open}>
            {() =>
              waiting.length ? (
                <TicketRows tickets={waiting} extra={(t) => orgName(t.org_id)} />
              ) : (
                <Empty>No client ticket is waiting in the queue.</Empty>
              )
            }
          </ResourceCard>
          <ResourceCard title="Notifications" resource={updates}>
            {(items) => <NotificationList items={items} />}
          </ResourceCard>
          <ResourceCard title="Recent messages" resource={conversations}>
            {(items) => <RecentMessages items={items} />}
          </ResourceCard>
          <ResourceCard title="Unread messages" resource={conversations}>
            {(items) => <UnreadMessages items={items} />}
          </ResourceCard>
          <ResourceCard title="Message notifications" resource={messageNotes}>
            {(items) => <MessageNotifications items={items} />}
          </ResourceCard>
          {isPartner && history.data !== null && <HistoryCards history={history as Resource<History>} />}
          {isPartner && !activity.error && (
            <ResourceCard title="Activity" resource={activity}>
              {(items) => <ActivityList items={items} />}
            </ResourceCard>
          )}
          <BrandPreview />
        </div>
      </Refreshable>
    </Page>
  );
}

function BrandPreview() {
  const b = branding.value;
  if (!b) return null;
  return (
    <section class="card" aria-label="Branding preview">
      <div class="card__body">
        <h2 style={{ marginBottom: '0.5rem' }}>Your brand</h2>
        <div class="preview">
          <div class="preview__bar" style={{ background: 'var(--brand-secondary)', color: 'var(--brand-on-secondary)' }}>
            {b.portal_name}
          </div>
          <div class="preview__body">
            <span class="button">Primary button</span>{' '}
            <span class="badge" style={{ background: 'var(--brand-accent)', color: 'var(--brand-on-accent)' }}>
              Accent
            </span>
          </div>
        </div>
        {role.value === 'partner' && (
          <p>
            <a href="/admin/branding">Customize branding</a>
          </p>
        )}
      </div>
    </section>
  );
}
