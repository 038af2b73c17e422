// The admin area's sections and who sees each (the server decides what they may do there).
// Every screen's navigation loads this, so what each section is for is written beside the admin
// index that shows it (./descriptions.ts), not here.
import type { Role } from '../app/session';

export interface AdminSection {
  href: string;
  label: string;
  roles: readonly Role[];
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  { href: '/admin/tenants', label: 'Tenants', roles: ['super_admin'] },
  { href: '/admin/orgs', label: 'Organizations', roles: ['super_admin', 'partner', 'partner_staff'] },
  { href: '/admin/users', label: 'Users and invitations', roles: ['super_admin', 'staff', 'partner', 'partner_staff'] },
  { href: '/admin/branding', label: 'Branding', roles: ['super_admin', 'partner'] },
  { href: '/admin/notification-defaults', label: 'Notification defaults', roles: ['super_admin', 'partner'] },
  { href: '/admin/announcements', label: 'Announcements', roles: ['super_admin', 'partner'] },
  { href: '/admin/sla', label: 'Service levels', roles: ['super_admin', 'staff'] },
  { href: '/admin/billing', label: 'Billing', roles: ['super_admin', 'partner'] },
  { href: '/admin/service-types', label: 'Service types', roles: ['super_admin'] },
  { href: '/admin/canned-responses', label: 'Canned responses', roles: ['super_admin', 'staff', 'partner', 'partner_staff'] },
  { href: '/admin/mail-in', label: 'Mail in', roles: ['super_admin', 'staff', 'partner', 'partner_staff'] },
  { href: '/admin/mail-templates', label: 'Mail templates', roles: ['super_admin', 'partner'] },
  { href: '/admin/assignment-rules', label: 'Assignment rules', roles: ['super_admin', 'staff'] },
  { href: '/admin/audit', label: 'Audit log', roles: ['super_admin', 'partner'] },
  { href: '/admin/dead-letters', label: 'Dead letters', roles: ['super_admin'] },
];
