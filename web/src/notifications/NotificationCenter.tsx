// The notification center: everything newest first, filtered by kind or unread, marked read or
// unread one by one or in bulk, and each opening what it is about.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import type { Notification } from '../dashboards/widgets';
import { Empty } from '../ui/Card';
import { FormError, SelectField } from '../ui/Field';
import { timeAgo } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { isNotificationKind, KIND_OPTIONS, kindLabel, type NotificationKind } from './kinds';
import { unread } from './unread';

export default function NotificationCenter() {
  const [kind, setKind] = useState<NotificationKind | ''>('');
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const { route } = useLocation();

  const first = useResource(async () => {
    const page = unwrap(
      await api.GET('/api/v1/notifications', {
        params: { query: { kind: kind || undefined, unread: onlyUnread || undefined, limit: 25 } },
      }),
    );
    setItems(page.items);
    setCursor(page.next_cursor ?? null);
    setSelected(new Set());
    return page;
  }, [kind, onlyUnread]);

  // A new notification (the bell's count went up) shows here at once.
  useEffect(() => {
    if (first.data) void first.reload();
  }, [unread.value]);

  const more = async () => {
    if (!cursor) return;
    const page = unwrap(
      await api.GET('/api/v1/notifications', {
        params: { query: { kind: kind || undefined, unread: onlyUnread || undefined, limit: 25, cursor } },
      }),
    );
    setItems((prev) => [...prev, ...page.items]);
    setCursor(page.next_cursor ?? null);
  };

  const mark = async (ids: string[], read: boolean) => {
    setError(null);
    try {
      const result = unwrap(await api.POST('/api/v1/notifications/mark', { body: { ids, read } }));
      unread.value = result.unread;
      const now = new Date().toISOString();
      setItems((prev) => prev.map((n) => (ids.includes(n.id) ? { ...n, read_at: read ? (n.read_at ?? now) : null } : n)));
      setSelected(new Set());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const markAll = async () => {
    const result = unwrap(await api.POST('/api/v1/notifications/mark-all-read'));
    unread.value = result.unread;
    await first.reload();
  };

  const open = async (n: Notification, e: Event) => {
    e.preventDefault();
    if (!n.read_at) await mark([n.id], true);
    route(n.link);
  };

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Page
      title="Notifications"
      actions={
        <button type="button" class="button button--secondary" onClick={markAll} disabled={!unread.value}>
          Mark all read
        </button>
      }
    >
      <form class="form form--inline panel" role="search" aria-label="Filter notifications" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          placeholder="All kinds"
          options={KIND_OPTIONS}
          onValue={(k) => setKind(isNotificationKind(k) ? k : '')}
        />
        <label class="check">
          <input type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.currentTarget.checked)} />
          Unread only
        </label>
      </form>
      <FormError message={error} />
      {selected.size > 0 && (
        <div class="actions panel" role="region" aria-label="Selected notifications">
          <span>{selected.size} selected</span>
          <button type="button" class="button button--small" onClick={() => mark([...selected], true)}>
            Mark read
          </button>
          <button type="button" class="button button--small button--secondary" onClick={() => mark([...selected], false)}>
            Mark unread
          </button>
        </div>
      )}
      {first.error ? (
        <ErrorNote error={first.error} />
      ) : !first.data ? (
        <Loading />
      ) : !items.length ? (
        <Empty>
          No notifications{onlyUnread ? ' unread' : ''}
          {kind ? ` of this kind` : ''}.
        </Empty>
      ) : (
        <div class="panel">
          <ul class="list">
            {items.map((n) => (
              <li key={n.id} class="actions" style={{ flexWrap: 'nowrap', alignItems: 'flex-start' }}>
                <input type="checkbox" aria-label={`Select "${n.title}"`} checked={selected.has(n.id)} onChange={() => toggle(n.id)} />
                <div style={{ flex: 1 }}>
                  <a href={n.link} onClick={(e) => open(n, e)} class={n.read_at ? '' : 'notification--unread'}>
                    {n.title}
                  </a>
                  {!n.read_at && <span class="visually-hidden"> (unread)</span>}
                  <div class="muted">
                    {n.body} · {kindLabel(n.kind)} · {timeAgo(n.created_at)}
                  </div>
                </div>
                <button type="button" class="button button--small button--secondary" onClick={() => mark([n.id], !n.read_at)}>
                  {n.read_at ? 'Mark unread' : 'Mark read'}
                  <span class="visually-hidden"> "{n.title}"</span>
                </button>
              </li>
            ))}
          </ul>
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
