// The dashboards' trend charts: tickets filed and resolved, service levels met, first-response
// times, satisfaction, the queue by priority and the agents' load, from the reports route and
// the data the dashboards already load.
import { api, type Schemas } from '../../api/client';
import { unwrap } from '../../api/problem';
import { Empty } from '../../ui/Card';
import type { Resource } from '../../ui/useResource';
import { priorityLabel } from '../../tickets/labels';
import type { QueueSlice } from '../../queue/queue';
import type { AgentLoad } from '../workflow';
import { ResourceCard } from '../widgets';
import { BarList, ColumnChart, LineChart } from './Charts';
import { daysAgo, percent, shortDate, weekly } from './scale';

export type History = Schemas['TicketHistory'];

/** Days of history the charts show: eight whole weeks. */
export const HISTORY_DAYS = 56;

/** The last eight weeks of one tenant's tickets, or (no tenant) every tenant's. */
export async function ticketHistory(tenantId?: string, now = new Date()): Promise<History> {
  const query = { from: daysAgo(HISTORY_DAYS - 1, now), to: daysAgo(0, now) };
  if (tenantId) {
    return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/reports/tickets', { params: { path: { tenant_id: tenantId }, query } }));
  }
  return unwrap(await api.GET('/api/v1/reports/tickets', { params: { query } }));
}

const weekLabel = (start: string) => shortDate(start);

export function VolumeChart({ history }: { history: History }) {
  const weeks = weekly(history.days);
  const created = weeks.reduce((a, w) => a + w.created, 0);
  const resolved = weeks.reduce((a, w) => a + w.resolved, 0);
  if (created + resolved === 0) return <Empty>No tickets in this period yet.</Empty>;
  return (
    <ColumnChart
      caption="Tickets filed and resolved per week"
      summary={`Over the last ${weeks.length} weeks ${created} tickets were filed and ${resolved} resolved; this week ${weeks.at(-1)?.created ?? 0} filed and ${weeks.at(-1)?.resolved ?? 0} resolved.`}
      labels={weeks.map((w) => weekLabel(w.start))}
      series={[
        { name: 'Filed', values: weeks.map((w) => w.created) },
        { name: 'Resolved', values: weeks.map((w) => w.resolved) },
      ]}
    />
  );
}

export function SlaChart({ history }: { history: History }) {
  const weeks = weekly(history.days);
  const first = weeks.map((w) => percent(w.firstMet, w.firstMissed));
  const resolution = weeks.map((w) => percent(w.resolutionMet, w.resolutionMissed));
  if ([...first, ...resolution].every((v) => v === null)) return <Empty>No service levels measured in this period yet.</Empty>;
  const last = (vs: (number | null)[]) => vs.filter((v) => v !== null).at(-1);
  return (
    <LineChart
      caption="Service levels met per week"
      summary={`Share of tickets answered and resolved within their service levels, per week; latest: first response ${last(first) ?? '–'} %, resolution ${last(resolution) ?? '–'} %.`}
      labels={weeks.map((w) => weekLabel(w.start))}
      series={[
        { name: 'First response', values: first },
        { name: 'Resolution', values: resolution },
      ]}
      top={100}
      format={(v) => `${v} %`}
    />
  );
}

export function ResponseTimeChart({ history }: { history: History }) {
  const rows = history.first_response.map((b) => ({ label: b.label === 'longer' ? 'Longer' : `Within ${b.label}`, value: b.count }));
  const total = rows.reduce((a, r) => a + r.value, 0);
  if (total === 0) return <Empty>No first responses in this period yet.</Empty>;
  const quick = rows.slice(0, 2).reduce((a, r) => a + r.value, 0);
  return (
    <BarList
      caption="First responses by how long they took"
      summary={`${total} first responses in the last eight weeks; ${quick} within an hour.`}
      rows={rows}
      unit="First responses"
    />
  );
}

export function CsatChart({ history }: { history: History }) {
  const weeks = weekly(history.days);
  const average = weeks.map((w) => (w.ratings ? Math.round((w.ratingSum / w.ratings) * 10) / 10 : null));
  const ratings = weeks.reduce((a, w) => a + w.ratings, 0);
  if (ratings === 0) return <Empty>No ratings in this period yet.</Empty>;
  return (
    <LineChart
      caption="Average rating per week (1 to 5)"
      summary={`${ratings} ratings in the last eight weeks; the latest week's average is ${average.filter((v) => v !== null).at(-1)} of 5.`}
      labels={weeks.map((w) => weekLabel(w.start))}
      series={[{ name: 'Average rating', values: average }]}
      top={5}
      format={(v) => String(v)}
    />
  );
}

export function QueueChart({ queues }: { queues: QueueSlice[] }) {
  const total = queues.reduce((a, q) => a + q.length, 0);
  return (
    <BarList
      caption="Waiting tickets by priority"
      summary={`${total} tickets waiting: ${queues.map((q) => `${q.length} ${priorityLabel(q.priority)}`).join(', ')}.`}
      rows={queues.map((q) => ({ label: priorityLabel(q.priority), value: q.length }))}
      unit="Waiting"
    />
  );
}

export function WorkloadChart({ agents }: { agents: AgentLoad[] }) {
  if (!agents.length) return <Empty>No agents yet.</Empty>;
  const rows = [...agents]
    .sort((a, b) => b.open_assigned - a.open_assigned)
    .map((a) => {
      const full = a.capacity != null && a.open_assigned >= a.capacity;
      const of = a.capacity == null ? 'open assigned' : `of ${a.capacity} open assigned`;
      return { label: a.name, value: a.open_assigned, note: full ? `${of} · full` : of };
    });
  return (
    <BarList
      caption="Open tickets per agent"
      summary={`Open assigned tickets per agent: ${rows.map((r) => `${r.label} ${r.value}${r.note ? ` ${r.note}` : ''}`).join('; ')}.`}
      rows={rows}
      unit="Open assigned tickets"
    />
  );
}

/** The four history cards, in the dashboard's grid. */
export function HistoryCards({ history }: { history: Resource<History> }) {
  return (
    <>
      <ResourceCard title="Ticket volume" resource={history}>
        {(h) => <VolumeChart history={h} />}
      </ResourceCard>
      <ResourceCard title="Service levels over time" resource={history}>
        {(h) => <SlaChart history={h} />}
      </ResourceCard>
      <ResourceCard title="Response times" resource={history}>
        {(h) => <ResponseTimeChart history={h} />}
      </ResourceCard>
      <ResourceCard title="Satisfaction trend" resource={history}>
        {(h) => <CsatChart history={h} />}
      </ResourceCard>
    </>
  );
}
