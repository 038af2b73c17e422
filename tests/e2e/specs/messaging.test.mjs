// Messages between a partner and a client, at phone and desktop size with the axe check on
// both pages: the partner starts a direct conversation with a client from the contacts and
// sends a message (Ctrl+Enter on the desktop); the client signs in, sees the unread count on
// "Messages" in the navigation, opens the conversation, reads the message and replies in its
// thread. The count goes away once read.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

describe('messaging', () => {
  let browser;
  let pat;
  let dana;
  before(async () => {
    browser = await launch();
    pat = await apiAs('pat@acme-agency.test');
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner messages a client, who reads and replies (${viewport})`, async () => {
      const run = Date.now().toString(36);
      const hello = `Your migration is scheduled for Friday (${viewport} ${run}).`;
      const answer = `Thanks, Friday works for us (${viewport} ${run}).`;
      const patName = pat.me.user.name;
      const danaName = dana.me.user.name;

      // The partner starts a direct conversation with the client and writes.
      const partner = await openPage(browser, viewport);
      await signIn(partner, 'pat@acme-agency.test');
      await partner.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      if (viewport === 'mobile') {
        await partner.getByRole('button', { name: /^More/ }).click();
        await partner
          .locator('#more-menu')
          .getByRole('link', { name: /^Messages/ })
          .click();
      } else {
        await partner
          .getByRole('navigation', { name: 'Main', exact: true })
          .getByRole('link', { name: /^Messages/ })
          .click();
      }
      await partner.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
      await partner.getByRole('link', { name: 'New conversation' }).click();
      const form = partner.getByRole('form', { name: 'New conversation' });
      await form.waitFor();
      await form.getByLabel('Find people').fill(danaName.split(' ')[0]);
      await form.getByRole('checkbox', { name: new RegExp(danaName) }).check();
      await form.getByText(`A direct conversation with ${danaName}.`).waitFor();
      await checkA11y(partner, `starting a conversation (${viewport})`);
      await form.getByRole('button', { name: 'Start conversation' }).click();
      await partner.getByRole('heading', { level: 2, name: danaName }).waitFor();
      assert.match(partner.url(), /\/messages\/[^/]+$/);
      const box = partner.getByLabel('Message', { exact: true });
      await box.fill(hello);
      if (viewport === 'desktop') await box.press('Control+Enter');
      else await partner.getByRole('button', { name: 'Send', exact: true }).click();
      const partnerThread = partner.getByRole('list', { name: 'Messages' });
      await partnerThread.getByText(hello).waitFor();
      // The composer empties once the message is accepted.
      await partner.waitForFunction(() => document.querySelector('.chat__composer textarea')?.value === '');
      if (viewport === 'mobile') {
        assert.equal(await partner.getByRole('navigation', { name: 'Conversations' }).isVisible(), false, 'one view at a time');
        await assertNoSideScroll(partner, 'a conversation on a phone');
      }
      await checkA11y(partner, `a conversation (${viewport})`);
      await screenshot(partner, `messaging-partner-${viewport}`);
      await partner.context().close();

      // The client sees the count, opens the conversation, reads and replies.
      const client = await openPage(browser, viewport);
      await signIn(client, 'dana@globex.test');
      await client.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
      if (viewport === 'mobile') {
        const more = client.getByRole('button', { name: /^More.*unread/ });
        await more.waitFor();
        await more.click();
        await client
          .locator('#more-menu')
          .getByRole('link', { name: /^Messages\s*\d+ unread/ })
          .click();
      } else {
        const link = client.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: /^Messages\s*\d+ unread/ });
        await link.waitFor();
        await link.click();
      }
      await client.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
      const item = client.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: new RegExp(`^${patName}.*unread`) });
      await item.waitFor();
      await checkA11y(client, `the conversation list (${viewport})`);
      await item.click();
      await client.getByRole('heading', { level: 2, name: patName }).waitFor();
      const thread = client.getByRole('list', { name: 'Messages' });
      const message = thread.getByRole('article').filter({ hasText: hello });
      await message.waitFor();
      if (viewport === 'mobile') {
        await client.getByRole('link', { name: '← All conversations' }).waitFor();
        await assertNoSideScroll(client, 'the client’s conversation on a phone');
      } else {
        // Read: the count leaves the navigation.
        await client.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Messages', exact: true }).waitFor();
      }
      await message.getByRole('button', { name: 'Reply' }).click();
      await client.getByText(`Replying to ${patName}.`).waitFor();
      await client.getByLabel('Reply', { exact: true }).fill(answer);
      await client.getByRole('button', { name: 'Send', exact: true }).click();
      const replies = client.getByRole('list', { name: `Replies to ${patName}` }).last();
      await replies.getByText(answer).waitFor();
      await checkA11y(client, `a conversation with a reply (${viewport})`);
      await screenshot(client, `messaging-client-${viewport}`);
      await client.context().close();

      // The reply is in the thread of the partner's message.
      const list = await pat.call('GET', `/api/v1/tenants/${pat.me.user.tenant}/conversations`);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const withDana = list.body.items.find((c) => c.kind === 'direct' && c.members.includes(dana.me.user.id));
      assert.ok(withDana, 'the direct conversation is listed');
      const history = await pat.call('GET', `/api/v1/tenants/${pat.me.user.tenant}/conversations/${withDana.id}/messages`);
      const root = history.body.items.find((m) => m.body === hello);
      const reply = history.body.items.find((m) => m.body === answer);
      assert.equal(reply.parent, root.seq, 'the reply answers the message');
    });
  }
});
