// PRD 6.2: a partner signs in to their white-labelled portal, sees every client's tickets,
// filters by client, status and priority, drills into a client, adds an internal note (which
// the client never sees) and escalates.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, fileTicket, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

describe('partner viewing client tickets', () => {
  let browser;
  let dana;
  before(async () => {
    browser = await launch();
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`filters, drills into a client, notes and escalates (${viewport})`, async () => {
      const subject = `Invoice page blank (${viewport})`;
      const ticket = await fileTicket(dana, {
        subject,
        priority: 'medium',
        category: 'billing',
      });
      const host = login('pat@acme-agency.test').host;

      const page = await openPage(browser, viewport);
      await signIn(page, 'pat@acme-agency.test');
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.getByRole('region', { name: 'Open tickets by client' }).getByRole('link', { name: 'Globex' }).waitFor();
      await page.getByRole('region', { name: 'Client queue positions' }).getByText(ticket.number).waitFor();
      await screenshot(page, `dashboard-partner-${viewport}`);
      await checkA11y(page, `partner dashboard (${viewport})`);

      await page.goto(`${host}/tickets`);
      await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
      await page.getByLabel('Client').selectOption({ label: 'Globex' });
      await page.getByLabel('Priority').selectOption('medium');
      await page.getByRole('link', { name: new RegExp(`${ticket.number} `) }).waitFor();
      await page.getByLabel('Priority').selectOption('critical');
      await page.getByText('No tickets match.').waitFor();
      await page.getByLabel('Priority').selectOption('');
      await page.getByLabel('Status').selectOption('new');
      await page.getByRole('link', { name: new RegExp(`${ticket.number} `) }).waitFor();
      await checkA11y(page, `partner ticket list (${viewport})`);

      await page.goto(`${host}/clients`);
      await page.getByRole('link', { name: 'Globex' }).click();
      await page.getByRole('heading', { level: 1, name: 'Globex' }).waitFor();
      await page.getByRole('region', { name: 'Ticket counts' }).waitFor();
      await checkA11y(page, `client drill-down (${viewport})`);
      await page.getByRole('link', { name: new RegExp(`${ticket.number} `) }).click();

      await page
        .getByRole('heading', {
          level: 1,
          name: `${ticket.number}: ${subject}`,
        })
        .waitFor();
      await page.getByRole('checkbox', { name: 'Internal note' }).check();
      await page.getByLabel('Internal note (only your team sees it)').fill('Globex is on the old plan; check billing.');
      await page.getByRole('button', { name: 'Add note' }).click();
      await page.locator('.message--internal', { hasText: 'old plan' }).waitFor();

      await page.getByRole('button', { name: 'Escalate to High' }).click();
      await page.getByRole('button', { name: 'Escalate to Critical' }).waitFor();
      const details = page.getByRole('complementary', {
        name: 'Ticket details',
      });
      await details.getByText('High', { exact: true }).first().waitFor();
      await checkA11y(page, `partner ticket page (${viewport})`);

      const seen = await dana.call('GET', `/api/v1/tenants/${ticket.tenant_id}/tickets/${ticket.id}/messages`);
      assert.equal(seen.status, 200);
      assert.ok(!seen.body.items.some((m) => m.internal), 'the client never sees internal notes');
      const after = await dana.call('GET', `/api/v1/tenants/${ticket.tenant_id}/tickets/${ticket.id}`);
      assert.equal(after.body.priority, 'high');
      await page.context().close();
    });
  }
});
