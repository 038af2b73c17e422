// Messaging's live parts, at phone and desktop size with the axe check: in a group of a partner,
// a client and partner staff, the client sees the partner typing; the partner mentions the
// client through the @ list (keyboard), attaches a file that the client downloads, sees the
// client online beside their name, removes a member, and sets their own status by hand.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, launch, openPage, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const CLIENT = 'dana@globex.test';
const STAFF = 'sam@acme-agency.test';

describe('messaging, live', () => {
  let browser;
  let pat;
  let dana;
  let sam;
  before(async () => {
    browser = await launch();
    [pat, dana, sam] = await Promise.all([apiAs(PARTNER), apiAs(CLIENT), apiAs(STAFF)]);
  });
  after(async () => {
    if (pat) await pat.call('PUT', '/api/v1/notifications/presence', { status: 'automatic' });
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`typing, mentions, files, presence and members (${viewport})`, async () => {
      const run = `${viewport} ${Date.now().toString(36)}`;
      const base = `/api/v1/tenants/${pat.me.user.tenant}/conversations`;
      const made = await pat.call('POST', base, { kind: 'group', name: `Launch ${run}`, members: [dana.me.user.id, sam.me.user.id] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const id = made.body.id;

      // The client opens the group first: their page is connected, so they show as online.
      const client = await openPage(browser, viewport);
      const cwho = await signIn(client, CLIENT);
      await client.getByRole('navigation', { name: 'Main' }).waitFor();
      await client.goto(`${cwho.host}/messages/${id}`);
      await client.getByRole('heading', { level: 2, name: `Launch ${run}` }).waitFor();

      const partner = await openPage(browser, viewport);
      const pwho = await signIn(partner, PARTNER);
      await partner.getByRole('navigation', { name: 'Main' }).waitFor();
      await partner.goto(`${pwho.host}/messages/${id}`);
      await partner.getByRole('heading', { level: 2, name: `Launch ${run}` }).waitFor();

      // Typing is seen by the client; the @ list offers the client; Enter picks.
      const box = partner.getByRole('combobox', { name: 'Message' });
      await box.click();
      await box.pressSequentially('Welcome @Dan');
      await client.getByText(`${pat.me.user.name} is typing…`).waitFor();
      const options = partner.getByRole('listbox', { name: 'People to mention' });
      await options.getByRole('option', { name: dana.me.user.name }).waitFor();
      await checkA11y(partner, `the mention list (${viewport})`);
      await box.press('Enter');
      assert.equal(await box.inputValue(), `Welcome @${dana.me.user.name} `);
      await box.pressSequentially('here is the brief.');

      // A file goes with it.
      await partner
        .getByLabel('Attach files')
        .setInputFiles({ name: `brief-${viewport}.txt`, mimeType: 'text/plain', buffer: Buffer.from('The brief.') });
      await partner.getByRole('list', { name: 'Files to send' }).getByText('ready').waitFor();
      await partner.getByRole('button', { name: 'Send', exact: true }).click();
      await partner.getByRole('list', { name: 'Messages' }).getByText('here is the brief.').waitFor();

      // The client has it, with the file to download, and was mentioned.
      const thread = client.getByRole('list', { name: 'Messages' });
      await thread.getByText('here is the brief.').waitFor();
      const file = thread.getByRole('button', { name: `brief-${viewport}.txt` });
      const [download] = await Promise.all([client.waitForEvent('download'), file.click()]);
      assert.equal(download.suggestedFilename(), `brief-${viewport}.txt`);
      const notes = await dana.call('GET', '/api/v1/notifications?kind=mention&limit=5');
      assert.ok(
        notes.body.items.some((n) => n.title.includes('mentioned you')),
        JSON.stringify(notes.body),
      );
      await checkA11y(client, `a conversation with a file (${viewport})`);

      // The partner sees the members with their presence, and removes the partner staff.
      await partner.getByRole('button', { name: 'Members' }).click();
      const members = partner.getByRole('list', { name: 'Members' });
      await members.getByRole('listitem').filter({ hasText: dana.me.user.name }).getByText('Online').waitFor();
      await checkA11y(partner, `the members panel (${viewport})`);
      await members.getByRole('button', { name: `Remove ${sam.me.user.name}` }).click();
      await members.getByRole('listitem').filter({ hasText: sam.me.user.name }).waitFor({ state: 'detached' });
      const after = await pat.call('GET', `${base}/${id}`);
      assert.ok(!after.body.members.includes(sam.me.user.id), JSON.stringify(after.body.members));

      // Their own status by hand.
      await partner.getByLabel('My status').selectOption('do_not_disturb');
      await partner.getByText('Others see: Do not disturb').waitFor();
      await partner.getByLabel('My status').selectOption('automatic');
      await partner.getByText('Others see: Online').waitFor();
      await partner.context().close();
      await client.context().close();
    });
  }
});
