// Notification settings, at phone and desktop size with the axe check on each screen: a client
// turns email for replies to a daily digest, is refused quiet hours that end when they start,
// sets quiet hours and a time zone, and finds them all kept after a reload, with a recent
// delivery explained. The partner changes a default for their clients and sends it back to
// the platform's. Everything changed is put back afterwards, for the specs that follow.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

const CLIENT = 'ivy@initech.test';
const PARTNER = 'pat@acme-agency.test';
const ZONES = { mobile: 'America/New_York', desktop: 'Europe/Berlin' };

describe('notification settings', () => {
  let browser;
  let ivy;
  let pat;
  const defaultsPath = () => `/api/v1/tenants/${pat.me.user.tenant}/notification-defaults/client`;

  /** Ivy's settings back to the defaults, with no quiet hours, in UTC. */
  async function resetIvy() {
    const now = await ivy.call('GET', '/api/v1/notifications/preferences');
    assert.equal(now.status, 200, JSON.stringify(now.body));
    const res = await ivy.call('PATCH', '/api/v1/notifications/preferences', {
      reset: now.body.kinds.map((k) => k.kind),
      quiet_hours: null,
      time_zone: 'UTC',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  /** The clients' defaults of Acme back to the platform's. */
  async function resetDefaults() {
    const now = await pat.call('GET', defaultsPath());
    assert.equal(now.status, 200, JSON.stringify(now.body));
    const res = await pat.call('PATCH', defaultsPath(), { reset: now.body.kinds.map((k) => k.kind) });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  before(async () => {
    browser = await launch();
    ivy = await apiAs(CLIENT);
    pat = await apiAs(PARTNER);
    // A message from the partner: a notification whose delivery the client can read about.
    const started = await pat.call('POST', `/api/v1/tenants/${pat.me.user.tenant}/conversations`, {
      kind: 'direct',
      members: [ivy.me.user.id],
    });
    assert.ok([200, 201].includes(started.status), JSON.stringify(started.body));
    const sent = await pat.call('POST', `/api/v1/tenants/${pat.me.user.tenant}/conversations/${started.body.id}/messages`, {
      body: 'Your notification settings are being tested.',
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
  });
  beforeEach(async () => {
    await resetIvy();
    await resetDefaults();
  });
  after(async () => {
    if (ivy) await resetIvy();
    if (pat) await resetDefaults();
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client picks a digest, quiet hours and a zone, kept after a reload (${viewport})`, async () => {
      const zone = ZONES[viewport];
      const page = await openPage(browser, viewport);
      const who = await signIn(page, CLIENT);
      await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
      await page.goto(`${who.host}/settings`);
      const kinds = page.getByRole('region', { name: 'What you hear about, and how' });
      const replies = kinds.getByRole('row', { name: /^Replies/ });
      await replies.getByText('Default', { exact: true }).waitFor();
      await kinds.getByText(/^No phone is verified for two-step sign-in/).waitFor();
      await kinds.getByText(/^No browser has push turned on yet/).waitFor();

      // Email for replies once a day.
      await kinds.getByRole('combobox', { name: 'Replies: email delivery' }).selectOption('daily');
      await kinds.getByRole('status').filter({ hasText: 'Saved: email of Replies comes in a daily digest.' }).waitFor();
      await replies.getByText('Your choice', { exact: true }).waitFor();
      await replies.getByRole('button', { name: 'Use default for Replies' }).waitFor();

      // Quiet hours that end when they start are refused, next to the field.
      const quiet = page.getByRole('region', { name: 'Time zone and quiet hours' });
      const zoneSelect = quiet.getByRole('combobox', { name: /^Time zone/ });
      if (viewport === 'mobile') {
        const here = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
        await quiet.getByRole('button', { name: 'Use this browser’s zone' }).click();
        assert.equal(await zoneSelect.inputValue(), here, 'the browser’s zone is picked');
      }
      await zoneSelect.selectOption(zone);
      await quiet.getByRole('checkbox', { name: 'Quiet hours' }).check();
      await quiet.getByLabel('Quiet from').fill('22:00');
      await quiet.getByLabel('Quiet until').fill('22:00');
      const save = quiet.getByRole('button', { name: 'Save time zone and quiet hours' });
      await save.click();
      await quiet.getByText('Choose quiet hours that end at another time than they start.').waitFor();
      assert.equal(await quiet.getByRole('checkbox', { name: 'Quiet hours' }).getAttribute('aria-invalid'), 'true');
      await checkA11y(page, `notification settings with a refused change (${viewport})`);

      await quiet.getByLabel('Quiet until').fill('06:30');
      await save.click();
      const zoneName = zone.replace(/_/g, ' ');
      await quiet
        .getByRole('status')
        .filter({ hasText: `Saved: quiet from 22:00 to 06:30, ${zoneName} time.` })
        .waitFor();
      await page.waitForLoadState('networkidle');
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the notification settings on a phone');
      await checkA11y(page, `notification settings (${viewport})`);
      await screenshot(page, `notification-settings-${viewport}`);

      // Kept after a reload.
      await page.reload();
      await replies.getByText('Your choice', { exact: true }).waitFor();
      assert.equal(await kinds.getByRole('combobox', { name: 'Replies: email delivery' }).inputValue(), 'daily');
      assert.equal(await kinds.getByRole('checkbox', { name: 'Replies by email' }).isChecked(), true);
      assert.equal(await quiet.getByRole('checkbox', { name: 'Quiet hours' }).isChecked(), true);
      assert.equal(await quiet.getByLabel('Quiet from').inputValue(), '22:00');
      assert.equal(await quiet.getByLabel('Quiet until').inputValue(), '06:30');
      assert.equal(await zoneSelect.inputValue(), zone);
      const saved = await ivy.call('GET', '/api/v1/notifications/preferences');
      assert.deepEqual(saved.body.quiet_hours, { start: '22:00', end: '06:30' });
      assert.equal(saved.body.time_zone, zone);
      assert.equal(saved.body.kinds.find((k) => k.kind === 'ticket_reply').delivery, 'daily');

      // The partner's message, with what was decided on each channel.
      const deliveries = page.getByRole('region', { name: 'Recent deliveries' });
      let latest;
      for (let i = 0; i < 50 && !latest; i++) {
        latest = (await ivy.call('GET', '/api/v1/notifications/deliveries?limit=5')).body.items?.[0];
        if (!latest) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(latest, 'the message is in the delivery log');
      if (!(await deliveries.getByRole('link', { name: latest.title }).count())) await page.reload();
      const item = deliveries
        .getByRole('listitem')
        .filter({ has: page.getByRole('link', { name: latest.title }) })
        .first();
      await item.waitFor();
      await item.getByText(latest.explanation[0], { exact: true }).waitFor();

      // Back to the default.
      await replies.getByRole('button', { name: 'Use default for Replies' }).click();
      await kinds.getByRole('status').filter({ hasText: 'Saved: Replies back to the default.' }).waitFor();
      await replies.getByText('Default', { exact: true }).waitFor();
      await page.context().close();
    });

    it(`the partner changes a default for their clients (${viewport})`, async () => {
      const page = await openPage(browser, viewport);
      const who = await signIn(page, PARTNER);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      if (viewport === 'mobile') {
        await page.getByRole('button', { name: /^More/ }).click();
        await page.locator('#more-menu').getByRole('link', { name: 'Notification defaults' }).click();
      } else {
        await page.goto(`${who.host}/admin`);
        await page.getByRole('link', { name: /^Notification defaults/ }).click();
      }
      await page.getByRole('heading', { level: 1, name: 'Notification defaults' }).waitFor();
      assert.equal(await page.getByRole('combobox', { name: 'Role' }).inputValue(), 'client');
      const grid = page.getByRole('region', { name: 'Defaults for clients' });
      const row = grid.getByRole('row', { name: /^Near the front of the queue/ });
      await row.getByText('Platform default', { exact: true }).waitFor();
      assert.equal(await row.getByRole('button').count(), 0, 'a platform default has nothing to undo');

      const texts = grid.getByRole('checkbox', { name: 'Near the front of the queue by text message' });
      const was = await texts.isChecked();
      await texts.setChecked(!was);
      await grid
        .getByRole('status')
        .filter({ hasText: /^Saved: Near the front of the queue by text message/ })
        .waitFor();
      await row.getByText('Set for this portal', { exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the notification defaults on a phone');
      await checkA11y(page, `notification defaults (${viewport})`);
      await screenshot(page, `notification-defaults-${viewport}`);

      // Kept, and what clients who never chose now get.
      await page.reload();
      await row.getByText('Set for this portal', { exact: true }).waitFor();
      assert.equal(await texts.isChecked(), !was);
      const theirs = await ivy.call('GET', '/api/v1/notifications/preferences');
      const near = theirs.body.kinds.find((k) => k.kind === 'queue_near_front');
      assert.equal(near.sms, !was);
      assert.equal(near.source, 'tenant');

      // Partner staff's defaults are another grid.
      await page.getByRole('combobox', { name: 'Role' }).selectOption('partner_staff');
      await page.getByRole('heading', { level: 2, name: 'Defaults for partner staff' }).waitFor();
      await page.getByRole('combobox', { name: 'Role' }).selectOption('client');

      await row.getByRole('button', { name: 'Use platform default for Near the front of the queue' }).click();
      await grid.getByRole('status').filter({ hasText: 'Saved: Near the front of the queue back to the platform default.' }).waitFor();
      await row.getByText('Platform default', { exact: true }).waitFor();
      assert.equal(await texts.isChecked(), was);
      await page.context().close();
    });
  }

  it('a client cannot open the notification defaults', async () => {
    const res = await ivy.call('GET', `/api/v1/tenants/${ivy.me.user.tenant}/notification-defaults/client`);
    assert.ok([403, 404].includes(res.status), `answered ${res.status}`);
  });
});
