// Where each role can go: the header and bottom navigation, the phone's "More" menu, and the
// command palette.
import { ADMIN_SECTIONS } from '../admin/sections';
import type { IconName } from '../ui/icons';
import type { Role } from './session';

export interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  /** Shown in the phone's bottom bar (the rest live in its "More" menu, the header and the palette). */
  bottom?: boolean;
  roles: readonly Role[];
}

const ALL: readonly Role[] = ['super_admin', 'staff', 'partner', 'partner_staff', 'client'];
const HOUSE: readonly Role[] = ['super_admin', 'staff'];
const PARTNER: readonly Role[] = ['partner', 'partner_staff'];

export const NAV: readonly NavItem[] = [
  { href: '/', label: 'Dashboard', icon: 'home', bottom: true, roles: ALL },
  { href: '/queue', label: 'Queue', icon: 'queue', bottom: true, roles: HOUSE },
  { href: '/tickets', label: 'Tickets', icon: 'ticket', bottom: true, roles: [...PARTNER, 'client'] },
  { href: '/messages', label: 'Messages', icon: 'chat', roles: ALL },
  { href: '/clients', label: 'Clients', icon: 'users', roles: PARTNER },
  // Staff draft invoices (and list none); partner staff have no part in billing.
  { href: '/invoices', label: 'Invoices', icon: 'invoice', roles: ['super_admin', 'staff', 'partner', 'client'] },
  { href: '/service-requests', label: 'Service requests', icon: 'form', roles: ALL },
  // Those who issue invoices write quotes; clients read and answer theirs.
  { href: '/quotes', label: 'Quotes', icon: 'invoice', roles: ['super_admin', 'staff', 'partner', 'client'] },
  { href: '/projects', label: 'Projects', icon: 'queue', roles: ALL },
  { href: '/forms', label: 'Forms', icon: 'form', roles: ALL },
  { href: '/kb', label: 'Knowledge base', icon: 'form', roles: ALL },
  { href: '/notifications', label: 'Notifications', icon: 'bell', bottom: true, roles: ALL },
  { href: '/admin', label: 'Admin', icon: 'settings', roles: ['super_admin', 'staff', 'partner', 'partner_staff'] },
  { href: '/settings', label: 'Account', icon: 'user', bottom: true, roles: ALL },
];

export const navFor = (role: Role | null) => (role ? NAV.filter((n) => n.roles.includes(role)) : []);

export interface NavLink {
  href: string;
  label: string;
}

export interface MenuGroup {
  /** Shown above the group's links (none for the first). */
  heading?: string;
  links: NavLink[];
}

export interface PhoneNav {
  /** One tap away. */
  bar: NavItem[];
  /** Two taps away: behind the bar's "More" button (empty when everything fits the bar). */
  more: MenuGroup[];
}

/** The bar holds at most this many buttons, "More" included: more would not fit a 360 px phone. */
const BAR_SLOTS = 4;

/**
 * The phone's navigation: every screen a role may use is at most two taps away. The bar keeps
 * the places people come for; the rest, each admin section by name, sits in "More". Account
 * moves into "More" once there is one, since the header's account button leads there too.
 */
export function phoneNav(role: Role | null): PhoneNav {
  const items = navFor(role);
  const link = ({ href, label }: NavLink): NavLink => ({ href, label });
  const bottom = items.filter((i) => i.bottom);
  const rest = items.filter((i) => !i.bottom && i.href !== '/admin');
  const sections = ADMIN_SECTIONS.filter((s) => role !== null && s.roles.includes(role));
  const admin = items.some((i) => i.href === '/admin') ? [{ href: '/admin', label: 'Admin overview' }, ...sections] : [];
  if (!rest.length && !admin.length && bottom.length <= BAR_SLOTS) return { bar: bottom, more: [] };

  const account = bottom.find((i) => i.href === '/settings');
  const first = bottom.filter((i) => i !== account);
  const bar = first.slice(0, BAR_SLOTS - 1);
  // What the bar has no room for goes first in the menu.
  const others = [...first.slice(BAR_SLOTS - 1), ...rest].map(link);
  const more: MenuGroup[] = [];
  if (others.length) more.push({ links: others });
  if (admin.length) more.push({ heading: 'Admin', links: admin.map(link) });
  if (account) more.push({ heading: 'You', links: [{ href: account.href, label: 'Account and security' }] });
  return { bar, more };
}

/** Whether `href` is the current section of `path` (the dashboard only on an exact match). */
export const isCurrent = (href: string, path: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));

/** Whether `path` is one of the menu's places (to mark "More" as where you are). */
export const inMenu = (more: readonly MenuGroup[], path: string) =>
  more.some((g) => g.links.some((l) => (l.href === '/admin' ? path === '/admin' : isCurrent(l.href, path))));
