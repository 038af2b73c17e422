// Where each role can go: the header and bottom navigation, and the command palette.
import type { IconName } from '../ui/icons';
import type { Role } from './session';

export interface NavItem {
  href: string;
  label: string;
  icon: IconName;
  /** Shown in the phone's bottom bar (the rest live in the header menu and the palette). */
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
  { href: '/clients', label: 'Clients', icon: 'users', roles: PARTNER },
  { href: '/notifications', label: 'Notifications', icon: 'bell', bottom: true, roles: ALL },
  { href: '/admin', label: 'Admin', icon: 'settings', roles: ['super_admin', 'staff', 'partner', 'partner_staff'] },
  { href: '/settings', label: 'Account', icon: 'user', bottom: true, roles: ALL },
];

export const navFor = (role: Role | null) => (role ? NAV.filter((n) => n.roles.includes(role)) : []);

/** Whether `href` is the current section of `path` (the dashboard only on an exact match). */
export const isCurrent = (href: string, path: string) => (href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`));
