// The agent side's first hour (issue 15): new tickets reach the people who work them (the
// partner's people and the house's staff, in the app and by mail); the staff queue opens on
// the most urgent queue that has tickets with every tab's count shown from the start; a ticket
// page says who filed it and signs replies with names; a reply appears live on the client's
// open page, marked new.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, fileTicket, HOSTS, launch, login, openPage, signIn, waitForMail } from '../lib/portal.mjs';

describe('the agent side', () => {
  let browser;
  let dana;
  before(async () => {
    browser = await launch();
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  it('a new ticket reaches the partner and the house staff, in the app and by mail (mobile)', async () => {
    const t = await fileTicket(dana, { subject: 'New ticket for the agents' });
    const title = new RegExp(`^New ticket ${t.number}`);
    for (const email of ['pat@acme-agency.test', 'sam@acme-agency.test', 'staff@kre8ivtech.test']) {
      await waitForMail(email, title);
    }
    const page = await openPage(browser, 'mobile');
    await signIn(page, 'pat@acme-agency.test');
    await page.getByRole('link', { name: /^Notifications, \d+ unread$/ }).waitFor();
    await page.goto(`${login('pat@acme-agency.test').host}/notifications`);
    const item = page.getByRole('link', { name: title });
    await item.first().waitFor();
    await checkA11y(page, 'partner notifications');
    await page.close();
  });

  it('a ticket page says who filed it, and signs replies with names (desktop)', async () => {
    const t = await fileTicket(dana, { subject: 'Who filed this one' });
    const staff = await apiAs('staff@kre8ivtech.test');
    const reply = await staff.call('POST', `/api/v1/tenants/${t.tenant_id}/tickets/${t.id}/messages`, { body: 'Looking now.' });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'staff@kre8ivtech.test');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto(`${login('staff@kre8ivtech.test').host}/tickets/${t.tenant_id}/${t.id}`);
    const details = page.getByRole('complementary', { name: 'Ticket details' });
    await details.getByText('Dana Globex').waitFor();
    await details.getByRole('link', { name: 'dana@globex.test' }).waitFor();
    await details.getByText('Globex', { exact: true }).waitFor();
    const others = details.getByRole('link', { name: 'Their other tickets' });
    const conversation = page.locator('ol.conversation');
    await conversation.getByText('Sky Staff').waitFor();
    assert.equal(await conversation.getByText(/^(Staff|Client)$/).count(), 0, 'signed with names, not roles');
    await checkA11y(page, 'ticket page with requester');
    await others.click();
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.getByText('Who filed this one').first().waitFor();
    await page.close();
  });

  it("a staff reply appears live on the client's open ticket page, marked new (mobile)", async () => {
    const t = await fileTicket(dana, { subject: 'Waiting for a live reply' });
    const page = await openPage(browser, 'mobile');
    await signIn(page, 'dana@globex.test');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto(`${login('dana@globex.test').host}/tickets/${t.tenant_id}/${t.id}`);
    await page.getByText('No replies yet.').waitFor();
    // Subscribed once the page is live: a moment for the socket.
    await page.waitForTimeout(500);
    const staff = await apiAs('staff@kre8ivtech.test');
    const path = `/api/v1/tenants/${t.tenant_id}/tickets/${t.id}/messages`;
    assert.equal((await staff.call('POST', path, { body: 'Fixed on our side, please try again.' })).status, 201);
    assert.equal((await staff.call('POST', path, { body: 'Internal: it was the cache', internal: true })).status, 201);
    const fresh = page.locator('li.message--new');
    await fresh.getByText('Fixed on our side, please try again.').waitFor({ timeout: 10_000 });
    await fresh.getByText('New').waitFor();
    await fresh.getByText('Sky Staff').waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.getByText('Internal: it was the cache').count(), 0, 'no note reaches the client');
    await checkA11y(page, 'ticket page with a live reply');
    await page.close();
  });

  it('the staff queue opens on the most urgent non-empty queue, with every count from the start (desktop)', async () => {
    const staff = await apiAs('staff@kre8ivtech.test');
    // A ticket in a quieter queue than the most urgent, so more than one tab counts.
    await fileTicket(dana, { subject: 'Low priority for the tabs', priority: 'low' });
    const { body } = await staff.call('GET', '/api/v1/queue/lengths');
    const lengths = Object.fromEntries(body.items.map((i) => [i.priority, i.length]));
    const busiest = body.items.find((i) => i.length > 0)?.priority;
    assert.ok(busiest, JSON.stringify(body));

    const page = await openPage(browser, 'desktop');
    await signIn(page, 'staff@kre8ivtech.test');
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto(`${login('staff@kre8ivtech.test').host}/queue`);
    const tabs = page.getByRole('navigation', { name: 'Priorities' });
    const label = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };
    const current = tabs.locator('[aria-current="page"]');
    await current.waitFor();
    assert.match(await current.innerText(), new RegExp(`^${label[busiest]}`));
    for (const [priority, length] of Object.entries(lengths)) {
      const tab = tabs.getByRole('link', { name: new RegExp(`^${label[priority]}`) });
      assert.match(await tab.innerText(), new RegExp(`\\(${length}\\)`), `${priority} shows its count`);
    }
    await page.getByRole('table').waitFor();
    await checkA11y(page, 'staff queue');
    await page.close();
  });
});

describe('an address that names no portal', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`answers 404 with a "no such portal" page, not a sign-in form (${viewport})`, async () => {
      const page = await openPage(browser, viewport);
      const nope = HOSTS.acme.replace('acme.', 'nope.');
      const res = await page.goto(`${nope}/sign-in`);
      assert.equal(res.status(), 404);
      await page.getByRole('heading', { name: 'No such portal' }).waitFor();
      assert.equal(await page.getByLabel('Password').count(), 0, 'no sign-in form');
      assert.match(await page.locator('main').innerText(), /There is no client portal at nope\.localhost/);
      await checkA11y(page, 'no such portal');
      await page.close();
    });
  }
});

describe('for crawlers', () => {
  it('serves a real robots.txt, not the app', async () => {
    const res = await fetch(`${login('staff@kre8ivtech.test').host}/robots.txt`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^User-agent: \*$/m);
    assert.match(text, /^Disallow: \/api\/$/m);
    assert.doesNotMatch(text, /<html/i);
  });
});
