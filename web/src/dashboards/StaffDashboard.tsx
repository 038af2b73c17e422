// The staff dashboard (PRD 5.2): my tickets, the unassigned and escalated work across tenants,
// the queues' lengths, the agents' workload against their capacity, customer satisfaction of
// Kre8ivTech's own clients, SLA compliance and notifications.
import { user } from '../app/session';
import { Empty } from '../ui/Card';
import { Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { allQueues, type QueueSlice } from '../queue/queue';
import { listTickets, type Ticket } from '../tickets/api';
import { OPEN_STATUSES, priorityLabel } from '../tickets/labels';
import { TicketRows } from '../tickets/TicketRow';
import { SatisfactionFigures, tenantCounts, workload } from './workflow';
import { HistoryCards, QueueChart, ticketHistory, WorkloadChart } from './charts/trends';
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
import { compliance, ComplianceTable, NotificationList, QuickActions, recentNotifications, Refreshable, ResourceCard } from './widgets';

/** Waiting tickets nobody has taken, most urgent queue first, in queue order. */
export function unassigned(queues: QueueSlice[]): Ticket[] {
  return queues.flatMap((q) => q.items.filter((t) => !t.assignee_id));
}

export function QueueStats({ queues }: { queues: QueueSlice[] }) {
  return (
    <dl class="stats" aria-label="Waiting tickets by priority">
      {queues.map((q) => (
        <div key={q.priority}>
          <dt>{priorityLabel(q.priority)}</dt>
          <dd>{q.length}</dd>
        </div>
      ))}
    </dl>
  );
}

export default function StaffDashboard() {
  const me = user.value!;
  const queues = useResource(() => allQueues(), []);
  // In-progress work leaves the queue; the house tenant's list has it (other tenants' needs a cross-tenant assignee filter).
  const mine = useResource(() => listTickets(me.tenant, { assignee_id: me.id, status: OPEN_STATUSES, limit: 50 }), [me.id]);
  const sla = useResource(compliance, []);
  const updates = useResource(() => recentNotifications(5), [me.id]);
  const load = useResource(workload, []);
  const counts = useResource(() => tenantCounts(me.tenant), [me.tenant]);
  const history = useResource(() => ticketHistory(), []);
  const conversations = useResource(() => recentConversations(me.tenant), [me.id]);
  const messageNotes = useResource(() => messageNotifications(5), [me.id]);
  const queuedMine = (queues.data ?? []).flatMap((q) => q.items.filter((t) => t.assignee_id === me.id));
  const myTickets = [...(mine.data?.items ?? []), ...queuedMine.filter((q) => !mine.data?.items.some((t) => t.id === q.id))];
  const escalated = (queues.data ?? [])
    .filter((q) => q.priority === 'critical' || q.priority === 'high')
    .flatMap((q) => q.items.filter((t) => !t.assignee_id));

  return (
    <Page title="Dashboard">
      <Refreshable resources={[queues, mine, sla, updates, load, counts, history, conversations, messageNotes]}>
        <QuickActions
          actions={[
            { href: '/queue', label: 'View queue', icon: 'queue' },
            { href: '/tickets/new', label: 'Create ticket', icon: 'plus' },
            messageClient,
            viewMessages(messagesUnread.value),
            { href: '/notifications', label: 'Notifications', icon: 'bell' },
            { href: '/kb', label: 'Search KB', icon: 'form' },
            { href: '/admin/sla', label: 'Service levels', icon: 'settings' },
          ]}
        />
        <div class="grid">
          <ResourceCard title="Waiting now" resource={queues} wide>
            {(q) => (
              <>
                <QueueStats queues={q} />
                <QueueChart queues={q} />
              </>
            )}
          </ResourceCard>
          <ResourceCard title="My assigned tickets" resource={mine}>
            {() => (myTickets.length ? <TicketRows tickets={myTickets} /> : <Empty>Nothing assigned to you.</Empty>)}
          </ResourceCard>
          <ResourceCard title="Unassigned high and critical" resource={queues}>
            {() =>
              escalated.length ? <TicketRows tickets={escalated.slice(0, 10)} /> : <Empty>No urgent ticket is waiting for someone.</Empty>
            }
          </ResourceCard>
          <ResourceCard title="Unassigned" resource={queues}>
            {(q) => {
              const list = unassigned(q);
              return list.length ? <TicketRows tickets={list.slice(0, 10)} /> : <Empty>Every waiting ticket has someone.</Empty>;
            }}
          </ResourceCard>
          <ResourceCard title="Workload" resource={load}>
            {(agents) => <WorkloadChart agents={agents} />}
          </ResourceCard>
          <ResourceCard title="Customer satisfaction" resource={counts}>
            {(c) => <SatisfactionFigures figures={c.satisfaction} label="Customer satisfaction of Kre8ivTech's clients" />}
          </ResourceCard>
          <HistoryCards history={history} />
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
          <ResourceCard title="SLA compliance" resource={sla} wide>
            {(rows) => <ComplianceTable rows={rows} />}
          </ResourceCard>
        </div>
      </Refreshable>
    </Page>
  );
}
