// Mail in (email to ticket), at phone and desktop size: the partner opens Mail in and sees the
// tenant's inbound address, switches the policy for unknown senders to refuse and back (a save
// over someone else's change is explained, a bad forwarding address is refused at its field);
// mail then arrives by SMTP (the portal listens on PORTAL_SMTP_PORT): one from a stranger, held
// for review, which the partner accepts into Globex (the stranger is invited), and one from
// Dana, a known client, filed as a ticket at once. That ticket says "By email" with the
// authentication verdicts ("none" locally: nothing checks mail here) and the original to
// download, and so does Dana's answer by mail in its conversation; Dana sees the marks and the
// originals, not the verdicts. Every screen is checked with axe and for sideways scrolling.
// Partner staff and Kre8ivTech's staff (for any tenant) get the screen too; clients do not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, checkScreen, launch, login, openPage, screenshot, sendMail, signIn, until, waitForMail } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const CLIENT = 'dana@globex.test';
const ADDRESS = 'acme@in.localhost';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Presses the lists' Refresh until `item` shows (the portal files mail as it arrives, within moments). */
async function refreshUntil(page, item, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    if (await item.isVisible()) return;
    assert.ok(Date.now() < until, 'the mail did not show in time');
    await page.getByRole('button', { name: 'Refresh the received mail' }).click();
    await item.waitFor({ timeout: 1_000 }).catch(() => {});
  }
}

describe('mail in', () => {
  let browser;
  let pat;
  let inbound;
  before(async () => {
    browser = await launch();
    pat = await apiAs(PARTNER);
    inbound = `/api/v1/tenants/${pat.me.user.tenant}/mail/inbound`;
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner files mail sent in by email, and the ticket shows where it came from (${viewport})`, async () => {
      const stamp = `${viewport}-${Date.now()}`;
      const stranger = `newbie-${stamp}@prospect.test`;
      const heldSubject = `Shop enquiry ${stamp}`;
      const knownSubject = `Checkout totals are wrong ${stamp}`;
      const host = login(PARTNER).host;

      const page = await openPage(browser, viewport);
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host });
      await signIn(page, PARTNER);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.goto(`${host}/admin`);
      await page.getByRole('link', { name: /^Mail in/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Mail in' }).waitFor();

      // The address, prominently, with a copy button and the hint to forward the tenant's own support address.
      const address = page.getByRole('region', { name: 'Inbound address' });
      await address.locator('code').getByText(ADDRESS, { exact: true }).waitFor();
      await address.getByText(/Forward your own support address/).waitFor();
      await address.getByRole('button', { name: 'Copy address' }).click();
      await address.getByText(`Copied ${ADDRESS}.`).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), ADDRESS);
      await page.getByRole('tabpanel', { name: 'Review' }).waitFor();
      await page.waitForLoadState('networkidle');
      await screenshot(page, `mail-in-${viewport}`);
      await checkScreen(page, `Mail in (${viewport})`);

      // The policy: refuse, saved under the version read.
      const policy = page.getByRole('region', { name: 'Unknown senders and forwarding' });
      assert.equal(await policy.getByLabel('Hold it for review').isChecked(), true);
      await policy.getByLabel('Refuse it with a branded answer').check();
      await policy.getByRole('button', { name: 'Save settings' }).click();
      await policy.getByText('Saved. Mail from unknown senders is refused with a branded answer.').waitFor();
      assert.equal((await pat.call('GET', inbound)).body.unknown_senders, 'refuse');

      // Someone else changes the settings meanwhile: the next save says so, and Reload shows theirs.
      const theirs = `support-${stamp}@acme.test`;
      const changed = await pat.call('PUT', inbound, { unknown_senders: 'refuse', forwarded_from: [theirs] });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      await policy.getByLabel('Hold it for review').check();
      await policy.getByRole('button', { name: 'Save settings' }).click();
      await policy.getByText(/^Someone else changed these settings since you opened them\./).waitFor();
      assert.equal(await policy.getByRole('button', { name: 'Save settings' }).isDisabled(), true);
      await checkScreen(page, `Mail in, settings changed meanwhile (${viewport})`);
      await policy.getByRole('button', { name: 'Reload' }).click();
      await until(
        async () =>
          (await policy
            .getByLabel('Forwarding address 1')
            .inputValue()
            .catch(() => '')) === theirs,
      );
      assert.equal(await policy.getByLabel('Refuse it with a branded answer').isChecked(), true);

      // Back to hold, with a forwarding address the server refuses at its field first.
      await policy.getByLabel('Hold it for review').check();
      await policy.getByRole('button', { name: 'Add an address' }).click();
      const second = policy.getByLabel('Forwarding address 2');
      await second.fill('not an address');
      await policy.getByRole('button', { name: 'Save settings' }).click();
      await policy.getByText('Enter an email address such as support@example.com.').waitFor();
      assert.equal(await second.getAttribute('aria-invalid'), 'true');
      assert.equal(await second.inputValue(), 'not an address', 'what was typed is kept');
      await checkScreen(page, `Mail in, a refused forwarding address (${viewport})`);
      await second.fill(`help-${stamp}@acme.test`);
      await policy.getByRole('button', { name: 'Save settings' }).click();
      await policy.getByText('Saved. Mail from unknown senders is held for review.').waitFor();
      const saved = (await pat.call('GET', inbound)).body;
      assert.equal(saved.unknown_senders, 'hold');
      assert.deepEqual(saved.forwarded_from, [theirs, `help-${stamp}@acme.test`]);

      // Mail arrives: a stranger's (held for review) and a known client's (filed at once).
      await sendMail({
        from: stranger,
        fromName: 'Nia Newbie',
        to: ADDRESS,
        subject: heldSubject,
        text: 'Hello,\n\nWe would like an online shop for our bakery. Can you help?\n\nNia',
      });
      await sendMail({
        from: CLIENT,
        fromName: 'Dana Globex',
        to: ADDRESS,
        subject: knownSubject,
        // A line starting with a dot travels dot-stuffed and arrives as written.
        text: 'Hi,\n\nThe checkout adds the shipping twice.\n.Net total shows 0.00 too.\n\nDana',
      });

      const review = page.getByRole('tabpanel', { name: 'Review' });
      const held = review.getByRole('article', { name: heldSubject });
      await refreshUntil(page, held);
      await held.getByText(`Nia Newbie <${stranger}>`).waitFor();
      await held.getByText('The sender is not a person of this portal.').waitFor();
      await held.getByText('Not checked: SPF, DKIM, DMARC, Spam check and Virus check').waitFor();
      await checkScreen(page, `Mail in, mail to review (${viewport})`);

      // Accepting mail from a stranger asks for the organization they join as a client.
      await held.getByRole('button', { name: `Accept… ${heldSubject}` }).click();
      const accept = held.getByRole('form', { name: `Accept ${heldSubject}` });
      await accept.getByRole('combobox', { name: 'Organization' }).selectOption({ label: 'Globex' });
      await screenshot(page, `mail-in-accept-${viewport}`);
      await checkScreen(page, `Mail in, accepting a stranger's mail (${viewport})`);
      await accept.getByRole('button', { name: 'Accept and invite' }).click();
      await page
        .getByText(
          new RegExp(`^“${escape(heldSubject)}” is filed as ACME-\\d+\\. Nia Newbie is invited to the portal as a client of Globex\\.$`),
        )
        .waitFor();
      await held.waitFor({ state: 'detached' });
      await waitForMail(stranger, /./);

      // The dead letters: nothing failed.
      await page.getByRole('tab', { name: 'Failed' }).click();
      await page
        .getByRole('tabpanel', { name: 'Failed' })
        .getByText(/^No failed mail\./)
        .waitFor();
      await checkScreen(page, `Mail in, failed mail (${viewport})`);

      // The log: the known client's mail filed a ticket.
      await page.getByRole('tab', { name: 'All mail' }).click();
      const log = page.getByRole('tabpanel', { name: 'All mail' });
      const filed = log.getByRole('article', { name: knownSubject });
      await refreshUntil(page, filed);
      await filed.getByText('Filed', { exact: true }).waitFor();
      await filed.getByText(`Dana Globex <${CLIENT}>`).waitFor();
      await filed.getByRole('link', { name: `Original email of ${knownSubject}` }).waitFor();
      const accepted = log.getByRole('article', { name: heldSubject });
      await accepted.getByText('Filed', { exact: true }).waitFor();
      await screenshot(page, `mail-in-log-${viewport}`);
      await checkScreen(page, `Mail in, all mail (${viewport})`);

      const ticketLink = filed.getByRole('link', { name: /^ACME-\d+ \(the ticket of / });
      const number = (await ticketLink.innerText()).match(/ACME-\d+/)[0];
      await ticketLink.click();
      await page.getByRole('heading', { level: 1, name: `${number}: ${knownSubject}` }).waitFor();
      const description = page.getByRole('region', { name: 'Description' });
      await description.getByText('By email', { exact: true }).waitFor();
      await description.getByText('The checkout adds the shipping twice.').waitFor();
      // The verdicts: a compact badge that opens to list them, in words.
      const verdicts = description.locator('details');
      await description.getByText('Authentication: not checked').click();
      assert.equal(await verdicts.evaluate((d) => d.open), true);
      assert.deepEqual(
        // Each in words; the mark before it is for the eye only.
        (await verdicts.getByRole('listitem').allInnerTexts()).map((t) =>
          t
            .replace(/^[–✓!]/, '')
            .replace(/\s+/g, ' ')
            .trim(),
        ),
        ['SPF not checked', 'DKIM not checked', 'DMARC not checked'],
      );
      await screenshot(page, `mail-in-ticket-${viewport}`);
      await checkScreen(page, `a ticket that came by email, for its partner (${viewport})`);

      // The original, as it was received.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        description.getByRole('link', { name: 'Original email of this ticket' }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^mail-[0-9a-z]+\.eml$/);
      const chunks = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk);
      const eml = Buffer.concat(chunks).toString('utf8');
      assert.match(eml, new RegExp(`^Subject: ${escape(knownSubject)}\r$`, 'm'));
      assert.match(eml, /\r\n\.Net total shows 0\.00 too\.\r\n/, 'the dot-stuffed line arrives as written');
      const ticketPath = new URL(page.url()).pathname;

      // Dana answers by mail: the reply joins the conversation, marked the same way.
      await sendMail({
        from: CLIENT,
        fromName: 'Dana Globex',
        to: ADDRESS,
        subject: `Re: [${number}] ${knownSubject}`,
        text: 'It happens on mobile too.\n\nDana',
      });
      const reply = page.getByRole('listitem').filter({ hasText: 'It happens on mobile too.' });
      await until(async () => (await reply.isVisible()) || (await page.reload().then(() => false)), 20_000);
      await reply.getByText('By email', { exact: true }).waitFor();
      await reply.getByText('Authentication: not checked').waitFor();
      await reply.getByRole('link', { name: /^Original email of Dana Globex’s reply of / }).waitFor();
      await checkScreen(page, `a reply that came by email, for the partner (${viewport})`);
      await page.context().close();

      // The client sees the mark and the original, not the verdicts.
      const client = await openPage(browser, viewport);
      await signIn(client, CLIENT);
      await client.getByRole('heading', { level: 1, name: /Hello/ }).waitFor();
      await client.goto(`${login(CLIENT).host}${ticketPath}`);
      await client.getByRole('heading', { level: 1, name: `${number}: ${knownSubject}` }).waitFor();
      const theirView = client.getByRole('region', { name: 'Description' });
      await theirView.getByText('By email', { exact: true }).waitFor();
      await theirView.getByRole('link', { name: 'Original email of this ticket' }).waitFor();
      const theirReply = client.getByRole('listitem').filter({ hasText: 'It happens on mobile too.' });
      await theirReply.getByText('By email', { exact: true }).waitFor();
      await theirReply.getByRole('link', { name: /^Original email of Dana Globex’s reply of / }).waitFor();
      assert.equal(await client.getByText(/^Authentication:/).count(), 0, 'clients do not see the verdicts');
      await checkScreen(client, `a ticket that came by email, for its client (${viewport})`);
      await client.context().close();
    });
  }

  it('is offered to those who work tickets, not to clients', async () => {
    const sam = await openPage(browser, 'desktop');
    await signIn(sam, 'sam@acme-agency.test');
    await sam.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await sam.goto(`${login('sam@acme-agency.test').host}/admin`);
    await sam.getByRole('link', { name: /^Mail in/ }).click();
    await sam.getByRole('heading', { level: 1, name: 'Mail in' }).waitFor();
    await sam.getByRole('region', { name: 'Inbound address' }).getByText(ADDRESS, { exact: true }).waitFor();
    await sam.context().close();

    // Kre8ivTech's staff work every tenant's mail: their own by default, another named in the URL.
    const staff = await openPage(browser, 'desktop');
    await signIn(staff, 'staff@kre8ivtech.test');
    await staff.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await staff.goto(`${login('staff@kre8ivtech.test').host}/admin/mail-in?tenant=${pat.me.user.tenant}`);
    await staff.getByRole('region', { name: 'Inbound address' }).getByText(ADDRESS, { exact: true }).waitFor();
    await staff.context().close();

    const dana = await apiAs(CLIENT);
    for (const path of ['/mail/inbound', '/mail/received']) {
      const answer = await dana.call('GET', `/api/v1/tenants/${dana.me.user.tenant}${path}`);
      assert.equal(answer.status, 404, `a client reads ${path}: ${answer.status}`);
    }
    const client = await openPage(browser, 'mobile');
    await signIn(client, CLIENT);
    await client.getByRole('heading', { level: 1, name: /Hello/ }).waitFor();
    await client.goto(`${login(CLIENT).host}/admin/mail-in`);
    await client.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    await checkScreen(client, 'Mail in, for a client');
    await client.context().close();
  });
});
