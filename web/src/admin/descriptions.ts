// What each admin section is for, as the admin index describes it (loaded with that screen only).

/** By section (its href in ./sections.ts). */
export const SECTION_DESCRIPTIONS: Readonly<Record<string, string>> = {
  '/admin/tenants': 'Partner portals, their status, domains and security settings.',
  '/admin/orgs': 'Client organizations.',
  '/admin/users': 'People, roles, invitations and lost second factors.',
  '/admin/branding': 'Portal name, colours, font and logo, with a live preview.',
  '/admin/notification-defaults': 'What each role is notified of, on which channels and how often, until people choose for themselves.',
  '/admin/announcements':
    'Banners, dialogs, notifications and emails to everyone, a portal, an organization or some roles, with read counts.',
  '/admin/sla': 'SLA policies and business-hours calendars.',
  '/admin/billing': 'Invoice numbers, currency, tax rates, reminders and payment terms.',
  '/admin/service-types': 'The services clients ask for: names, order, the form each is asked with and the field that prices it.',
  '/admin/canned-responses': 'Saved replies with variables, inserted from the reply box or by typing /shortcut.',
  '/admin/mail-in':
    'The address that turns email into tickets, what happens to mail from unknown senders, and the mail held for review or that failed.',
  '/admin/mail-templates': 'The subject and text of every mail the portal sends, with variables and a live preview.',
  '/admin/assignment-rules': 'Who new tickets go to: by tenant, organization and category, round robin or least loaded.',
  '/admin/audit': 'Who did what, with filters and CSV export.',
  '/admin/dead-letters': 'Messages the queues gave up on, with the reason; replay them once the cause is fixed.',
};
