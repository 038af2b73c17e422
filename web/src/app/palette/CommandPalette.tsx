// The command palette: a modal combobox over places and ticket numbers.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { findTicket, ticketHref } from '../../tickets/find';
import { ADMIN_SECTIONS } from '../../admin/sections';
import { navFor } from '../nav';
import { isHouseStaff, role, user } from '../session';
import { commandsFor, noResultsText, type Command } from './commands';

export default function CommandPalette({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [note, setNote] = useState('');
  const { route } = useLocation();

  const places = useMemo(() => {
    const r = role.value;
    const admin = ADMIN_SECTIONS.filter((s) => r && s.roles.includes(r)).map((s) => ({ href: s.href, label: s.label }));
    return [...navFor(r), { href: '/tickets/new', label: 'Submit a ticket' }, ...admin];
  }, []);
  const commands = commandsFor(query, places);
  // Text that matches nothing says so, instead of an empty list that looks broken.
  const empty = commands.length ? null : noResultsText(query);

  useEffect(() => {
    const d = dialog.current;
    d?.showModal();
    return () => d?.close();
  }, []);
  useEffect(() => setActive(0), [query]);

  const run = async (c: Command | undefined) => {
    if (!c) return;
    if (c.kind === 'go') {
      onClose();
      route(c.href);
      return;
    }
    const me = user.value;
    if (!me) return;
    setNote(`Looking for ${c.number}…`);
    const found = await findTicket(c.number, me.tenant, isHouseStaff.value).catch(() => undefined);
    if (!found) {
      setNote(`No ticket ${c.number} that you can see.`);
      return;
    }
    onClose();
    route(ticketHref(found));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, commands.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter') void run(commands[active]);
    else return;
    e.preventDefault();
  };

  return (
    <dialog ref={dialog} class="palette" aria-label="Command palette" onClose={onClose} onCancel={onClose}>
      <input
        class="palette__input"
        role="combobox"
        aria-label="Go to a page or a ticket number"
        aria-expanded={commands.length > 0}
        aria-controls="palette-list"
        aria-activedescendant={commands[active] ? `palette-${active}` : undefined}
        aria-autocomplete="list"
        placeholder="Go to… or a ticket number such as KT-1001"
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
        onKeyDown={onKeyDown}
      />
      <ul id="palette-list" role="listbox" class="palette__list" aria-label="Commands" hidden={!commands.length}>
        {commands.map((c, i) => (
          <li
            key={c.label}
            id={`palette-${i}`}
            role="option"
            aria-selected={i === active}
            class={i === active ? 'palette__item palette__item--active' : 'palette__item'}
            onClick={() => void run(c)}
          >
            {c.label}
          </li>
        ))}
      </ul>
      <p class={empty && !note ? 'palette__note palette__note--empty' : 'palette__note'} role="status">
        {note || empty}
      </p>
      {empty && !note && <p class="palette__hint">Try a page such as Notifications, or a ticket number such as KT-1001.</p>}
    </dialog>
  );
}
