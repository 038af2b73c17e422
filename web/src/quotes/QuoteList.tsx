// Quotes: every quote of the tenant for those who write them (drafts too; a super admin picks
// the tenant), the sent ones of their organization for the client side; one organization's at
// a time if asked, paged with "Show more". "New quote" for those who write them.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useTenant } from '../admin/useTenant';
import { me, role } from '../app/session';
import { formatMoney } from '../invoices/money';
import { formatDay } from '../tickets/duration';
import { listOrgs } from '../tickets/orgs';
import { Empty } from '../ui/Card';
import { SelectField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { issuesHere, listQuotes, QUOTE_STATUS, quotePath, type Quote } from './api';
import { filtersFrom, filtersQuery, newQuoteHref, orgNamer } from './listing';
import './quotes.css';

const PAGE = 25;

export default function QuoteList() {
  const session = me.value!;
  const own = session.user.tenant;
  const { query, route, path } = useLocation();
  const { tenantId, picker } = useTenant();
  const filters = { ...filtersFrom(query), tenant: tenantId };
  const issuer = issuesHere(tenantId);
  const client = role.value === 'client';
  // A client always reads one organization's (the first of theirs unless they chose).
  const org = client && !filters.org ? (session.organizations[0]?.id ?? '') : filters.org;
  // Issuers name any organization of the tenant; a client one of their own.
  const orgs = useResource(async () => (issuer ? listOrgs(tenantId) : client ? session.organizations : []), [tenantId, issuer]);
  const go = (org: string) => route(`${path}${filtersQuery({ ...filters, org }, own)}`, true);

  if (!issuer && !client) {
    return (
      <Page title="Quotes">
        <Empty>Quotes are written by those who bill this portal’s clients, and read by the clients they are for.</Empty>
      </Page>
    );
  }
  // A client of one organization sees just its quotes: nothing to choose.
  const choosable = issuer || (orgs.data?.length ?? 0) > 1;
  return (
    <Page
      title="Quotes"
      actions={
        issuer && (
          <a class="button" href={newQuoteHref(tenantId, own, filters.org)}>
            New quote
          </a>
        )
      }
    >
      {picker}
      {choosable && orgs.data && (
        <form class="form form--inline panel quote-filters" role="search" aria-label="Filter quotes" onSubmit={(e) => e.preventDefault()}>
          <SelectField
            label="Organization"
            name="org"
            value={org}
            placeholder={issuer ? 'Every organization' : undefined}
            options={orgs.data.map((o) => ({ value: o.id, label: o.name }))}
            onValue={go}
          />
        </form>
      )}
      <QuotePager key={`${tenantId}|${org}`} tenantId={tenantId} org={org} issuer={issuer} orgName={orgNamer(orgs.data ?? [])} />
    </Page>
  );
}

interface PagerProps {
  tenantId: string;
  org: string;
  issuer: boolean;
  orgName: (id: string) => string;
}

function QuotePager({ tenantId, org, issuer, orgName }: PagerProps) {
  const [items, setItems] = useState<Quote[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listQuotes(tenantId, { org_id: org || undefined, cursor: from, limit: PAGE });
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
  }, []);

  if (error && !items) return <ErrorNote error={error} />;
  if (!items) return <Loading />;
  if (!items.length && !cursor) {
    return (
      <Empty>
        {!issuer
          ? 'No quotes yet. They appear here once sent to you.'
          : org
            ? 'No quotes for this organization yet.'
            : 'No quotes yet. Write one with New quote, or from a service request.'}
      </Empty>
    );
  }
  return (
    <>
      <p class="visually-hidden" role="status">
        {items.length} quotes shown
      </p>
      <div class="panel quote-table-wrap">
        <table class="quote-table">
          <caption class="visually-hidden">Quotes</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Organization</th>
              <th scope="col">Status</th>
              <th scope="col" class="quote-table__num">
                Total
              </th>
              <th scope="col">Valid until</th>
            </tr>
          </thead>
          <tbody>
            {items.map((q) => (
              <QuoteRow key={q.id} quote={q} orgName={orgName(q.org_id)} />
            ))}
          </tbody>
        </table>
      </div>
      {error && <ErrorNote error={error} />}
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}

function QuoteRow({ quote: q, orgName }: { quote: Quote; orgName: string }) {
  const lapsed = q.expired && q.status === 'sent';
  return (
    <tr>
      <td class="quote-table__title">
        <a href={quotePath(q)}>{q.title}</a>
        {q.revision > 1 && <span class="field__hint"> (revision {q.revision})</span>}
      </td>
      <td class="quote-table__org" data-label="For">
        {orgName}
      </td>
      <td class="quote-table__status">
        <span class={`quote-chip quote-chip--${q.status}`}>{QUOTE_STATUS[q.status]}</span>
      </td>
      <td class="quote-table__num quote-table__total">{formatMoney(q.total, q.currency)}</td>
      <td class="quote-table__valid" data-label="Valid until">
        {formatDay(q.valid_until)}
        {lapsed && <span class="quote-expired"> (expired)</span>}
      </td>
    </tr>
  );
}
