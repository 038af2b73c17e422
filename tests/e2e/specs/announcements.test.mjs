// Announcements, at phone and desktop size with the axe check on each screen: the partner writes
// one for Globex's clients in the editor (banner) and one by the API (a dialog); the client
// meets the dialog, closes it, opens the banner's announcement; the partner sees it read.
// Everything written is removed afterwards, so no banner reaches the specs that follow.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const CLIENT = 'dana@globex.test';

describe('announcements', () => {
  let browser;
  let pat;
  let dana;
  const path = () => `/api/v1/tenants/${pat.me.user.tenant}/announcements`;

  async function removeAll() {
    const list = await pat.call('GET', `${path()}?limit=100`);
    assert.equal(list.status, 200, JSON.stringify(list.body));
    for (const a of list.body.items) {
      const gone = await pat.call('DELETE', `${path()}/${a.id}`);
      assert.equal(gone.status, 204, JSON.stringify(gone.body));
    }
  }

  before(async () => {
    browser = await launch();
    pat = await apiAs(PARTNER);
    dana = await apiAs(CLIENT);
    await removeAll();
  });
  after(async () => {
    if (pat) await removeAll();
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner announces, a client reads, the partner sees it read (${viewport})`, async () => {
      const globex = dana.me.organizations[0].id;
      const title = `Maintenance window (${viewport})`;

      // The partner writes a banner for Globex's clients in the editor.
      const page = await openPage(browser, viewport);
      const who = await signIn(page, PARTNER);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.goto(`${who.host}/admin/announcements`);
      await page.getByRole('button', { name: 'New announcement' }).click();
      await page.getByLabel('Title').fill(title);
      await page.getByLabel('Message').fill('The portal is **offline** on Saturday from 22:00 to 23:00.');
      await page.getByLabel('Look').selectOption('warning');
      await page.getByLabel('One client organization').check();
      await page.getByLabel('Organization', { exact: true }).selectOption(globex);
      await checkA11y(page, `the announcement editor (${viewport})`);
      await assertNoSideScroll(page, `the announcement editor (${viewport})`);
      await page.getByRole('button', { name: 'Publish' }).click();
      const listed = page.getByRole('list', { name: 'Announcements' }).getByRole('listitem').filter({ hasText: title });
      await listed.getByText('0 read').waitFor();
      await listed.getByText(/Live · Warning · One organization/).waitFor();
      await checkA11y(page, `the announcements list (${viewport})`);

      // And a dialog for them by the API.
      const dialogTitle = `New billing address (${viewport})`;
      const made = await pat.call('POST', path(), {
        title: dialogTitle,
        body: 'Please pay invoices to our new account from January.',
        display: ['modal'],
        audience: 'organization',
        org_id: globex,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));

      // The client meets the dialog first, then the banner, and opens the banner's page.
      const client = await openPage(browser, viewport);
      const dwho = await signIn(client, CLIENT);
      const dialog = client.getByRole('dialog', { name: dialogTitle });
      await dialog.waitFor();
      await dialog.getByText('Please pay invoices to our new account from January.').waitFor();
      await checkA11y(client, `the announcement dialog (${viewport})`);
      await dialog.getByRole('button', { name: 'Got it' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const banner = client.getByRole('region', { name: 'Announcement' });
      await banner.getByRole('link', { name: title }).waitFor();
      await banner.getByText('Warning:').waitFor();
      await checkA11y(client, `the announcement banner (${viewport})`);
      await assertNoSideScroll(client, `the announcement banner (${viewport})`);
      await banner.getByRole('link', { name: title }).click();
      await client.getByRole('heading', { level: 1, name: title }).waitFor();
      await client.getByText('offline', { exact: true }).waitFor();
      await checkA11y(client, `an announcement's page (${viewport})`);
      await client.goto(`${dwho.host}/`);
      await client.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
      assert.equal(await client.getByRole('region', { name: 'Announcement' }).count(), 0, 'read: no banner any more');
      assert.equal(await client.getByRole('dialog').count(), 0, 'read: no dialog any more');

      // The partner sees both read once.
      await page.reload();
      await page
        .getByRole('list', { name: 'Announcements' })
        .getByRole('listitem')
        .filter({ hasText: title })
        .getByText('1 read')
        .waitFor();
      await page
        .getByRole('list', { name: 'Announcements' })
        .getByRole('listitem')
        .filter({ hasText: dialogTitle })
        .getByText('1 read')
        .waitFor();
      await page.context().close();
      await client.context().close();
    });
  }
});
