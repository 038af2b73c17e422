// The work queue across tenants (house staff): one priority at a time, first in first, live as
// it changes. Keys: j/k move, Enter opens, a assigns the current ticket to me, x ticks it for a
// bulk change (status, priority, assign to me, unassign) with per-ticket results.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ApiError } from '../api/problem';
import { user } from '../app/session';
import { live } from '../live/socket';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { useShortcuts } from '../ui/useShortcuts';
import { timeAgo } from '../ui/format';
import { getTicket, ticketPath, updateTicket } from '../tickets/api';
import { isPriority, PRIORITIES, priorityLabel, statusLabel } from '../tickets/labels';
import { BulkBar, SelectAll, SelectBox, useSelection } from '../tickets/BulkBar';
import { busiestPriority, queueLengths, queueSlice } from './queue';
import './queue.css';

export default function QueuePage() {
  const { query, route } = useLocation();
  // Every tab's count from the start; live pushes (newer) override them.
  const counts = useResource(queueLengths, []);
  const [pushed, setPushed] = useState<Record<string, number>>({});
  const lengths: Record<string, number> = { ...(counts.data ?? {}), ...pushed };
  // Without a choice in the address: the most urgent queue that has tickets.
  const chosen = isPriority(query.priority) ? query.priority : null;
  const known = chosen ?? (counts.data ? busiestPriority(counts.data) : counts.error ? 'high' : null);
  const priority = known ?? 'high';
  const me = user.value!;
  // Until the counts tell which queue to open, nothing is loaded (no flash of another tab).
  const slice = useResource(() => (known ? queueSlice(known, 100) : new Promise<never>(() => {})), [known]);
  const [selected, setSelected] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const items = slice.data?.items ?? [];
  const selection = useSelection(items);

  useEffect(() => setSelected(0), [priority]);
  useEffect(
    () =>
      live().subscribe('queue', (m) => {
        if (m.type !== 'queue.changed' || typeof m.priority !== 'string') return;
        setPushed((l) => ({ ...l, [m.priority as string]: Number(m.length) }));
        if (m.priority === priority) void slice.reload();
      }),
    [priority],
  );

  const assignToMe = async (index: number) => {
    const t = items[index];
    if (!t) return;
    try {
      const { etag } = await getTicket(t.tenant_id, t.id);
      await updateTicket(t.tenant_id, t.id, etag, { assignee_id: me.id });
      setNote(`${t.number} is assigned to you.`);
      await slice.reload();
    } catch (e) {
      setNote(e instanceof ApiError ? e.message : String(e));
    }
  };

  useShortcuts(true, {
    j: () => setSelected((s) => Math.min(s + 1, items.length - 1)),
    k: () => setSelected((s) => Math.max(s - 1, 0)),
    Enter: () => items[selected] && route(ticketPath(items[selected])),
    a: () => void assignToMe(selected),
    x: () => items[selected] && selection.toggle(items[selected].id),
  });

  return (
    <Page title="Queue">
      <nav aria-label="Priorities" class="tabs queue-tabs">
        {[...PRIORITIES].reverse().map((p) => (
          <a
            key={p.value}
            href={`/queue?priority=${p.value}`}
            aria-current={p.value === known ? 'page' : undefined}
            class="button button--small button--secondary"
            style={p.value === known ? { fontWeight: 800, borderWidth: '2px' } : undefined}
          >
            {p.label}
            {lengths[p.value] !== undefined ? ` (${lengths[p.value]})` : ''}
          </a>
        ))}
      </nav>
      <p class="kbd-help">
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>a</kbd> assign to me · <kbd>x</kbd> select · <kbd>Ctrl</kbd>+
        <kbd>K</kbd> jump to a ticket
      </p>
      {note && (
        <p class="alert alert--ok" role="status">
          {note}
        </p>
      )}
      <BulkBar selection={selection} empty={!items.length} onApplied={() => slice.reload()} />
      {slice.error ? (
        <ErrorNote error={slice.error} />
      ) : !slice.data ? (
        <Loading />
      ) : !items.length ? (
        <Empty>The {priorityLabel(priority)} queue is empty.</Empty>
      ) : (
        <div class="panel table-wrap">
          <table class="queue-table">
            <caption class="visually-hidden">{priorityLabel(priority)} queue, first in first</caption>
            <thead>
              <tr>
                <th scope="col" class="select-cell">
                  <SelectAll selection={selection} items={items} label={`Select all ${items.length} tickets shown`} />
                </th>
                <th scope="col">#</th>
                <th scope="col">Ticket</th>
                <th scope="col">Status</th>
                <th scope="col">Assignee</th>
                <th scope="col">Waiting since</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((t, i) => (
                <tr key={t.id} class={i === selected ? 'row-current' : undefined} aria-current={i === selected ? 'true' : undefined}>
                  <td class="select-cell">
                    <SelectBox selection={selection} ticket={t} />
                  </td>
                  <td class="queue-table__position">{t.queue?.position ?? '—'}</td>
                  <td class="queue-table__ticket">
                    <a href={ticketPath(t)}>
                      <span class="mono">{t.number}</span> {t.subject}
                    </a>
                  </td>
                  <td class="queue-table__status">{statusLabel(t.status)}</td>
                  <td class="queue-table__assignee" data-label="Assignee">
                    {t.assignee_id ? (t.assignee_id === me.id ? 'You' : 'Assigned') : 'Nobody'}
                  </td>
                  <td class="queue-table__since" data-label="Waiting since">
                    {timeAgo(t.created_at)}
                  </td>
                  <td class="queue-table__actions">
                    {t.assignee_id !== me.id && (
                      <button type="button" class="button button--small button--secondary" onClick={() => assignToMe(i)}>
                        Assign to me<span class="visually-hidden"> {t.number}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {slice.data?.next_cursor && <p class="muted">Showing the first 100 of {slice.data.length}.</p>}
    </Page>
  );
}
