// A client watching their ticket sees its position change live when staff, in another browser,
// takes the ticket ahead of it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, fileTicket, launch, login, openPage, signIn } from '../lib/portal.mjs';

const LABEL = /^#(\d+) of (\d+) in the Critical queue$/;

describe('live queue position', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it('moves the client up when staff starts on the ticket ahead', async () => {
    const drew = await apiAs('drew@directclient.test');
    const ahead = await fileTicket(drew, {
      subject: 'Site down (first)',
      priority: 'critical',
    });
    const mine = await fileTicket(drew, {
      subject: 'Site down (second)',
      priority: 'critical',
    });

    const client = await openPage(browser, 'mobile');
    await signIn(client, 'drew@directclient.test');
    await client.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    await client.goto(`${login('drew@directclient.test').host}/tickets/${mine.tenant_id}/${mine.id}`);
    const label = client.getByText(LABEL);
    await label.waitFor();
    const [, before, length] = (await label.innerText()).match(LABEL).map(Number);
    assert.ok(before >= 2, `the ticket ahead is ahead (${before})`);

    const staff = await openPage(browser, 'desktop');
    await signIn(staff, 'staff@kre8ivtech.test');
    await staff.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await staff.goto(`${login('staff@kre8ivtech.test').host}/queue?priority=critical`);
    await staff.getByRole('link', { name: new RegExp(`${ahead.number} `) }).click();
    await staff.getByRole('heading', { level: 1, name: new RegExp(`^${ahead.number}:`) }).waitFor();
    await checkA11y(staff, 'staff ticket page');
    await staff.getByLabel('Status').selectOption('in_progress');
    await staff.getByRole('button', { name: 'Update status' }).click();

    await client.getByText(`#${before - 1} of ${length - 1} in the Critical queue`).waitFor({ timeout: 10_000 });

    // Staff answers the ticket ahead: the client's bell counts it at once, and the
    // notification opens that ticket.
    await staff.getByLabel('Reply').fill('We are on it.');
    await staff.getByRole('button', { name: 'Send reply' }).click();
    await client
      .getByRole('link', { name: /^Notifications, \d+ unread$/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await client.goto(`${login('drew@directclient.test').host}/notifications`);
    const note = client.getByRole('link', { name: new RegExp(ahead.number) }).first();
    await note.waitFor();
    await checkA11y(client, 'notification center');
    await note.click();
    await client.getByRole('heading', { level: 1, name: new RegExp(`^${ahead.number}:`) }).waitFor();
    await client.getByText('We are on it.').waitFor();
    await staff.context().close();
    await client.context().close();
  });
});
