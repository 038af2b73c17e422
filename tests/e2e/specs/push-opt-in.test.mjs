// Browser push opt-in, at phone and desktop size with the axe check: a client sees the Browser
// push panel of the account settings in the state this Chromium is in. Turning push on asks
// for permission (refused on the phone, granted on the desktop) and then the browser's push
// service, which headless Chromium cannot reach: the panel says what went wrong and keeps
// working. A browser subscribed through the API (an FCM endpoint and RFC 8291's example keys)
// is listed after a reload, and removed through the panel. Nothing on the server is mocked.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

const EMAIL = 'dana@globex.test';
// RFC 8291, section 5: the user agent's public key and authentication secret.
const P256DH = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
const AUTH = 'BTBZMqHH6r4Tts7J_aSIgg';

/** One API call from the page, with its cookies and CSRF token as the app sends them. */
function pageApi(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const csrf = document.cookie.match(/(?:^|;\s*)__Host-kt_csrf=([^;]+)/)?.[1] ?? '';
      const res = await fetch(path, {
        method,
        credentials: 'include',
        headers: { 'content-type': 'application/json', 'x-requested-with': 'kt-portal', 'x-csrf-token': csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    { method, path, body },
  );
}

describe('browser push opt-in', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client sees the panel, a refused or failed opt-in, and removes a browser (${viewport})`, async () => {
      const page = await openPage(browser, viewport);
      const who = await signIn(page, EMAIL);
      await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
      // The phone answers the permission question with no; the desktop allows notifications.
      if (viewport === 'desktop') await page.context().grantPermissions(['notifications'], { origin: who.host });

      await page.goto(`${who.host}/settings`);
      const panel = page.getByRole('region', { name: 'Browser push' });
      await panel.getByRole('heading', { name: 'Browser push' }).waitFor();
      const supported = await page.evaluate(() => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window);
      const settings = await pageApi(page, 'GET', '/api/v1/notifications/push');
      assert.equal(settings.status, 200, JSON.stringify(settings.body));
      const state = !supported
        ? panel.getByText(/This browser cannot receive push notifications/)
        : !settings.body.public_key
          ? panel.getByText('Browser push is not set up on this portal.')
          : panel.getByText('Push is off in this browser.');
      await state.waitFor();
      await page.waitForLoadState('networkidle');
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the account settings with browser push');
      await checkA11y(page, `browser push panel (${viewport})`);

      // Turning push on: a clear message whatever the permission or the push service says.
      const turnOn = panel.getByRole('button', { name: 'Turn on push in this browser' });
      if (supported && settings.body.public_key) {
        await panel.getByLabel('Name for this browser').fill(`E2E ${viewport}`);
        await turnOn.click();
        const said = panel
          .getByRole('alert')
          .filter({ hasText: /\S/ })
          .or(panel.getByRole('status').filter({ hasText: /\S/ }));
        await said.first().waitFor({ timeout: 30_000 });
        const text = (await said.first().innerText()).trim();
        if (/^Push is on in this browser/.test(text)) {
          // A Chromium that reaches its push service: turn it off again.
          await panel.getByRole('button', { name: 'Turn off in this browser' }).click();
          await panel.getByRole('status').filter({ hasText: 'Push is off in this browser.' }).waitFor();
        } else if (viewport === 'mobile') {
          assert.match(text, /Notifications are blocked|did not get your permission/, `the refusal is explained: ${text}`);
        } else {
          assert.match(text, /push service|service worker|cannot receive|could not turn push on/, `the failure is explained: ${text}`);
        }
        assert.ok(text.length > 40, `a message that says what to do: ${text}`);
        await turnOn.waitFor();
        assert.equal(await turnOn.isEnabled(), true, 'push can be tried again');
        await checkA11y(page, `browser push panel with its message (${viewport})`);
        await screenshot(page, `push-opt-in-message-${viewport}`);
      }

      // A browser subscribed elsewhere (through the API) is listed, then removed here.
      const label = `E2E phone ${viewport} ${Math.random().toString(36).slice(2, 8)}`;
      const added = await pageApi(page, 'POST', '/api/v1/notifications/push/devices', {
        endpoint: `https://fcm.googleapis.com/fcm/send/e2e-${Date.now()}-${Math.random().toString(36).slice(2)}`,
        expirationTime: null,
        keys: { p256dh: P256DH, auth: AUTH },
        label,
      });
      assert.equal(added.status, 201, JSON.stringify(added.body));
      assert.equal(added.body.service, 'fcm.googleapis.com');

      await page.reload();
      const list = panel.getByRole('list', { name: 'Browsers that receive your pushes' });
      const item = list.getByRole('listitem').filter({ hasText: label });
      await item.waitFor();
      await item.getByText(/via fcm\.googleapis\.com · since \w+ \d+, \d{4}/).waitFor();
      await panel.getByRole('button', { name: 'Send a test push' }).waitFor();
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the list of browsers');
      await checkA11y(page, `browser push panel with a browser (${viewport})`);
      await screenshot(page, `push-opt-in-${viewport}`);

      await item.getByRole('button', { name: `Remove ${label}` }).click();
      await panel
        .getByRole('status')
        .filter({ hasText: `${label} no longer receives pushes.` })
        .waitFor();
      await item.waitFor({ state: 'detached' });
      const left = await pageApi(page, 'GET', '/api/v1/notifications/push');
      assert.equal(
        left.body.devices.some((d) => d.id === added.body.id),
        false,
        'the removed browser is gone on the portal too',
      );
      await checkA11y(page, `browser push panel after removing (${viewport})`);
      await page.context().close();
    });
  }
});
