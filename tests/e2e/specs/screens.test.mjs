// The remaining screens render for the roles that use them, without serious accessibility
// problems: the queue, notifications, account settings and each admin section.
import { after, before, describe, it } from 'node:test';
import { checkA11y, launch, login, openPage, signIn } from '../lib/portal.mjs';

const VISITS = [
  ['staff@kre8ivtech.test', '/queue?priority=high', 'Queue'],
  ['staff@kre8ivtech.test', '/admin/sla', 'Service levels'],
  ['staff@kre8ivtech.test', '/admin/assignment-rules', 'Assignment rules'],
  ['staff@kre8ivtech.test', '/admin/canned-responses', 'Canned responses'],
  ['staff@kre8ivtech.test', '/admin/mail-in', 'Mail in'],
  ['admin@kre8ivtech.test', '/admin/tenants', 'Tenants'],
  ['admin@kre8ivtech.test', '/admin/users', 'Users and invitations'],
  ['admin@kre8ivtech.test', '/admin/audit', 'Audit log'],
  ['admin@kre8ivtech.test', '/admin/notification-defaults', 'Notification defaults'],
  ['admin@kre8ivtech.test', '/admin/mail-templates?kind=digest', 'Mail templates'],
  ['pat@acme-agency.test', '/admin', 'Admin'],
  ['pat@acme-agency.test', '/admin/orgs', 'Organizations'],
  ['pat@acme-agency.test', '/clients', 'Clients'],
  ['sam@acme-agency.test', '/admin/canned-responses', 'Canned responses'],
  ['sam@acme-agency.test', '/admin/mail-in?list=all', 'Mail in'],
  ['dana@globex.test', '/notifications', 'Notifications'],
  ['dana@globex.test', '/settings', 'Account and security'],
];

describe('screens', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  for (const [email, path, heading] of VISITS) {
    it(`${heading} (${email.split('@')[0]})`, async () => {
      const page = await openPage(browser, 'desktop');
      await signIn(page, email);
      await page.getByRole('heading', { level: 1, name: /Dashboard|Hello/ }).waitFor();
      await page.goto(`${login(email).host}${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await checkA11y(page, `${path} as ${email}`);
      await page.context().close();
    });
  }
});
