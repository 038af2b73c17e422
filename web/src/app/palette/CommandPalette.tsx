// The command palette: a modal combobox over places, ticket numbers and global search. As the
// person types, the places that match come first (the first is chosen, so "audit" and Enter
// still goes to the audit log), then what the search finds (asked 80 ms after the last
// keystroke, the stale request aborted), grouped by kind with the matched words marked, and
// "See all results". With nothing typed it lists the person's recent searches and places.
// Arrows move, Enter opens (with nothing chosen: the results page), Escape closes.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { errorMessage } from '../../api/problem';
import { findTicket, ticketHref } from '../../tickets/find';
import { ADMIN_SECTIONS } from '../../admin/sections';
import { HitText, hitHref, queryFault, readRecent, rememberSearch, search, searchHref, useTypeahead } from '../../search';
import { navFor } from '../nav';
import { isHouseStaff, role, user } from '../session';
import { commandsFor, noResultsText } from './commands';
import { flatten, paletteSections, seeAllText, type Item } from './sections';

/** Results the palette shows; the rest are a click away on the results page. */
const LIMIT = 20;
const DELAY_MS = 80;

const optionId = (i: number) => `palette-${i}`;

export default function CommandPalette({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(-1);
  const [note, setNote] = useState('');
  const { route } = useLocation();
  const me = user.value;
  const [recent, setRecent] = useState(() => (me ? readRecent(me.id) : []));

  const places = useMemo(() => {
    const r = role.value;
    const admin = ADMIN_SECTIONS.filter((s) => r && s.roles.includes(r)).map((s) => ({ href: s.href, label: s.label }));
    return [...navFor(r), { href: '/tickets/new', label: 'Submit a ticket' }, ...admin];
  }, []);
  const commands = commandsFor(query, places);

  const found = useTypeahead(query, (q, signal) => search(me!.tenant, { q, limit: LIMIT }, signal), DELAY_MS);
  // An answer for what is typed now (an older one stays on screen while the next is asked).
  const answer = found.answer;
  const results = answer && !answer.error ? answer.value : null;
  const sections = paletteSections({ query, commands, recent, hits: results?.hits ?? [], total: results?.total ?? 0 });
  const items = flatten(sections);
  const chosen = active < items.length ? active : -1;

  useEffect(() => {
    const d = dialog.current;
    d?.showModal();
    return () => d?.close();
  }, []);
  useEffect(() => {
    if (chosen >= 0) document.getElementById(optionId(chosen))?.scrollIntoView?.({ block: 'nearest' });
  }, [chosen]);

  const type = (text: string) => {
    setQuery(text);
    setNote('');
    // The first place that matches is chosen; with none, Enter opens the results page.
    setActive(commandsFor(text, places).length && text.trim() ? 0 : -1);
  };

  const remember = (q: string) => {
    if (me && q.trim()) setRecent(rememberSearch(me.id, q));
  };

  const go = (href: string) => {
    onClose();
    route(href);
  };

  const run = async (item: Item | undefined) => {
    if (!item) {
      if (!query.trim()) return;
      remember(query);
      go(searchHref(query.trim()));
      return;
    }
    if (item.type === 'recent') {
      type(item.query);
      return;
    }
    if (item.type === 'all') {
      remember(item.query);
      go(searchHref(item.query));
      return;
    }
    if (item.type === 'hit') {
      const href = me ? hitHref(item.hit, { role: role.value, tenant: me.tenant }) : undefined;
      if (!href) return;
      remember(query);
      go(href);
      return;
    }
    const c = item.command;
    if (c.kind === 'go') {
      go(c.href);
      return;
    }
    if (!me) return;
    setNote(`Looking for ${c.number}…`);
    const ticket = await findTicket(c.number, me.tenant, isHouseStaff.value).catch(() => undefined);
    if (!ticket) {
      setNote(`No ticket ${c.number} that you can see.`);
      return;
    }
    go(ticketHref(ticket));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive(Math.min(chosen + 1, items.length - 1));
    else if (e.key === 'ArrowUp') setActive(Math.max(chosen - 1, -1));
    else if (e.key === 'Enter') void run(items[chosen]);
    else return;
    e.preventDefault();
  };

  const typed = query.trim();
  const waiting = Boolean(typed) && (found.pending || answer?.query !== query);
  const failure = answer?.error ? (queryFault(answer.error) ?? errorMessage(answer.error)) : '';
  // Text that matches nothing says so (once the search has answered), instead of an empty list that looks broken.
  const empty = !items.length && !waiting && !failure ? noResultsText(query) : null;
  // How many were found is for screen readers: the list and "See all" show it.
  const count = results && typed && !waiting ? countText(results.hits.length, results.total) : '';
  const status = note || failure || empty || count;

  return (
    <dialog ref={dialog} class="palette" aria-label="Command palette" onClose={onClose} onCancel={onClose}>
      <input
        class="palette__input"
        role="combobox"
        aria-label="Search, or go to a page or a ticket number"
        aria-expanded={items.length > 0}
        aria-controls="palette-list"
        aria-activedescendant={chosen >= 0 ? optionId(chosen) : undefined}
        aria-autocomplete="list"
        aria-describedby="palette-status"
        placeholder="Search, go to… or a ticket number such as KT-1001"
        autoComplete="off"
        spellcheck={false}
        value={query}
        onInput={(e) => type(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <div id="palette-list" role="listbox" class="palette__list" aria-label="Search results and places" hidden={!items.length}>
        {sections.map((s) =>
          s.label ? (
            <ul key={s.id} role="group" class="palette__group" aria-labelledby={`palette-group-${s.id}`}>
              <li role="presentation" id={`palette-group-${s.id}`} class="palette__heading">
                {s.label}
              </li>
              {s.items.map(({ item, index }) => (
                <Option key={index} item={item} index={index} active={index === chosen} onPick={() => void run(item)} />
              ))}
            </ul>
          ) : (
            <ul key={s.id} role="presentation" class="palette__group">
              {s.items.map(({ item, index }) => (
                <Option key={index} item={item} index={index} active={index === chosen} onPick={() => void run(item)} />
              ))}
            </ul>
          ),
        )}
      </div>
      <p
        id="palette-status"
        class={status === count ? 'visually-hidden' : empty && !note ? 'palette__note palette__note--empty' : 'palette__note'}
        role="status"
      >
        {status}
      </p>
      {empty && !note && <p class="palette__hint">Try other words, a page such as Notifications, or a ticket number such as KT-1001.</p>}
      <p class="palette__keys" aria-hidden="true">
        <kbd>↑</kbd> <kbd>↓</kbd> to move · <kbd>Enter</kbd> to open · <kbd>Esc</kbd> to close
      </p>
    </dialog>
  );
}

function countText(shown: number, total: number): string {
  if (!total) return '';
  if (shown >= total) return total === 1 ? '1 result' : `${total} results`;
  return `The best ${shown} of ${total.toLocaleString('en-US')} results`;
}

function Option({ item, index, active, onPick }: { item: Item; index: number; active: boolean; onPick: () => void }) {
  const cls = ['palette__item', item.type === 'hit' && 'hit', item.type === 'all' && 'palette__all', active && 'palette__item--active'];
  return (
    <li id={optionId(index)} role="option" aria-selected={active} class={cls.filter(Boolean).join(' ')} onClick={onPick}>
      {item.type === 'hit' ? (
        <HitText hit={item.hit} />
      ) : item.type === 'command' ? (
        item.command.label
      ) : item.type === 'recent' ? (
        item.query
      ) : (
        seeAllText(item.query, item.total)
      )}
    </li>
  );
}
