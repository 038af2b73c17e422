// The audit log (30 days) with filters by action, actor and time, and the same view as CSV.
// Each entry reads as a sentence (./activity); its code, ids, address and device are one click
// away under "Details".
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { Sentence, viewerOf, When } from '../dashboards/widgets';
import { describe, withKnownNames, type Entry, type Viewer } from './activity';
import { useTenant } from './useTenant';
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
  const entries = withKnownNames([...(first.data ?? []), ...extra]);
  const viewer = viewerOf(tenantId);

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
        <section class="panel" aria-label="Audit entries">
          <ul class="list">
            {entries.map((e) => (
              <li key={e.id}>
                <AuditLine
                  entry={e}
                  viewer={viewer}
                  onActor={(actor) => {
                    const next = { ...draft, actor };
                    setDraft(next);
                    setFilters(next);
                  }}
                />
              </li>
            ))}
          </ul>
          {cursor && (
            <button type="button" class="button button--secondary" onClick={more}>
              Show more
            </button>
          )}
        </section>
      )}
    </Page>
  );
}

/** One entry: its sentence and when, and the raw record behind it. */
function AuditLine({ entry: e, viewer, onActor }: { entry: Entry; viewer: Viewer; onActor: (actor: string) => void }) {
  return (
    <>
      <Sentence pieces={describe(e, viewer)} />{' '}
      <span class="muted">
        · <When at={e.at} />
      </span>
      <details>
        <summary class="muted">Details</summary>
        <dl class="details">
          <dt>Time</dt>
          <dd>{formatDateTime(e.at)}</dd>
          <dt>Action</dt>
          <dd class="mono">{e.action}</dd>
          <dt>Actor</dt>
          <dd class="mono">{e.actor ?? '—'}</dd>
          <dt>Target</dt>
          <dd class="mono">{e.target ?? '—'}</dd>
          <dt>IP address</dt>
          <dd>{e.ip ?? '—'}</dd>
          <dt>Device</dt>
          <dd>{e.user_agent ?? '—'}</dd>
        </dl>
        {e.actor && (
          <button type="button" class="button button--secondary" style={{ marginTop: '0.5rem' }} onClick={() => onActor(e.actor!)}>
            Show only {e.actor_name ?? 'this person'}'s entries
          </button>
        )}
      </details>
    </>
  );
}
