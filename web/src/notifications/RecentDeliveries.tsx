// What happened to each of the person's recent notifications, newest first: what it was about
// (a link to it), when, and on each channel what was decided and why, as the server words it.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { errorMessage, unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { kindLabel } from './kinds';

type Delivery = Schemas['NotificationDeliveryView'];

const PAGE = 10;

const page = async (cursor?: string) =>
  unwrap(await api.GET('/api/v1/notifications/deliveries', { params: { query: { limit: PAGE, cursor } } }));

export function RecentDeliveries() {
  const [items, setItems] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useResource(async () => {
    const p = await page();
    setItems(p.items);
    setCursor(p.next_cursor ?? null);
    return p;
  }, []);

  const more = async () => {
    if (!cursor || busy) return;
    setBusy(true);
    setError(null);
    try {
      const p = await page(cursor);
      setItems((prev) => [...prev, ...p.items.filter((i) => !prev.some((x) => x.id === i.id))]);
      setCursor(p.next_cursor ?? null);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="deliveries" aria-labelledby="deliveries-heading">
      <h3 id="deliveries-heading">Recent deliveries</h3>
      <p class="muted">What was sent to you on each channel, held for later, or not sent, and why.</p>
      {first.error ? (
        <ErrorNote error={first.error} />
      ) : !first.data ? (
        <Loading />
      ) : !items.length ? (
        <Empty>Nothing has been sent to you yet.</Empty>
      ) : (
        <>
          <ul class="list" aria-labelledby="deliveries-heading">
            {items.map((d) => (
              <li key={d.id}>
                {d.link ? <a href={d.link}>{d.title}</a> : <strong>{d.title}</strong>}
                <div class="muted deliveries__meta">
                  {kindLabel(d.kind)} · <time dateTime={d.created_at}>{formatDateTime(d.created_at)}</time>
                </div>
                {d.explanation.length > 0 && (
                  <ul class="deliveries__lines">
                    {d.explanation.map((line, i) => (
                      <li key={i}>{line}</li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          {error && (
            <p class="alert alert--error" role="alert">
              {error}
            </p>
          )}
          {cursor && (
            <button type="button" class="button button--secondary" onClick={more} disabled={busy}>
              {busy ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
