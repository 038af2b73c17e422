// Widgets more than one dashboard shows.
import type { ComponentChildren } from 'preact';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { Card, Empty } from '../ui/Card';
import { timeAgo } from '../ui/format';
import { Icon, type IconName } from '../ui/icons';
import { ErrorNote, Loading } from '../ui/Page';
import { PullToRefresh, RefreshButton } from '../ui/PullToRefresh';
import type { Resource } from '../ui/useResource';
import { priorityLabel } from '../tickets/labels';

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
  resources: Pick<Resource<unknown>, 'reload' | 'loading'>[];
  children: ComponentChildren;
}) {
  const refresh = () => Promise.all(resources.map((r) => r.reload()));
  const busy = resources.some((r) => r.loading);
  return (
    <PullToRefresh onRefresh={refresh}>
      <div class="actions" style={{ justifyContent: 'flex-end', marginBottom: '0.75rem' }}>
        <RefreshButton onRefresh={refresh} busy={busy} />
      </div>
      {children}
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

export type AuditEntry = Schemas['AuditView'];

export async function recentActivity(tenantId: string, limit = 10): Promise<AuditEntry[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/audit', { params: { path: { tenant_id: tenantId }, query: { limit } } })).items;
}

export function ActivityList({ items }: { items: AuditEntry[] }) {
  if (!items.length) return <Empty>No activity in the last 30 days.</Empty>;
  return (
    <ul class="list">
      {items.map((e) => (
        <li key={e.id}>
          <span class="mono">{e.action}</span>
          {e.target ? <span class="muted"> · {e.target}</span> : null} <span class="muted">· {timeAgo(e.at)}</span>
        </li>
      ))}
    </ul>
  );
}
