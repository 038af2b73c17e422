// The message widgets and quick actions of the dashboards, at phone and desktop size with the
// axe check: a client sees the partner's new message under "Recent messages" and "Unread
// messages" and opens it; the partner, mentioned in the answer, sees it under "Message
// notifications" and has "Message client" and "View messages" at hand.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, launch, openPage, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const CLIENT = 'dana@globex.test';

describe('dashboard message widgets', () => {
  let browser;
  let pat;
  let dana;
  let conversation;
  const base = () => `/api/v1/tenants/${pat.me.user.tenant}/conversations`;

  before(async () => {
    browser = await launch();
    pat = await apiAs(PARTNER);
    dana = await apiAs(CLIENT);
    const started = await pat.call('POST', base(), { kind: 'direct', members: [dana.me.user.id] });
    assert.ok([200, 201].includes(started.status), JSON.stringify(started.body));
    conversation = started.body;
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client meets a new message and a partner a mention on their dashboards (${viewport})`, async () => {
      const sent = await pat.call('POST', `${base()}/${conversation.id}/messages`, { body: `The staging site is ready (${viewport}).` });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));

      const page = await openPage(browser, viewport);
      await signIn(page, CLIENT);
      const recent = page.getByRole('region', { name: 'Recent messages' });
      const link = recent.getByRole('link', { name: conversation.people.find((p) => p.id === pat.me.user.id).name });
      await link.waitFor();
      await page
        .getByRole('region', { name: 'Unread messages' })
        .getByText(/\d+ unread messages?/)
        .waitFor();
      await page
        .getByRole('navigation', { name: 'Quick actions' })
        .getByRole('link', { name: /^View messages/ })
        .waitFor();
      await checkA11y(page, `the client's dashboard with messages (${viewport})`);
      await link.click();
      await page.getByText(`The staging site is ready (${viewport}).`).waitFor();

      // Dana answers, mentioning Pat.
      const answer = await dana.call('POST', `${base()}/${conversation.id}/messages`, {
        body: `Thanks, looking now (${viewport}).`,
        mentions: [pat.me.user.id],
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));

      const partner = await openPage(browser, viewport);
      await signIn(partner, PARTNER);
      const actions = partner.getByRole('navigation', { name: 'Quick actions' });
      await actions.getByRole('link', { name: 'Message client' }).waitFor();
      await actions.getByRole('link', { name: /^View messages/ }).waitFor();
      const notes = partner.getByRole('region', { name: 'Message notifications' });
      await notes
        .getByText(/mentioned you/)
        .first()
        .waitFor({ timeout: 15_000 });
      await checkA11y(partner, `the partner's dashboard with messages (${viewport})`);
      await actions.getByRole('link', { name: 'Message client' }).click();
      await partner.waitForURL(/\/messages\/new$/);
      await page.context().close();
      await partner.context().close();
    });
  }
});
