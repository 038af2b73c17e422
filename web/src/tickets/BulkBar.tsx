// Bulk actions over a list of tickets: row checkboxes with select-all, and for the chosen ones
// an action bar (status, priority, assign to me, unassign) whose result says which tickets
// changed and, for each one that did not, why.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { user } from '../app/session';
import { SelectField } from '../ui/Field';
import type { Ticket } from './api';
import { bulkUpdate, describeChange, summarizeBulk, type BulkChange, type BulkSummary } from './bulk';
import { isPriority, isStatus, PRIORITIES, STATUSES, type Priority, type Status } from './labels';
import './workflow.css';

export interface Selection {
  ids: Set<string>;
  chosen: Ticket[];
  isSelected: (id: string) => boolean;
  toggle: (id: string, on?: boolean) => void;
  setAll: (on: boolean) => void;
  keep: (ids: string[]) => void;
}

/** Which of `items` are ticked (by id, so it survives reloads; tickets gone from the list drop out). */
export function useSelection(items: readonly Ticket[]): Selection {
  const [ids, setIds] = useState<Set<string>>(() => new Set());
  const chosen = useMemo(() => items.filter((t) => ids.has(t.id)), [items, ids]);
  return {
    ids,
    chosen,
    isSelected: (id) => ids.has(id),
    toggle: (id, on) =>
      setIds((prev) => {
        const next = new Set(prev);
        if (on ?? !next.has(id)) next.add(id);
        else next.delete(id);
        return next;
      }),
    setAll: (on) => setIds(on ? new Set(items.map((t) => t.id)) : new Set()),
    keep: (keep) => setIds(new Set(keep)),
  };
}

/** The select-all checkbox: ticked when all are, mixed when some are. */
export function SelectAll({ selection, items, label }: { selection: Selection; items: readonly Ticket[]; label: string }) {
  const ref = useRef<HTMLInputElement>(null);
  const count = selection.chosen.length;
  const all = items.length > 0 && count === items.length;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = count > 0 && !all;
  }, [count, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label={label}
      checked={all}
      disabled={!items.length}
      onChange={(e) => selection.setAll(e.currentTarget.checked)}
    />
  );
}

export function SelectBox({ selection, ticket }: { selection: Selection; ticket: Ticket }) {
  return (
    <input
      type="checkbox"
      aria-label={`Select ${ticket.number}`}
      checked={selection.isSelected(ticket.id)}
      onChange={(e) => selection.toggle(ticket.id, e.currentTarget.checked)}
    />
  );
}

interface BarProps {
  selection: Selection;
  /** A select-all control to show at the start of the bar. */
  selectAll?: ComponentChildren;
  /** Nothing to pick from: only the last result shows. */
  empty?: boolean;
  /** After the change: the summary, to update or reload the list. */
  onApplied: (summary: BulkSummary) => void | Promise<void>;
}

export function BulkBar({ selection, selectAll, empty, onApplied }: BarProps) {
  const me = user.value!;
  const [status, setStatus] = useState<Status | ''>('');
  const [priority, setPriority] = useState<Priority | ''>('');
  const [busy, setBusy] = useState(false);
  const [summary, setSummary] = useState<BulkSummary | null>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const count = selection.chosen.length;

  const apply = async (change: BulkChange) => {
    const chosen = selection.chosen;
    if (!chosen.length || busy) return;
    const numbers = new Map(chosen.map((t) => [t.id, t.number]));
    setBusy(true);
    try {
      const results = await bulkUpdate(chosen, change);
      const s = summarizeBulk(results, (id) => numbers.get(id), describeChange(change, me.id));
      setSummary(s);
      // What failed stays selected, ready for another try.
      selection.keep(s.outcomes.filter((o) => !o.ok).map((o) => o.ticket_id));
      if (change.status) setStatus('');
      if (change.priority) setPriority('');
      await onApplied(s);
      resultRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div
        hidden={empty && !count}
        class="panel bulk-bar"
        role="group"
        aria-label={count ? `Change ${count} selected ticket${count === 1 ? '' : 's'}` : 'Change several tickets at once'}
      >
        <div class="bulk-bar__head">
          {selectAll}
          {count ? (
            <>
              <span class="bulk-bar__count">{count} selected</span>
              <button type="button" class="link-button" onClick={() => selection.setAll(false)}>
                Clear selection
              </button>
            </>
          ) : (
            <span class="muted">Tick tickets to change their status, priority or assignee together.</span>
          )}
        </div>
        {count > 0 && (
          <>
            <div class="bulk-bar__pair">
              <SelectField
                label="Set status"
                name="bulk_status"
                value={status}
                placeholder="Choose…"
                options={STATUSES}
                onValue={(s) => setStatus(isStatus(s) ? s : '')}
              />
              <button type="button" class="button button--secondary" disabled={busy || !status} onClick={() => status && apply({ status })}>
                Apply status
              </button>
            </div>
            <div class="bulk-bar__pair">
              <SelectField
                label="Set priority"
                name="bulk_priority"
                value={priority}
                placeholder="Choose…"
                options={PRIORITIES}
                onValue={(p) => setPriority(isPriority(p) ? p : '')}
              />
              <button
                type="button"
                class="button button--secondary"
                disabled={busy || !priority}
                onClick={() => priority && apply({ priority })}
              >
                Apply priority
              </button>
            </div>
            <div class="bulk-bar__pair">
              <button type="button" class="button button--secondary" disabled={busy} onClick={() => apply({ assignee_id: me.id })}>
                Assign to me
              </button>
              <button type="button" class="button button--secondary" disabled={busy} onClick={() => apply({ assignee_id: null })}>
                Unassign
              </button>
            </div>
          </>
        )}
      </div>
      <div ref={resultRef} tabIndex={-1} role="status" aria-label="Bulk change result">
        {summary && <BulkResult summary={summary} onDismiss={() => setSummary(null)} />}
      </div>
    </>
  );
}

export function BulkResult({ summary, onDismiss }: { summary: BulkSummary; onDismiss?: () => void }) {
  const cls =
    summary.failed === 0
      ? 'alert alert--ok bulk-result'
      : summary.changed === 0
        ? 'alert alert--error bulk-result'
        : 'alert bulk-result bulk-result--partial';
  return (
    <div class={cls}>
      <strong>{summary.headline}</strong>
      <ul>
        {summary.outcomes.map((o) => (
          <li key={o.ticket_id}>
            <span class="mono">{o.number}</span>: {o.ok ? 'changed' : `not changed. ${o.reason}`}
          </li>
        ))}
      </ul>
      {onDismiss && (
        <button type="button" class="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
