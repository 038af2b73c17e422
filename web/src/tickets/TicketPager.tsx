// A ticket list that pages on with "Show more".
import { useEffect, useState } from 'preact/hooks';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading } from '../ui/Page';
import type { Ticket } from './api';
import { TicketRows } from './TicketRow';

type Page = { items: Ticket[]; next_cursor?: string | null };

export function TicketPager({
  load,
  deps,
  extra,
}: {
  load: (cursor?: string) => Promise<Page>;
  deps: unknown[];
  extra?: (t: Ticket) => string | undefined;
}) {
  const [items, setItems] = useState<Ticket[] | null>(null);
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
      <TicketRows tickets={items} extra={extra} />
      {cursor && (
        <button type="button" class="button button--secondary" disabled={busy} onClick={() => fetchPage(cursor)}>
          Show more
        </button>
      )}
    </>
  );
}
