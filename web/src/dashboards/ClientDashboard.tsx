// The client's dashboard (PRD 5.4): their place in the queue first, quick actions, open
// tickets with live positions, invoices waiting to be paid, and the latest updates; "Submit
// ticket" floats above (PRD 6.1).
import { me as session, user } from '../app/session';
import { Card, Empty } from '../ui/Card';
import { Loading, Page } from '../ui/Page';
import { useResource, type Resource } from '../ui/useResource';
import { listTickets, standingOf, ticketPath, type Ticket } from '../tickets/api';
import { OPEN_STATUSES } from '../tickets/labels';
import { PositionCard } from '../tickets/PositionCard';
import { TicketRow } from '../tickets/TicketRow';
import { useStanding } from '../tickets/useStanding';
import { PendingInvoices, pendingInvoices } from './billing';
import { listProjects } from '../projects/api';
import { ProjectRows } from '../projects/ProjectList';
import { RecentMessages, recentConversations, UnreadMessages, viewMessages } from './messages';
import { messagesUnread } from '../messaging/unread';
import { NotificationList, QuickActions, recentNotifications, Refreshable, ResourceCard, type QuickAction } from './widgets';

/** The waiting ticket nearest the front of its queue. */
export function nextInLine(tickets: Ticket[]): Ticket | undefined {
  return tickets.filter((t) => t.queue).sort((a, b) => a.queue!.position - b.queue!.position)[0];
}

export default function ClientDashboard() {
  const me = user.value!;
  const open = useResource(() => listTickets(me.tenant, { status: OPEN_STATUSES, with_positions: true, limit: 25 }), [me.id]);
  const updates = useResource(() => recentNotifications(5), [me.id]);
  const orgs = session.value?.organizations ?? [];
  const invoices = useResource(() => pendingInvoices(me.tenant, orgs), [me.id]);
  const conversations = useResource(() => recentConversations(me.tenant), [me.id]);
  const projects = useResource(async () => (await listProjects(me.tenant, { limit: 5 })).items, [me.id]);
  const tickets = open.data?.items ?? [];
  const hero = nextInLine(tickets);
  const urgent = invoices.data?.[0];
  const pay: QuickAction[] = urgent ? [{ href: `/invoices/${me.tenant}/${urgent.id}`, label: 'Pay invoice', icon: 'invoice' }] : [];

  return (
    <Page title={`Hello, ${me.name.split(' ')[0]}`}>
      <Refreshable resources={[open, updates, invoices, conversations, projects]}>
        {hero ? (
          <LivePosition ticket={hero} />
        ) : (
          <section class="position position--quiet" aria-label="Queue position">
            {open.data || open.error ? (
              <>
                <p class="position__label">No tickets waiting</p>
                <p class="position__eta">Need help? Submit a ticket and you will see your place in the queue here.</p>
              </>
            ) : (
              <Loading label="Loading your place in the queue…" />
            )}
          </section>
        )}
        {/* Submitting is the floating button's job (the layout's): one primary action per screen. */}
        <QuickActions
          actions={[
            { href: '/tickets', label: 'My tickets', icon: 'ticket' },
            ...pay,
            { href: '/service-requests/new', label: 'Request service', icon: 'form' },
            viewMessages(messagesUnread.value),
            { href: '/kb', label: 'Search KB', icon: 'form' },
            { href: '/notifications', label: 'Notifications', icon: 'bell' },
            { href: '/settings', label: 'Account', icon: 'user' },
          ]}
        />
        {/* Shown once both lists are in, so nothing already on screen moves when they arrive. */}
        {settled(open) && settled(updates) ? (
          <div class="grid">
            <ResourceCard title="Open tickets" resource={open} wide>
              {(page) =>
                page.items.length ? (
                  <ul class="list">
                    {page.items.map((t) => (
                      <li key={t.id}>
                        <LiveTicketRow ticket={t} />
                      </li>
                    ))}
                  </ul>
                ) : (
                  <Empty>You have no open tickets.</Empty>
                )
              }
            </ResourceCard>
            <ResourceCard title="Pending invoices" resource={invoices}>
              {(items) => <PendingInvoices tenantId={me.tenant} items={items} />}
            </ResourceCard>
            <ResourceCard title="Project status" resource={projects}>
              {(items) => (items.length ? <ProjectRows items={items} /> : <Empty>No projects yet.</Empty>)}
            </ResourceCard>
            <ResourceCard title="Recent updates" resource={updates}>
              {(items) => <NotificationList items={items} />}
            </ResourceCard>
            <ResourceCard title="Recent messages" resource={conversations}>
              {(items) => <RecentMessages items={items} />}
            </ResourceCard>
            <ResourceCard title="Unread messages" resource={conversations}>
              {(items) => <UnreadMessages items={items} />}
            </ResourceCard>
            {open.data?.next_cursor && (
              <Card title="More">
                <a href="/tickets">See all open tickets</a>
              </Card>
            )}
          </div>
        ) : (
          <Loading />
        )}
      </Refreshable>
    </Page>
  );
}

const settled = (r: Pick<Resource<unknown>, 'data' | 'error'>) => r.data !== undefined || r.error !== undefined;

function LivePosition({ ticket }: { ticket: Ticket }) {
  const standing = useStanding(ticket.tenant_id, ticket.id, standingOf(ticket));
  return <PositionCard standing={standing} number={`${ticket.number}: ${ticket.subject}`} href={ticketPath(ticket)} />;
}

function LiveTicketRow({ ticket }: { ticket: Ticket }) {
  const standing = useStanding(ticket.tenant_id, ticket.id, standingOf(ticket));
  return <TicketRow ticket={{ ...ticket, status: standing.status, queue: standing.queue }} />;
}
