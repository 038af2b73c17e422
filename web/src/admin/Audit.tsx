// The audit log (30 days) with filters by action, actor and time, and the same view as CSV.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { useTenant } from './useTenant';

type Entry = Schemas['AuditView'];
interface Filters {
  action: string;
  actor: string;
  from: string;
  to: string;
}

/** The API's query for the filters: blank ones left out, local datetimes as RFC 3339. */
export function auditQuery(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.action.trim()) q.action = f.action.trim();
  if (f.actor.trim()) q.actor = f.actor.trim();
  if (f.from) q.from = new Date(f.from).toISOString();
  if (f.to) q.to = new Date(f.to).toISOString();
  return q;
}

export default function Audit() {
  const { tenantId, picker } = useTenant();
  const [draft, setDraft] = useState<Filters>({ action: '', actor: '', from: '', to: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [extra, setExtra] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const query = auditQuery(filters);

  const first = useResource(async () => {
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/audit', { params: { path: { tenant_id: tenantId }, query: { ...query, limit: 50 } } }),
    );
    setExtra([]);
    setCursor(page.next_cursor ?? null);
    return page.items;
  }, [tenantId, JSON.stringify(query)]);

  const more = async () => {
    if (!cursor) return;
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/audit', {
        params: { path: { tenant_id: tenantId }, query: { ...query, limit: 50, cursor } },
      }),
    );
    setExtra((e) => [...e, ...page.items]);
    setCursor(page.next_cursor ?? null);
  };

  const exportHref = `/api/v1/tenants/${encodeURIComponent(tenantId)}/audit/export?${new URLSearchParams(query)}`;
  const entries = [...(first.data ?? []), ...extra];

  return (
    <Page
      title="Audit log"
      actions={
        <a class="button button--secondary" href={exportHref} download="audit.csv">
          Export CSV
        </a>
      }
    >
      {picker}
      <form
        class="form form--inline panel"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <TextField
          label="Action"
          hint="or its start, e.g. auth"
          name="action"
          value={draft.action}
          onValue={(action) => setDraft({ ...draft, action })}
        />
        <TextField label="Actor (user id)" name="actor" value={draft.actor} onValue={(actor) => setDraft({ ...draft, actor })} />
        <TextField label="From" name="from" type="datetime-local" value={draft.from} onValue={(from) => setDraft({ ...draft, from })} />
        <TextField label="To" name="to" type="datetime-local" value={draft.to} onValue={(to) => setDraft({ ...draft, to })} />
        <button class="button" type="submit">
          Apply filters
        </button>
      </form>
      {first.error ? (
        <ErrorNote error={first.error} />
      ) : !first.data ? (
        <Loading />
      ) : !entries.length ? (
        <Empty>No entries match.</Empty>
      ) : (
        <div class="panel table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDateTime(e.at)}</td>
                  <td class="mono">{e.action}</td>
                  <td class="mono">{e.actor ?? '—'}</td>
                  <td class="mono">{e.target ?? '—'}</td>
                  <td>{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor && (
            <button type="button" class="button button--secondary" onClick={more}>
              Show more
            </button>
          )}
        </div>
      )}
    </Page>
  );
}
