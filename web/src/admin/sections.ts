// The admin area's sections and who sees each (the server decides what they may do there).
import type { Role } from '../app/session';

export interface AdminSection {
  href: string;
  label: string;
  description: string;
  roles: readonly Role[];
}

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    href: '/admin/tenants',
    label: 'Tenants',
    description: 'Partner portals, their status, domains and security settings.',
    roles: ['super_admin'],
  },
  { href: '/admin/orgs', label: 'Organizations', description: 'Client organizations.', roles: ['super_admin', 'partner', 'partner_staff'] },
  {
    href: '/admin/users',
    label: 'Users and invitations',
    description: 'People, roles, invitations and lost second factors.',
    roles: ['super_admin', 'staff', 'partner', 'partner_staff'],
  },
  {
    href: '/admin/branding',
    label: 'Branding',
    description: 'Portal name, colours, font and logo, with a live preview.',
    roles: ['super_admin', 'partner'],
  },
  {
    href: '/admin/notification-defaults',
    label: 'Notification defaults',
    description: 'What each role is notified of, on which channels and how often, until people choose for themselves.',
    roles: ['super_admin', 'partner'],
  },
  {
    href: '/admin/announcements',
    label: 'Announcements',
    description: 'Banners, dialogs, notifications and emails to everyone, a portal, an organization or some roles, with read counts.',
    roles: ['super_admin', 'partner'],
  },
  {
    href: '/admin/sla',
    label: 'Service levels',
    description: 'SLA policies and business-hours calendars.',
    roles: ['super_admin', 'staff'],
  },
  {
    href: '/admin/billing',
    label: 'Billing',
    description: 'Invoice numbers, currency, tax rates, reminders and payment terms.',
    roles: ['super_admin', 'partner'],
  },
  {
    href: '/admin/service-types',
    label: 'Service types',
    description: 'The services clients ask for: names, order, the form each is asked with and the field that prices it.',
    roles: ['super_admin'],
  },
  {
    href: '/admin/canned-responses',
    label: 'Canned responses',
    description: 'Saved replies with variables, inserted from the reply box or by typing /shortcut.',
    roles: ['super_admin', 'staff', 'partner', 'partner_staff'],
  },
  {
    href: '/admin/assignment-rules',
    label: 'Assignment rules',
    description: 'Who new tickets go to: by tenant, organization and category, round robin or least loaded.',
    roles: ['super_admin', 'staff'],
  },
  {
    href: '/admin/audit',
    label: 'Audit log',
    description: 'Who did what, with filters and CSV export.',
    roles: ['super_admin', 'partner'],
  },
  {
    href: '/admin/dead-letters',
    label: 'Dead letters',
    description: 'Messages the queues gave up on, with the reason; replay them once the cause is fixed.',
    roles: ['super_admin'],
  },
];
