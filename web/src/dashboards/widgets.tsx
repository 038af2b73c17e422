// Widgets more than one dashboard shows.
import { Fragment, type ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { Card, Empty } from '../ui/Card';
import { formatDateTime, timeAgo } from '../ui/format';
import { Icon, type IconName } from '../ui/icons';
import { ErrorNote, Loading } from '../ui/Page';
import { PullToRefresh, RefreshButton } from '../ui/PullToRefresh';
import type { Resource } from '../ui/useResource';
import { priorityLabel } from '../tickets/labels';
import { role, user } from '../app/session';
import { describeGroup, groupRepeats, withKnownNames, type Entry, type Group, type Piece, type Viewer } from '../admin/activity';

export interface QuickAction {
  href: string;
  label: string;
  icon: IconName;
}

export function QuickActions({ actions }: { actions: QuickAction[] }) {
  return (
    <nav aria-label="Quick actions">
      <ul class="quick-actions">
        {actions.map((a) => (
          <li key={a.href}>
            <a href={a.href}>
              <Icon name={a.icon} />
              {a.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A card that shows its resource's loading and error states. */
export function ResourceCard<T>({
  title,
  resource,
  wide,
  children,
}: {
  title: string;
  resource: Resource<T>;
  wide?: boolean;
  children: (data: T) => ComponentChildren;
}) {
  return (
    <Card title={title} wide={wide}>
      {resource.error ? <ErrorNote error={resource.error} /> : resource.data === undefined ? <Loading /> : children(resource.data)}
    </Card>
  );
}

/** Pull-to-refresh and a Refresh button over everything a dashboard loads. */
export function Refreshable({
  resources,
  children,
}: {
  resources: Pick<Resource<unknown>, 'reload' | 'loading' | 'data' | 'error'>[];
  children: ComponentChildren;
}) {
  const refresh = () => Promise.all(resources.map((r) => r.reload()));
  const busy = resources.some((r) => r.loading);
  // The cards appear together once everything has answered the first time, so nothing on the
  // screen moves under the reader as one card after another fills (layout shift).
  const settled = useRef(false);
  settled.current ||= resources.every((r) => r.data !== undefined || r.error !== undefined);
  return (
    <PullToRefresh onRefresh={refresh}>
      <div class="actions" style={{ justifyContent: 'flex-end', marginBottom: '0.75rem' }}>
        <RefreshButton onRefresh={refresh} busy={busy} />
      </div>
      {settled.current ? children : <Loading />}
    </PullToRefresh>
  );
}

export type Notification = Schemas['NotificationView'];

export async function recentNotifications(limit = 5): Promise<Notification[]> {
  return unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit } } })).items;
}

export function NotificationList({ items }: { items: Notification[] }) {
  if (!items.length) return <Empty>Nothing new.</Empty>;
  return (
    <ul class="list">
      {items.map((n) => (
        <li key={n.id} class={n.read_at ? '' : 'notification--unread'}>
          <a href={n.link}>{n.title}</a> <span class="muted">· {timeAgo(n.created_at)}</span>
          <div class="muted">{n.body}</div>
        </li>
      ))}
    </ul>
  );
}

export type ComplianceRow = Schemas['ComplianceRow'];

export function monthsBack(count: number, now = new Date()): { from: string; to: string } {
  const month = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1), 1));
  return { from: month(from), to: month(now) };
}

export function ComplianceTable({ rows }: { rows: ComplianceRow[] }) {
  if (!rows.length) return <Empty>No ticket has reached a service-level target in this period yet.</Empty>;
  return (
    // Focusable: on a phone it scrolls sideways, and the keyboard must reach that too.
    <div class="table-wrap" tabIndex={0} role="group" aria-label="Share of service-level targets met">
      <table>
        <caption class="visually-hidden">Share of service-level targets met</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Priority</th>
            <th scope="col">Clock</th>
            <th scope="col">Met</th>
            <th scope="col">Missed</th>
            <th scope="col">Compliance</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.month}-${r.priority}-${r.clock}`}>
              <td>{r.month}</td>
              <td>{priorityLabel(r.priority)}</td>
              <td>{r.clock === 'first' ? 'First response' : 'Resolution'}</td>
              <td>{r.met}</td>
              <td>{r.missed}</td>
              <td>{r.percent == null ? '—' : `${r.percent.toFixed(1)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export type AuditEntry = Entry;

/** The newest entries of a tenant's audit log: enough that runs of sign-ins still leave a feed. */
export async function recentActivity(tenantId: string, limit = 50): Promise<AuditEntry[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/audit', { params: { path: { tenant_id: tenantId }, query: { limit } } })).items;
}

/** Who reads a log of `tenant` (the reader's own unless said), for the sentences' links. */
export function viewerOf(tenant?: string): Viewer {
  const me = user.value;
  return { tenant: tenant ?? me?.tenant ?? '', ownTenant: me?.tenant ?? '', role: role.value };
}

/** A sentence of ../admin/activity, its names linked where there is a screen for them. */
export function Sentence({ pieces }: { pieces: Piece[] }) {
  return (
    <>
      {pieces.map((p, i) =>
        typeof p === 'string' || !p.href ? (
          <Fragment key={i}>{typeof p === 'string' ? p : p.text}</Fragment>
        ) : (
          <a key={i} href={p.href}>
            {p.text}
          </a>
        ),
      )}
    </>
  );
}

/** "5 minutes ago", the exact time on hover and for machines. */
export function When({ at }: { at: string }) {
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {timeAgo(at)}
    </time>
  );
}

/** When a group happened: one time, or from the first to the last. */
function GroupTime({ group }: { group: Group }) {
  const { oldest, newest } = group;
  if (oldest === newest || timeAgo(oldest.at) === timeAgo(newest.at)) return <When at={newest.at} />;
  return (
    <>
      <When at={oldest.at} /> to <When at={newest.at} />
    </>
  );
}

/** The latest activity in sentences, repeats folded into one line with a count. */
export function ActivityList({ items, tenant, max = 8 }: { items: AuditEntry[]; tenant?: string; max?: number }) {
  if (!items.length) return <Empty>No activity in the last 30 days.</Empty>;
  const viewer = viewerOf(tenant);
  return (
    <ul class="list">
      {groupRepeats(withKnownNames(items))
        .slice(0, max)
        .map((g) => (
          <li key={g.newest.id}>
            <Sentence pieces={describeGroup(g, viewer)} />{' '}
            <span class="muted">
              · <GroupTime group={g} />
            </span>
          </li>
        ))}
    </ul>
  );
}

/** SLA compliance of the last two months (the staff and admin dashboards). */
export async function compliance() {
  return unwrap(await api.GET('/api/v1/sla/compliance', { params: { query: monthsBack(2) } }));
}
