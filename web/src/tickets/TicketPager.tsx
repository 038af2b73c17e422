// A ticket list that pages on with "Show more"; with `bulk`, each row has a checkbox and the
// chosen tickets can be changed together.
import { useEffect, useState } from 'preact/hooks';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading } from '../ui/Page';
import type { Ticket } from './api';
import { BulkBar, SelectAll, SelectBox, useSelection } from './BulkBar';
import { TicketRow, TicketRows } from './TicketRow';

type Page = { items: Ticket[]; next_cursor?: string | null };

export function TicketPager({
  load,
  deps,
  extra,
  bulk,
}: {
  load: (cursor?: string) => Promise<Page>;
  deps: unknown[];
  extra?: (t: Ticket) => string | undefined;
  /** Row checkboxes and bulk actions (for those who manage tickets). */
  bulk?: boolean;
}) {
  const [items, setItems] = useState<Ticket[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const selection = useSelection(items ?? []);

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
    setItems(null);
    void fetchPage();
  }, deps);

  if (error) return <ErrorNote error={error} />;
  if (!items) return <Loading />;
  if (!items.length) return <Empty>No tickets match.</Empty>;
  return (
    <>
      <p class="visually-hidden" role="status">
        {items.length} tickets shown
      </p>
      {bulk ? (
        <>
          <BulkBar
            selection={selection}
            selectAll={
              <label class="check">
                <SelectAll selection={selection} items={items} label={`Select all ${items.length} tickets shown`} />
                Select all
              </label>
            }
            onApplied={(summary) => {
              // The changed tickets as they are now, in place (the filters apply again on the next load).
              const changed = new Map(summary.outcomes.filter((o) => o.ticket).map((o) => [o.ticket_id, o.ticket!]));
              setItems((prev) => prev?.map((t) => changed.get(t.id) ?? t) ?? prev);
            }}
          />
          <ul class="list">
            {items.map((t) => (
              <li key={t.id} class="ticket-select">
                <SelectBox selection={selection} ticket={t} />
                <TicketRow ticket={t} extra={extra?.(t)} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <TicketRows tickets={items} extra={extra} />
      )}
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}
