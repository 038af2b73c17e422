// The reply box for those who work tickets, with canned responses: a "Canned response" button
// opens a searchable list, and typing "/" and a shortcut at the start of the box offers the
// matches under it (arrow keys choose, Enter or Tab inserts, Escape closes). The chosen body is
// already filled in for this ticket and stays editable before sending.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { TextArea } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import type { Ticket } from './api';
import { insertCanned, matchCanned, shortcutQuery } from './canned';
import { cannedFor, type FilledCanned } from './workflow';
import './workflow.css';

interface Props {
  ticket: Ticket;
  label: string;
  value: string;
  onValue: (v: string) => void;
  error?: string;
  hint?: string;
  textarea: { current: HTMLTextAreaElement | null };
}

const firstLine = (body: string) => {
  const line = body.split('\n').find((l) => l.trim()) ?? '';
  return line.length > 90 ? `${line.slice(0, 89)}…` : line;
};

function Options({
  id,
  label,
  items,
  active,
  onChoose,
}: {
  id: string;
  label: string;
  items: FilledCanned[];
  active: number;
  onChoose: (c: FilledCanned) => void;
}) {
  return (
    <ul id={id} role="listbox" aria-label={label} class="canned-options">
      {items.map((c, i) => (
        <li
          key={c.id}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'canned-option canned-option--active' : 'canned-option'}
          // Keeps the focus where it is (the box or the search), so the caret stays put.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onChoose(c)}
        >
          <span class="canned-option__title">
            {c.title}
            {c.shortcut ? <span class="canned-option__shortcut"> /{c.shortcut}</span> : null}
          </span>
          <span class="canned-option__preview">{firstLine(c.body)}</span>
        </li>
      ))}
    </ul>
  );
}

export function CannedReplyBox({ ticket, label, value, onValue, error, hint, textarea }: Props) {
  const canned = useResource(() => cannedFor(ticket), [ticket.tenant_id, ticket.id]);
  const items = canned.data ?? [];
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [said, setSaid] = useState('');
  const [pickerOpen, setPickerOpen] = useState(false);

  const query = shortcutQuery(value, caret);
  const suggestions = query !== undefined && dismissed !== value && items.length ? matchCanned(query, items) : [];
  const open = suggestions.length > 0;

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    if (query === undefined || !items.length || dismissed === value) return;
    setSaid(
      suggestions.length
        ? `${suggestions.length} canned response${suggestions.length === 1 ? '' : 's'} match. Up and down arrows choose, Enter inserts, Escape closes.`
        : 'No canned response matches.',
    );
  }, [query, suggestions.length]);

  const choose = (c: FilledCanned) => {
    const box = textarea.current;
    const at = box ? box.selectionStart : value.length;
    const next = insertCanned(value, at, c.body);
    onValue(next.text);
    setCaret(next.caret);
    setPickerOpen(false);
    setSaid(`Inserted ${c.title}. Edit it before sending if you like.`);
    requestAnimationFrame(() => {
      const b = textarea.current;
      if (!b) return;
      b.focus();
      b.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!open) return;
    if (e.key === 'ArrowDown') setActive((a) => (a + 1) % suggestions.length);
    else if (e.key === 'ArrowUp') setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
    else if (e.key === 'Enter' || e.key === 'Tab') choose(suggestions[Math.min(active, suggestions.length - 1)]);
    else if (e.key === 'Escape') setDismissed(value);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  const trackCaret = (e: Event) => setCaret((e.currentTarget as HTMLTextAreaElement).selectionStart);

  return (
    <div class="reply-box">
      <div class="reply-box__tools">
        <CannedPicker
          items={items}
          loading={canned.loading && !canned.data}
          error={canned.error}
          open={pickerOpen}
          setOpen={setPickerOpen}
          onChoose={choose}
        />
        {/* Typed into the box, so it works with a touch keyboard too: not a .kbd-help shortcut. */}
        <span class="reply-box__hint">
          or type <kbd>/</kbd> and a shortcut at the start
        </span>
      </div>
      <TextArea
        label={label}
        name="body"
        value={value}
        onValue={(v) => {
          onValue(v);
          setCaret(textarea.current?.selectionStart ?? v.length);
        }}
        error={error}
        hint={hint}
        inputRef={textarea}
        onKeyDown={onKeyDown}
        onKeyUp={trackCaret}
        onClick={trackCaret}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
      />
      {open && <Options id={listId} label="Matching canned responses" items={suggestions} active={active} onChoose={choose} />}
      <p class="visually-hidden" role="status">
        {said}
      </p>
    </div>
  );
}

interface PickerProps {
  items: FilledCanned[];
  loading: boolean;
  error?: Error;
  open: boolean;
  setOpen: (open: boolean) => void;
  onChoose: (c: FilledCanned) => void;
}

function CannedPicker({ items, loading, error, open, setOpen, onChoose }: PickerProps) {
  const panelId = useId();
  const listId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const search = useRef<HTMLInputElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const shown = matchCanned(filter, items, 50);

  useEffect(() => {
    if (!open) return;
    setFilter('');
    setActive(0);
    search.current?.focus();
    const outside = (e: MouseEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [open]);
  useEffect(() => setActive(0), [filter]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, shown.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter') {
      if (shown[active]) onChoose(shown[active]);
    } else if (e.key === 'Escape') close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div class="canned-picker" ref={wrap}>
      <button
        type="button"
        class="button button--small button--secondary"
        ref={button}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        Canned response
      </button>
      <div id={panelId} class="canned-picker__panel" hidden={!open}>
        {error ? (
          <ErrorNote error={error} />
        ) : loading ? (
          <Loading />
        ) : !items.length ? (
          <p class="empty">
            No canned responses yet. <a href="/admin/canned-responses">Add some</a>.
          </p>
        ) : (
          <>
            <input
              ref={search}
              class="canned-picker__search"
              role="combobox"
              aria-label="Find a canned response"
              aria-expanded="true"
              aria-controls={shown.length ? listId : undefined}
              aria-autocomplete="list"
              aria-activedescendant={shown[active] ? `${listId}-${active}` : undefined}
              placeholder="Find by title or shortcut"
              value={filter}
              onInput={(e) => setFilter(e.currentTarget.value)}
              onKeyDown={onKeyDown}
            />
            {shown.length ? (
              <Options id={listId} label="Canned responses" items={shown} active={active} onChoose={onChoose} />
            ) : (
              <p class="empty">No canned response matches.</p>
            )}
          </>
        )}
      </div>
    </div>
  );
}
