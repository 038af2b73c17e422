// A tenant's recurring invoices (super admins, partners in their own tenant): who each bills,
// how often and how much (per period and per month), when the next invoice is made, and
// pausing or resuming each. Others are told these are kept by the portal's owners.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { me, role } from '../app/session';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { formatDay } from '../tickets/duration';
import { editsBilling } from './access';
import { formatMoney } from './money';
import { frequencyLabel, listRecurring, newRecurringPath, recurringPath, scheduleState, setActive, type Recurring } from './recurring';
import { InvoiceTabs } from './InvoiceTabs';
import './invoices.css';

export default function RecurringList() {
  const { query } = useLocation();
  const own = me.value!.user.tenant;
  const tenantId = query.tenant || own;
  const isOwn = tenantId === own;
  const manages = editsBilling(role.value) && (role.value === 'super_admin' || isOwn);

  if (!manages) {
    return (
      <Page title="Recurring invoices">
        <Empty>Recurring invoices are kept by the portal’s owners.</Empty>
      </Page>
    );
  }
  return (
    <Page
      title="Recurring invoices"
      actions={
        <a class="button" href={newRecurringPath(tenantId, isOwn)}>
          New recurring invoice
        </a>
      }
    >
      <InvoiceTabs tenantId={tenantId} own={isOwn} current="recurring" />
      <RecurringPager key={tenantId} tenantId={tenantId} own={isOwn} />
    </Page>
  );
}

function RecurringPager({ tenantId, own }: { tenantId: string; own: boolean }) {
  const [items, setItems] = useState<Recurring[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');

  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listRecurring(tenantId, from);
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
  if (!items.length) return <Empty>No recurring invoices yet. Start one with New recurring invoice.</Empty>;
  return (
    <>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <ul class="list panel invoice-list">
        {items.map((r) => (
          <li key={r.id}>
            <RecurringRow
              tenantId={tenantId}
              own={own}
              schedule={r}
              onChanged={(next, words) => {
                setItems((all) => all?.map((x) => (x.id === next.id ? next : x)) ?? null);
                setSaid(words);
              }}
            />
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

interface RowProps {
  tenantId: string;
  own: boolean;
  schedule: Recurring;
  onChanged: (next: Recurring, said: string) => void;
}

export function RecurringRow({ tenantId, own, schedule: r, onChanged }: RowProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const billed = r.billed.name ?? 'A removed party';
  const money = (a: string) => formatMoney(a, r.currency);
  const state = scheduleState(r);

  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = (await setActive(tenantId, r, !r.active)).value;
      onChanged(
        next,
        next.active
          ? `Resumed: the next invoice for ${billed} is made ${next.next_on ? formatDay(next.next_on) : 'soon'}.`
          : `Paused the invoices for ${billed}.`,
      );
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? staleEdit('recurring invoice') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="invoice-row recurring-row">
      <a class="invoice-row__title" href={recurringPath(tenantId, r.id, own)}>
        {billed}{' '}
        <span class="muted">
          · {frequencyLabel(r.frequency)}
          {r.lines[0]?.description ? ` · ${r.lines[0].description}${r.lines.length > 1 ? ` and ${r.lines.length - 1} more` : ''}` : ''}
        </span>
      </a>
      <span class="invoice-chips">
        <span class={`badge invoice-status invoice-status--${state === 'active' ? 'paid' : state === 'paused' ? 'partial' : 'void'}`}>
          <span class="visually-hidden">Status: </span>
          {state === 'active' ? 'Active' : state === 'paused' ? 'Paused' : 'Ended'}
        </span>
      </span>
      <span class="invoice-row__amount">
        {money(r.total)}
        <span class="visually-hidden"> each invoice</span>
      </span>
      <span class="invoice-row__meta">
        {state === 'active' && r.next_on ? `Next invoice ${formatDay(r.next_on)}` : state === 'paused' ? 'Paused' : 'No more invoices'}
        {state === 'active' ? ` · ${money(r.monthly)} a month` : ''}
        {` · ${r.generated} ${r.generated === 1 ? 'invoice' : 'invoices'} so far`}
        {r.auto_send ? ' · sent automatically' : ' · drafts to review'}
      </span>
      {state !== 'ended' && (
        <span class="recurring-row__actions">
          <button type="button" class="button button--small button--secondary" disabled={busy} onClick={() => void toggle()}>
            {r.active ? 'Pause' : 'Resume'}
            <span class="visually-hidden"> the invoices for {billed}</span>
          </button>
        </span>
      )}
      {error && (
        <p class="field__error recurring-row__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
