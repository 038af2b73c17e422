// Service requests: a client's organization's, a partner's whole tenant's (filtered by
// status), and for Kre8ivTech's staff those waiting for review in every tenant. "Request a
// service" starts a new one.
import { useEffect, useState } from 'preact/hooks';
import { isHouseStaff, me, role } from '../app/session';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { formatDateTime } from '../ui/format';
import { listRequests, pendingRequests, requestPath, STATUS_LABEL, type RequestStatus, type ServiceRequest } from './api';
import './service.css';

export default function RequestList() {
  const house = isHouseStaff.value;
  return (
    <Page
      title="Service requests"
      actions={
        house ? undefined : (
          <a class="button" href="/service-requests/new">
            Request a service
          </a>
        )
      }
    >
      {house ? <Pending /> : <TenantRequests />}
    </Page>
  );
}

export function RequestRows({ items }: { items: ServiceRequest[] }) {
  return (
    <ul class="list panel" aria-label="Service requests">
      {items.map((r) => (
        <li key={`${r.tenant_id}/${r.id}`} class="request-row">
          <div class="request-row__main">
            <a class="request-row__title" href={requestPath(r)}>
              {r.title}
            </a>
            <span class="field__hint">
              {r.type_name} · {formatDateTime(r.created_at)}
              {r.estimate ? ` · estimate ${r.estimate}` : ''}
            </span>
          </div>
          <span class={`request-chip request-chip--${r.status}`}>{STATUS_LABEL[r.status]}</span>
        </li>
      ))}
    </ul>
  );
}

function Pending() {
  const [items, setItems] = useState<ServiceRequest[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    pendingRequests(100).then(setItems, (e) => setError(e instanceof Error ? e : new Error(String(e))));
  }, []);
  if (error) return <ErrorNote error={error} />;
  if (!items) return <Loading />;
  return (
    <section aria-labelledby="pending-requests">
      <h2 id="pending-requests">Waiting for review</h2>
      {items.length ? <RequestRows items={items} /> : <Empty>No service request is waiting for review.</Empty>}
    </section>
  );
}

const FILTERS: (RequestStatus | '')[] = ['', 'submitted', 'in_review', 'quoted', 'approved', 'declined', 'converted', 'withdrawn'];

function TenantRequests() {
  const session = me.value!;
  const client = role.value === 'client';
  const orgs = session.organizations;
  const [org, setOrg] = useState(client ? (orgs[0]?.id ?? '') : '');
  const [status, setStatus] = useState<RequestStatus | ''>('');
  const [items, setItems] = useState<ServiceRequest[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listRequests(session.user.tenant, { org_id: org || undefined, status: status || undefined, cursor: from });
      setItems((prev) => (from && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void fetchPage();
  }, [org, status]);

  return (
    <>
      <div class="form--inline request-filters">
        {client && orgs.length > 1 && (
          <label class="field">
            <span>Organization</span>
            <select value={org} onChange={(e) => setOrg(e.currentTarget.value)}>
              {orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label class="field">
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as RequestStatus | '')}>
            {FILTERS.map((s) => (
              <option key={s} value={s}>
                {s ? STATUS_LABEL[s] : 'Any status'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error ? (
        <ErrorNote error={error} />
      ) : !items ? (
        <Loading />
      ) : items.length ? (
        <RequestRows items={items} />
      ) : (
        <Empty>No service requests yet. Start one with Request a service.</Empty>
      )}
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}
