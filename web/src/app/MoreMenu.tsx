// The phone's "More" button in the bottom bar and the menu it opens: every place the bar has no
// room for (the admin sections by name), so each screen is at most two taps away.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../ui/icons';
import { inMenu, isCurrent, type MenuGroup } from './nav';

export function MoreMenu({ groups, path }: { groups: MenuGroup[]; path: string }) {
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
