// The phone's "More" button in the bottom bar and the menu it opens: every place the bar has no
// room for (the admin sections by name), so each screen is at most two taps away.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../ui/icons';
import { inMenu, isCurrent, type MenuGroup } from './nav';

interface Props {
  groups: MenuGroup[];
  path: string;
  /** Unread counts by place, shown beside its link and summed on the button. */
  badges?: Record<string, number>;
}

export function MoreMenu({ groups, path, badges = {} }: Props) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLLIElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // A link followed closes the menu; so do Escape (focus back on the button) and a tap elsewhere.
  useEffect(() => setOpen(false), [path]);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent) {
        if (e.key !== 'Escape') return;
        setOpen(false);
        button.current?.focus();
      } else if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const here = inMenu(groups, path);
  const waiting = groups.reduce((n, g) => n + g.links.reduce((k, l) => k + (badges[l.href] ?? 0), 0), 0);
  return (
    <li ref={ref}>
      <button
        ref={button}
        type="button"
        class={here ? 'bottombar__more bottombar__more--here' : 'bottombar__more'}
        aria-expanded={open}
        aria-controls="more-menu"
        onClick={() => setOpen(!open)}
      >
        <Icon name="more" />
        <span>More</span>
        <NavBadge count={waiting} />
      </button>
      <div id="more-menu" class="more-menu" hidden={!open}>
        {groups.map((g, i) => (
          <div key={g.heading ?? i} class="more-menu__group">
            {g.heading && (
              <p class="more-menu__heading" id={`more-menu-${i}`}>
                {g.heading}
              </p>
            )}
            <ul aria-labelledby={g.heading ? `more-menu-${i}` : undefined}>
              {g.links.map((l) => (
                <li key={l.href}>
                  <a href={l.href} aria-current={(l.href === '/admin' ? path === '/admin' : isCurrent(l.href, path)) ? 'page' : undefined}>
                    {l.label}
                    <NavBadge count={badges[l.href]} />
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
    </li>
  );
}

/** A count beside a place's name: "Messages 3 unread" to a screen reader. */
export function NavBadge({ count }: { count: number | undefined }) {
  if (!count) return null;
  return (
    <span class="nav-badge">
      {count > 99 ? '99+' : count}
      <span class="visually-hidden"> unread</span>
    </span>
  );
}
