// The signed-in shell: skip link, header with navigation, bell and account, the page, the
// phone's bottom bar (with "More" for what does not fit), the dashboard's floating "Submit
// ticket" button and the command palette.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { followMessagesUnread, messagesUnread } from '../messaging/unread';
import { followPresence } from '../messaging/presence';
import { unread, followUnread } from '../notifications/unread';
import { branding } from '../theme/branding';
import { Icon } from '../ui/icons';
import { MoreMenu, NavBadge } from './MoreMenu';
import { isCurrent, navFor, phoneNav } from './nav';
import { role, signOut, user } from './session';
import { Palette } from './palette/lazy';
import { Announcements } from '../announcements/AnnouncementBar';

export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const items = navFor(role.value);
  const phone = phoneNav(role.value);
  const me = user.value;
  const first = useRef(true);

  useEffect(() => (me ? followUnread(me.id) : undefined), [me?.id]);
  useEffect(() => (me ? followMessagesUnread(me.tenant) : undefined), [me?.id, me?.tenant]);
  useEffect(() => (me ? followPresence() : undefined), [me?.id]);
  const badges: Record<string, number> = { '/messages': messagesUnread.value };

  // Move focus to the new page so screen readers start there, as after a full page load.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [path]);

  const brand = branding.value;
  // The dashboard's one primary action. Nowhere else: on a ticket it would cover the reply and
  // the rating, and the ticket list has its own button.
  const showFab = (role.value === 'client' || role.value === 'partner' || role.value === 'partner_staff') && path === '/';
  const shown = unread.value && (unread.value > 99 ? '99+' : unread.value);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="topbar__brand" href="/">
          {brand?.logo_url ? <img src={brand.logo_url} alt="" width="32" height="32" /> : null}
          <span>{brand?.portal_name ?? 'Portal'}</span>
        </a>
        <nav class="topbar__nav" aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={isCurrent(item.href, path) ? 'page' : undefined}>
                  {item.label}
                  <NavBadge count={badges[item.href]} />
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <a class="bell" href="/notifications" aria-label={bellLabel(shown)}>
          <Icon name="bell" />
          {shown ? (
            <span class="bell__badge" aria-hidden="true">
              {shown}
            </span>
          ) : null}
        </a>
        <AccountMenu name={me?.name ?? ''} />
      </header>
      <Announcements />
      <main id="main" ref={main} tabIndex={-1}>
        {children}
      </main>
      {showFab && (
        <a class="fab" href="/tickets/new">
          <Icon name="plus" />
          <span>Submit ticket</span>
        </a>
      )}
      <nav class="bottombar" aria-label="Main (phone)">
        <ul>
          {phone.bar.map((item) => (
            <li key={item.href}>
              <a href={item.href} aria-current={isCurrent(item.href, path) ? 'page' : undefined}>
                <Icon name={item.icon} />
                <span>{item.label}</span>
                <NavBadge count={badges[item.href]} />
              </a>
            </li>
          ))}
          {phone.more.length > 0 && <MoreMenu groups={phone.more} path={path} badges={badges} />}
        </ul>
      </nav>
      <Palette />
    </>
  );
}

/** The name says what the badge shows ("99+" past 99), as the accessible name must hold it. */
function bellLabel(shown: string | number | null): string {
  if (!shown) return 'Notifications';
  return `Notifications, ${shown} unread`;
}

function AccountMenu({ name }: { name: string }) {
  const [open, setOpen] = useState(false);
  const { route } = useLocation();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('click', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('click', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div class="account" ref={ref}>
      <button type="button" class="account__button" aria-expanded={open} aria-controls="account-menu" onClick={() => setOpen(!open)}>
        <Icon name="user" />
        <span class="account__name">{name}</span>
      </button>
      <ul id="account-menu" class="account__menu" hidden={!open}>
        <li>
          <a href="/settings" onClick={() => setOpen(false)}>
            Account and security
          </a>
        </li>
        <li>
          <button
            type="button"
            onClick={async () => {
              await signOut();
              route('/sign-in');
            }}
          >
            Sign out
          </button>
        </li>
      </ul>
    </div>
  );
}
