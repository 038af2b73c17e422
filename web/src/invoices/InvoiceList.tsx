// The invoices a person may list: an issuer's every invoice (drafts too) with the totals per
// status, a client's organizations' invoices, a partner's bills from Kre8ivTech; filtered by
// status and billed party, paged with "Show more". Kre8ivTech staff draft but list nothing.
// Issuers move from here to their recurring invoices (InvoiceTabs).
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { listTenants } from '../admin/useTenant';
import { me, role } from '../app/session';
import { Empty } from '../ui/Card';
import { SelectField } from '../ui/Field';
import { timeAgo } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { formatDay } from '../tickets/duration';
import { draftsInvoices, listView, type ListView } from './access';
import { invoicePath, invoiceTotals, type InvoiceSummary } from './api';
import { STATUSES, amountMeaning, statusLabel } from './labels';
import { apiQuery, filtersFrom, filtersQuery, loadPage, totalsByStatus, type ListFilters } from './listing';
import { formatMoney } from './money';
import { billableParties, parseParty, partyOptions, partyValue } from './parties';
import { InvoiceTabs } from './InvoiceTabs';
import { StatusChip } from './StatusChip';
import './invoices.css';

export default function InvoiceList() {
  const session = me.value!;
  const r = role.value;
  const own = session.user.tenant;
  const { query, route, path } = useLocation();
  const filters = filtersFrom(query);
  const tenantId = filters.tenant || own;
  const view = listView(r, own, tenantId);
  const go = (change: Partial<ListFilters>) => route(`${path}${filtersQuery({ ...filters, ...change })}`, true);
  const newHref = `/invoices/new${tenantId === own ? '' : `?tenant=${encodeURIComponent(tenantId)}`}`;
  const title = view === 'billed' && r === 'partner' ? 'Bills from Kre8ivTech' : 'Invoices';

  if (view === 'drafter' || view === 'none') {
    return (
      <Page title="Invoices">
        {view === 'drafter' ? (
          <div class="panel">
            <p>
              Draft an invoice for one of Kre8ivTech’s clients or partners. Drafts you start open from the link on their page and from your
              notifications; super admins see every invoice.
            </p>
            <a class="button" href="/invoices/new">
              New invoice
            </a>
          </div>
        ) : (
          <Empty>There are no invoices for you here.</Empty>
        )}
      </Page>
    );
  }

  // A client of several organizations names the one whose invoices to list.
  const clientOrgs = r === 'client' ? session.organizations : [];
  const orgId = clientOrgs.length > 1 && !clientOrgs.some((o) => o.id === filters.org_id) ? clientOrgs[0].id : filters.org_id;
  const effective = { ...filters, org_id: orgId };

  return (
    <Page
      title={title}
      actions={
        view === 'issuer' &&
        draftsInvoices(r) && (
          <a class="button" href={newHref}>
            New invoice
          </a>
        )
      }
    >
      {(r === 'partner' || r === 'super_admin') && (
        <InvoiceTabs tenantId={tenantId} own={tenantId === own} current={view === 'billed' ? 'bills' : 'invoices'} />
      )}
      {r === 'super_admin' && <TenantPicker tenantId={tenantId} onPick={(tenant) => go({ tenant, org_id: '', partner_id: '' })} />}
      {view === 'issuer' && <TotalsStrip tenantId={tenantId} />}
      <form class="form form--inline panel invoice-filters" role="search" aria-label="Filter invoices" onSubmit={(e) => e.preventDefault()}>
        <StatusChips view={view} status={filters.status} onPick={(status) => go({ status })} />
        {clientOrgs.length > 1 && (
          <SelectField
            label="Organization"
            name="org_id"
            value={orgId}
            options={clientOrgs.map((o) => ({ value: o.id, label: o.name }))}
            onValue={(org_id) => go({ org_id })}
          />
        )}
        {view === 'issuer' && <PartyFilter tenantId={tenantId} filters={filters} onPick={go} />}
      </form>
      <InvoicePager
        key={`${tenantId}|${filtersQuery(effective)}`}
        tenantId={tenantId}
        view={view}
        filtered={Boolean(filters.status || filters.partner_id || (filters.org_id && clientOrgs.length <= 1))}
        load={(cursor) => loadPage(tenantId, apiQuery(effective), cursor)}
      />
    </Page>
  );
}

function TenantPicker({ tenantId, onPick }: { tenantId: string; onPick: (tenant: string) => void }) {
  const tenants = useResource(listTenants, []);
  if (!tenants.data) return null;
  return (
    <form class="form form--inline panel" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label="Tenant"
        name="tenant"
        value={tenantId}
        options={tenants.data.map((t) => ({ value: t.id, label: t.kind === 'house' ? `${t.name} (Kre8ivTech)` : t.name }))}
        onValue={onPick}
      />
    </form>
  );
}

function StatusChips({ view, status, onPick }: { view: ListView; status: string; onPick: (s: string) => void }) {
  const shown = [{ value: '', label: 'All' }, ...STATUSES.filter((s) => view === 'issuer' || s.value !== 'draft')];
  return (
    <fieldset class="invoice-status-filter">
      <legend>Status</legend>
      <div class="chip-group">
        {shown.map((s) => (
          <button key={s.value} type="button" class="chip" aria-pressed={status === s.value} onClick={() => onPick(s.value)}>
            {s.label}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

function PartyFilter({ tenantId, filters, onPick }: { tenantId: string; filters: ListFilters; onPick: (f: Partial<ListFilters>) => void }) {
  const parties = useResource(() => billableParties(tenantId, role.value), [tenantId]);
  if (!parties.data || parties.data.length < 2) return null;
  const value = filters.org_id
    ? partyValue({ kind: 'org', id: filters.org_id })
    : filters.partner_id
      ? partyValue({ kind: 'partner', id: filters.partner_id })
      : '';
  return (
    <SelectField
      label="Billed"
      name="billed"
      value={value}
      placeholder="Everyone"
      options={partyOptions(parties.data)}
      onValue={(v) => {
        const p = parseParty(v);
        onPick({ org_id: p?.kind === 'org' ? p.id : '', partner_id: p?.kind === 'partner' ? p.id : '' });
      }}
    />
  );
}

function TotalsStrip({ tenantId }: { tenantId: string }) {
  const totals = useResource(() => invoiceTotals(tenantId), [tenantId]);
  if (totals.error || !totals.data) return null;
  const figures = totalsByStatus(totals.data);
  if (!figures.length) return null;
  return (
    <section class="panel" aria-labelledby="invoice-totals-heading">
      <h2 id="invoice-totals-heading" class="visually-hidden">
        Totals by status
      </h2>
      <dl class="invoice-totals">
        {figures.map((f) => (
          <div key={f.status} class={`invoice-totals__item invoice-totals__item--${f.status}`}>
            <dt>
              {statusLabel(f.status)} <span class="muted">({f.count})</span>
            </dt>
            {f.amounts.map((a) => (
              <dd key={a.currency}>
                {formatMoney(a.amount, a.currency)} <span class="visually-hidden">{amountMeaning(f.status)}</span>
              </dd>
            ))}
          </div>
        ))}
      </dl>
    </section>
  );
}

type LoadPage = (cursor?: string) => Promise<{ items: InvoiceSummary[]; next_cursor?: string | null }>;

function InvoicePager({ tenantId, view, filtered, load }: { tenantId: string; view: ListView; filtered: boolean; load: LoadPage }) {
  const [items, setItems] = useState<InvoiceSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await load(from);
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

  if (error) return <ErrorNote error={error} />;
  if (!items) return <Loading />;
  if (!items.length && !cursor) {
    if (filtered) return <Empty>No invoices match.</Empty>;
    return (
      <Empty>
        {view === 'issuer'
          ? 'No invoices yet. Start one with New invoice.'
          : role.value === 'partner'
            ? 'Kre8ivTech has not billed you yet.'
            : 'No invoices yet.'}
      </Empty>
    );
  }
  return (
    <>
      <p class="visually-hidden" role="status">
        {items.length} invoices shown
      </p>
      <ul class="list panel invoice-list">
        {items.map((inv) => (
          <li key={inv.id}>
            <InvoiceRow tenantId={tenantId} invoice={inv} />
          </li>
        ))}
      </ul>
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}

function InvoiceRow({ tenantId, invoice: inv }: { tenantId: string; invoice: InvoiceSummary }) {
  const billed = inv.billed.name ?? 'A removed party';
  const money = (a: string) => formatMoney(a, inv.currency);
  const open = inv.status !== 'draft' && inv.status !== 'void' && inv.status !== 'paid';
  return (
    <div class="invoice-row">
      <a class="invoice-row__title" href={invoicePath(tenantId, inv.id)}>
        <span class="mono">{inv.number ?? 'Draft'}</span> {billed}
      </a>
      <StatusChip status={inv.status} pastDue={inv.past_due} />
      <span class="invoice-row__amount">{money(inv.total)}</span>
      <span class="invoice-row__meta">
        {inv.issued_on ? `Issued ${formatDay(inv.issued_on)}` : `Started ${timeAgo(inv.created_at)}`}
        {inv.due_on ? ` · due ${formatDay(inv.due_on)}` : ''}
        {open ? ` · balance ${money(inv.balance)}` : ''}
      </span>
    </div>
  );
}
