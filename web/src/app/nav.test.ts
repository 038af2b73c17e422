import { describe, expect, it } from 'vitest';
import { ADMIN_SECTIONS } from '../admin/sections';
import { inMenu, navFor, phoneNav } from './nav';
import type { Role } from './session';

const ROLES: Role[] = ['super_admin', 'staff', 'partner', 'partner_staff', 'client'];

/** Every screen a role may use from the navigation: its places and its admin sections. */
const screensOf = (role: Role) => [
  ...navFor(role).map((n) => n.href),
  ...ADMIN_SECTIONS.filter((s) => s.roles.includes(role)).map((s) => s.href),
];

describe('phone navigation', () => {
  it.each(ROLES)('puts every screen of a %s at most two taps away', (role) => {
    const { bar, more } = phoneNav(role);
    const oneTap = new Set(bar.map((i) => i.href));
    const twoTaps = new Set(more.flatMap((g) => g.links.map((l) => l.href)));
    for (const href of screensOf(role)) expect(oneTap.has(href) || twoTaps.has(href), `${role} reaches ${href}`).toBe(true);
    // Four buttons fit a 360 px bar ("More" is one of them).
    expect(bar.length + (more.length ? 1 : 0)).toBeLessThanOrEqual(4);
  });

  it('keeps a client’s tickets in the bar, with invoices and the account in "More"', () => {
    const { bar, more } = phoneNav('client');
    expect(bar.map((i) => i.label)).toEqual(['Dashboard', 'Tickets', 'Notifications']);
    expect(more.map((g) => [g.heading, g.links.map((l) => l.label)])).toEqual([
      [undefined, ['Messages', 'Invoices', 'Service requests', 'Quotes', 'Projects', 'Forms', 'Knowledge base']],
      ['You', ['Account and security']],
    ]);
  });

  it('lists each admin section by name in a partner’s "More"', () => {
    const { bar, more } = phoneNav('partner');
    expect(bar.map((i) => i.label)).toEqual(['Dashboard', 'Tickets', 'Notifications']);
    expect(more.map((g) => [g.heading, g.links.map((l) => l.label)])).toEqual([
      [undefined, ['Messages', 'Clients', 'Invoices', 'Service requests', 'Quotes', 'Projects', 'Forms', 'Knowledge base']],
      [
        'Admin',
        [
          'Admin overview',
          'Organizations',
          'Users and invitations',
          'Branding',
          'Notification defaults',
          'Announcements',
          'Billing',
          'Canned responses',
          'Mail in',
          'Mail templates',
          'Audit log',
        ],
      ],
      ['You', ['Account and security']],
    ]);
  });

  it('marks "More" as where you are on its screens only', () => {
    const { more } = phoneNav('staff');
    expect(inMenu(more, '/admin/users')).toBe(true);
    expect(inMenu(more, '/admin')).toBe(true);
    expect(inMenu(more, '/settings')).toBe(true);
    expect(inMenu(more, '/queue')).toBe(false);
    expect(phoneNav(null)).toEqual({ bar: [], more: [] });
  });
});
