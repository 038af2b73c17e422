// Stopped mail, at phone and desktop size: the local portal answers mail to SES's mailbox
// simulator as SES would, so an invitation to bounce+<label>@simulator.amazonses.com bounces and
// mail to that address stops. The partner sees it under Admin > Mail in > Stopped addresses
// (Bounced); the invitee accepts the invitation (the mail went out before the bounce), sees
// under Settings that mail to them stopped, asks for a confirmation link (the one mail that goes
// to a stopped address) and follows it: the address is confirmed and leaves the partner's list.
// A second invitee's address is started again by the partner ("Start mail again"). Every
// screen is checked with axe and for sideways scrolling. Each run and size uses its own
// addresses, and none is left stopped (the mail-templates spec checks the empty list).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, checkScreen, launch, login, mailText, openPage, screenshot, signIn, until, waitForMail } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const PASSWORD = 'Stopped-Mail-Demo-2026!x';

/** Waits until the stopped addresses are read (the list, or its empty state). */
async function stoppedRead(stopped) {
  await stopped.getByText(/^Mail to these addresses bounced or was reported as spam/).waitFor();
  await until(async () => (await stopped.getByText('Loading…').count()) === 0);
}

/** The path and query of the mailed link to `path` (`/auth/invitation`, say), from mail `id`. */
async function mailedLink(id, path) {
  const text = await mailText(id);
  const links = text.match(new RegExp(`https?://[^\\s"<>]+${path}\\?token=[A-Za-z0-9._~%-]+`, 'g'));
  assert.ok(links?.length, `a ${path} link in mail ${id}`);
  const url = new URL(links[0]);
  return `${url.pathname}${url.search}`;
}

describe('stopped mail', () => {
  let browser;
  let pat;
  let tenant;
  let globex;
  const created = [];

  /** Every stopped address of the tenant, through all pages. */
  const stoppedNow = async () => {
    const emails = [];
    let cursor = '';
    do {
      const page = await pat.call(
        'GET',
        `/api/v1/tenants/${tenant}/mail/stopped?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      assert.equal(page.status, 200, JSON.stringify(page.body));
      emails.push(...page.body.items.map((s) => s.email));
      cursor = page.body.next_cursor ?? '';
    } while (cursor);
    return emails;
  };

  /** Invites a client of Globex at `email` (no password: an invitation mail goes out) and returns the mail. */
  const invite = async (email, name) => {
    const answer = await pat.call('POST', `/api/v1/tenants/${tenant}/users`, { email, name, role: 'client', orgs: [globex.id] });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    created.push(email);
    return waitForMail(email, /^You are invited to/);
  };

  before(async () => {
    browser = await launch();
    pat = await apiAs(PARTNER);
    tenant = pat.me.user.tenant;
    const orgs = await pat.call('GET', `/api/v1/tenants/${tenant}/orgs?limit=100`);
    globex = orgs.body.items.find((o) => o.name === 'Globex');
    assert.ok(globex, 'the demo tenant has Globex');
  });

  after(async () => {
    // Nothing this spec stopped stays stopped, even when a step failed.
    if (pat) {
      const left = (await stoppedNow()).filter((e) => created.includes(e));
      for (const email of left) await pat.call('DELETE', `/api/v1/tenants/${tenant}/mail/stopped/${encodeURIComponent(email)}`);
    }
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`mail to a bouncing address stops; its owner confirms it, the partner starts another (${viewport})`, async () => {
      const stamp = `${Date.now()}${viewport}`;
      const invitee = `bounce+stop${stamp}@simulator.amazonses.com`;
      const second = `bounce+start${stamp}@simulator.amazonses.com`;
      const host = login(PARTNER).host;

      // 1. The invitation goes out (to the local outbox), and the simulator bounces it.
      const invitation = await invite(invitee, `Stella Stopped ${viewport}`);

      // 2. The partner sees the address stopped, as bounced.
      const page = await openPage(browser, viewport);
      await signIn(page, PARTNER);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.goto(`${host}/admin`);
      await page.getByRole('link', { name: /^Mail in/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Mail in' }).waitFor();
      const stopped = page.getByRole('region', { name: 'Stopped addresses' });
      const entry = stopped.getByRole('article', { name: invitee });
      await until(async () => {
        if (await entry.isVisible()) return true;
        await stopped.getByRole('button', { name: 'Refresh the stopped addresses' }).click();
        await entry.waitFor({ timeout: 1_000 }).catch(() => {});
        return false;
      }, 20_000);
      await entry.getByText('Bounced', { exact: true }).waitFor();
      await entry.getByRole('button', { name: `Start mail again to ${invitee}` }).waitFor();
      await page.getByRole('region', { name: 'Inbound address' }).locator('code').waitFor();
      await until(async () => (await page.getByText('Loading…').count()) === 0);
      await screenshot(page, `mail-stopped-list-${viewport}`);
      await checkScreen(page, `Mail in, a stopped address (${viewport})`);

      // 3. The invitee accepts the invitation from the mail, then sees in Settings that mail stopped.
      const person = await openPage(browser, viewport);
      await person.goto(`${host}${await mailedLink(invitation.id, '/auth/invitation')}`);
      await person.getByRole('heading', { level: 1, name: 'Welcome! Choose your password' }).waitFor();
      await person.getByLabel('New password', { exact: true }).fill(PASSWORD);
      await person.getByRole('button', { name: 'Save and sign in' }).click();
      await person.getByRole('heading', { level: 1, name: /Hello/ }).waitFor();
      await person.goto(`${host}/settings`);
      await person.getByRole('heading', { level: 1, name: 'Account and security' }).waitFor();
      const notice = person.getByRole('region', { name: 'Mail to you stopped' });
      const escaped = invitee.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      await notice.getByText(new RegExp(`^Mail to ${escaped} stopped on .+: mail to it bounced\\.$`)).waitFor();
      await until(async () => (await person.getByText('Loading…').count()) === 0);
      await screenshot(person, `mail-stopped-settings-${viewport}`);
      await checkScreen(person, `Settings, mail to you stopped (${viewport})`);
      await notice.getByRole('button', { name: 'Send a confirmation link' }).click();
      await notice.getByRole('status').getByText(`A link is on its way to ${invitee}. It works for 24 hours.`, { exact: true }).waitFor();
      await checkScreen(person, `Settings, a confirmation link sent (${viewport})`);

      // 4. The link (mailed though mail to the address stopped) confirms the address.
      const confirmation = await waitForMail(invitee, /^Confirm your address for/);
      await person.goto(`${host}${await mailedLink(confirmation.id, '/auth/confirm-address')}`);
      await person.getByRole('heading', { level: 1, name: 'Address confirmed' }).waitFor();
      await person.getByText('Your address is confirmed: mail to it starts again.', { exact: true }).waitFor();
      await screenshot(person, `mail-stopped-confirmed-${viewport}`);
      await checkScreen(person, `the address confirmed (${viewport})`);
      await person.goto(`${host}/settings`);
      await person.getByRole('heading', { level: 1, name: 'Account and security' }).waitFor();
      await until(async () => (await person.getByText('Loading…').count()) === 0);
      assert.equal(await person.getByRole('heading', { name: 'Mail to you stopped' }).count(), 0, 'no notice once confirmed');
      await person.context().close();

      // 5. The partner's list no longer has it.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Mail in' }).waitFor();
      await stoppedRead(stopped);
      assert.equal(await entry.count(), 0, `${invitee} left the stopped addresses`);
      assert.ok(!(await stoppedNow()).includes(invitee));

      // 6. The partner starts mail again to another bounced address.
      await invite(second, `Stan Started ${viewport}`);
      const other = stopped.getByRole('article', { name: second });
      await until(async () => {
        if (await other.isVisible()) return true;
        await stopped.getByRole('button', { name: 'Refresh the stopped addresses' }).click();
        await other.waitFor({ timeout: 1_000 }).catch(() => {});
        return false;
      }, 20_000);
      await other.getByText('Bounced', { exact: true }).waitFor();
      await other.getByRole('button', { name: `Start mail again to ${second}` }).click();
      await stopped.getByRole('status').getByText(`Mail to ${second} starts again.`, { exact: true }).waitFor();
      await other.waitFor({ state: 'detached' });
      await checkScreen(page, `Mail in, mail started again (${viewport})`);
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Mail in' }).waitFor();
      await stoppedRead(stopped);
      assert.equal(await other.count(), 0, `${second} left the stopped addresses`);
      const left = await stoppedNow();
      assert.deepEqual(
        [invitee, second].filter((e) => left.includes(e)),
        [],
        'none of these addresses is stopped',
      );
      await page.context().close();
    });
  }
});
