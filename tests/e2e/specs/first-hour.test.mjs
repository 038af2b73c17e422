// A new person's first hour (issue 15): sign-in failures, throttling and second-step failures
// said in words; form errors written for people; every screen of every role at most two taps
// away on a phone; nothing wider than a 360 px phone and no keyboard hints on touch screens;
// one primary action on the dashboard and nothing covering the rating; and a command palette
// that says when nothing matches.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiAs,
  apiSession,
  assertNoSideScroll,
  checkA11y,
  fileTicket,
  HOSTS,
  launch,
  login,
  openPage,
  openPhone,
  screenshot,
  signIn,
  totp,
} from '../lib/portal.mjs';

// What a role can use, as [path, the link's name in the navigation, the screen's heading].
const DASHBOARD = ['/', 'Dashboard', 'Dashboard'];
const NOTIFICATIONS = ['/notifications', 'Notifications', 'Notifications'];
const ACCOUNT = ['/settings', 'Account and security', 'Account and security'];
const ADMIN = ['/admin', 'Admin overview', 'Admin'];
const SCREENS = {
  'admin@kre8ivtech.test': [
    DASHBOARD,
    ['/queue', 'Queue', 'Queue'],
    ['/invoices', 'Invoices', 'Invoices'],
    NOTIFICATIONS,
    ACCOUNT,
    ADMIN,
    ['/admin/tenants', 'Tenants', 'Tenants'],
    ['/admin/orgs', 'Organizations', 'Organizations'],
    ['/admin/users', 'Users and invitations', 'Users and invitations'],
    ['/admin/branding', 'Branding', 'Branding'],
    ['/admin/notification-defaults', 'Notification defaults', 'Notification defaults'],
    ['/admin/sla', 'Service levels', 'Service levels'],
    ['/admin/billing', 'Billing', 'Billing'],
    ['/admin/canned-responses', 'Canned responses', 'Canned responses'],
    ['/admin/mail-in', 'Mail in', 'Mail in'],
    ['/admin/assignment-rules', 'Assignment rules', 'Assignment rules'],
    ['/admin/audit', 'Audit log', 'Audit log'],
    ['/admin/dead-letters', 'Dead letters', 'Dead letters'],
  ],
  'staff@kre8ivtech.test': [
    DASHBOARD,
    ['/queue', 'Queue', 'Queue'],
    ['/invoices', 'Invoices', 'Invoices'],
    NOTIFICATIONS,
    ACCOUNT,
    ADMIN,
    ['/admin/users', 'Users and invitations', 'Users and invitations'],
    ['/admin/sla', 'Service levels', 'Service levels'],
    ['/admin/canned-responses', 'Canned responses', 'Canned responses'],
    ['/admin/mail-in', 'Mail in', 'Mail in'],
    ['/admin/assignment-rules', 'Assignment rules', 'Assignment rules'],
  ],
  'pat@acme-agency.test': [
    DASHBOARD,
    ['/tickets', 'Tickets', 'Tickets'],
    ['/clients', 'Clients', 'Clients'],
    ['/invoices', 'Invoices', 'Invoices'],
    NOTIFICATIONS,
    ACCOUNT,
    ADMIN,
    ['/admin/orgs', 'Organizations', 'Organizations'],
    ['/admin/users', 'Users and invitations', 'Users and invitations'],
    ['/admin/branding', 'Branding', 'Branding'],
    ['/admin/notification-defaults', 'Notification defaults', 'Notification defaults'],
    ['/admin/billing', 'Billing', 'Billing'],
    ['/admin/canned-responses', 'Canned responses', 'Canned responses'],
    ['/admin/mail-in', 'Mail in', 'Mail in'],
    ['/admin/audit', 'Audit log', 'Audit log'],
  ],
  'sam@acme-agency.test': [
    DASHBOARD,
    ['/tickets', 'Tickets', 'Tickets'],
    ['/clients', 'Clients', 'Clients'],
    NOTIFICATIONS,
    ACCOUNT,
    ADMIN,
    ['/admin/orgs', 'Organizations', 'Organizations'],
    ['/admin/users', 'Users and invitations', 'Users and invitations'],
    ['/admin/canned-responses', 'Canned responses', 'Canned responses'],
    ['/admin/mail-in', 'Mail in', 'Mail in'],
  ],
  'drew@directclient.test': [
    ['/', 'Dashboard', 'Hello, Drew'],
    ['/tickets', 'Tickets', 'My tickets'],
    ['/invoices', 'Invoices', 'Invoices'],
    NOTIFICATIONS,
    ACCOUNT,
  ],
  'dana@globex.test': [
    ['/', 'Dashboard', 'Hello, Dana'],
    ['/tickets', 'Tickets', 'My tickets'],
    ['/invoices', 'Invoices', 'Invoices'],
    NOTIFICATIONS,
    ACCOUNT,
  ],
};
const short = (email) => email.split('@')[0];
const dashboardHeading = { level: 1, name: /^(Dashboard|Hello, )/ };

/** The alert's text once it says something matching `pattern`. */
async function alertSaying(page, pattern) {
  const alert = page.getByRole('alert').filter({ hasText: pattern });
  await alert.waitFor();
  return (await alert.innerText()).trim();
}

/** The text of what describes a control (its hint and error), as a screen reader reads it. */
const describedBy = (locator) =>
  locator.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' '),
  );

describe('first hour', () => {
  let browser;
  let staff;
  let drewTicket;
  let danaTicket;
  before(async () => {
    browser = await launch();
    staff = await apiAs('staff@kre8ivtech.test');
    // Tickets with long subjects in the queue and on each host, for the screens that list them.
    drewTicket = await fileTicket(await apiAs('drew@directclient.test'), {
      subject: 'The invoice PDF download fails with an error on every browser we tried (first hour)',
      priority: 'high',
    });
    danaTicket = await fileTicket(await apiAs('dana@globex.test'), {
      subject: 'Newsletter signup form shows a blank page after pressing the button (first hour)',
      priority: 'high',
    });
  });
  after(async () => browser?.close());

  describe('signing in says what went wrong', () => {
    for (const [viewport, email] of [
      ['mobile', 'drew@directclient.test'],
      ['desktop', 'dana@globex.test'],
    ]) {
      it(`a wrong password (${viewport}, ${short(email)})`, async () => {
        const page = await openPage(browser, viewport);
        await page.goto(`${login(email).host}/sign-in`);
        await page.getByLabel('Email', { exact: true }).fill(email);
        await page.getByLabel('Password', { exact: true }).fill('not-the-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        const said = await alertSaying(page, /\S/);
        assert.match(said, /^That email and password don’t match\./);
        assert.doesNotMatch(said, /Sign in first/);
        await checkA11y(page, `sign-in with a wrong password (${viewport})`);
        await page.context().close();
      });
    }

    it('too many attempts: how long to wait', async () => {
      const page = await openPage(browser, 'mobile');
      await page.goto(`${HOSTS.kt}/sign-in`);
      await page.getByLabel('Email', { exact: true }).fill('nobody@first-hour.test');
      await page.getByLabel('Password', { exact: true }).fill('guessing');
      // Three free failures per account, then a wait (Retry-After) before the next attempt.
      let said = '';
      for (let i = 0; i < 5 && !/Too many/.test(said); i++) {
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sign-in'));
        await page.getByRole('button', { name: 'Sign in' }).click();
        const status = (await answered).status();
        said = await alertSaying(page, status === 429 ? /Too many/ : /don’t match/);
      }
      assert.match(said, /^Too many sign-in attempts\. Wait \d+ seconds?, then try again\.$/);
      await screenshot(page, 'first-hour-throttled');
      await page.context().close();
    });

    it('a second step: wrong codes, a wait, then starting over', async () => {
      // A new client of Globex with a password, who turns on an authenticator app.
      const pat = await apiAs('pat@acme-agency.test');
      const tenant = pat.me.user.tenant;
      const orgs = await pat.call('GET', `/api/v1/tenants/${tenant}/orgs?limit=100`);
      const globex = orgs.body.items.find((o) => o.name === 'Globex');
      const fran = { host: HOSTS.acme, email: `fran.${Date.now()}@globex.test`, password: 'Fran-First-Hour-Globex-2026' };
      const created = await pat.call('POST', `/api/v1/tenants/${tenant}/users`, {
        email: fran.email,
        name: 'Fran First',
        role: 'client',
        orgs: [globex.id],
        password: fran.password,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await apiSession(fran);

      const page = await openPage(browser, 'mobile');
      const signInAsFran = async () => {
        await page.goto(`${fran.host}/sign-in`);
        await page.getByLabel('Email', { exact: true }).fill(fran.email);
        await page.getByLabel('Password', { exact: true }).fill(fran.password);
        await page.getByRole('button', { name: 'Sign in' }).click();
      };
      await signInAsFran();
      await page.getByRole('heading', { level: 1, name: 'Hello, Fran' }).waitFor();
      await page.goto(`${fran.host}/settings`);
      await page.getByRole('button', { name: 'Set up authenticator app' }).click();
      const secret = await page.getByLabel('Set-up key').innerText();
      // Any six digits but the codes of the steps around now.
      const valid = new Set([-30_000, 0, 30_000].map((d) => totp(secret, Date.now() + d)));
      const wrong = ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c));

      // Setting up: the server's 422 on the code, in words.
      const setupCode = page.getByLabel('Code from the app');
      await setupCode.fill(wrong);
      await page.getByRole('button', { name: 'Turn on', exact: true }).click();
      await page.locator('[aria-invalid="true"]').waitFor();
      assert.equal((await describedBy(setupCode)).trim(), 'That code does not match your authenticator app. Enter the code it shows now.');
      await setupCode.fill(totp(secret));
      await page.getByRole('button', { name: 'Turn on', exact: true }).click();
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByText('Authenticator app: on').waitFor();
      await page.getByRole('button', { name: /Fran/ }).click();
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

      // Signing in: each refused code says so with the tries left; too fast says to wait.
      await signInAsFran();
      await page.getByRole('heading', { level: 1, name: 'Two-step sign-in' }).waitFor();
      const code = page.getByLabel('Code from your authenticator app');
      const seen = [];
      while (!seen.some((s) => /last try/.test(s)) && seen.length < 12) {
        await code.fill(wrong);
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/sign-in/verify'));
        await page.getByRole('button', { name: 'Verify' }).click();
        const status = (await answered).status();
        const said = await alertSaying(page, status === 429 ? /Wait/ : /didn’t work/);
        seen.push(said);
        if (seen.length === 1) await checkA11y(page, 'second step with a refused code');
        const wait = said.match(/Wait (\d+) seconds?/);
        if (wait) await new Promise((r) => setTimeout(r, Number(wait[1]) * 1000 + 300));
        else await page.waitForTimeout(50);
      }
      assert.equal(seen[0], 'That code didn’t work. Check it and try again (4 tries left).');
      assert.ok(
        seen.some((s) => /^Too many wrong codes in a row\. Wait \d+ seconds?, then try again\.$/.test(s)),
        `a wait was asked for: ${seen.join(' | ')}`,
      );
      assert.equal(seen.at(-1), 'That code didn’t work, and it was the last try for this sign-in. Start over to get a new one.');
      assert.equal(await page.getByRole('button', { name: 'Verify' }).count(), 0, 'no more codes are taken');
      await checkA11y(page, 'second step after the last try');
      await screenshot(page, 'first-hour-second-step-spent');
      await page.getByRole('button', { name: 'Start over' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await page.context().close();
    });
  });

  describe('form errors are written for people', () => {
    for (const [viewport, email] of [
      ['mobile', 'drew@directclient.test'],
      ['desktop', 'dana@globex.test'],
    ]) {
      it(`the ticket form (${viewport}, ${short(email)})`, async () => {
        const page = await openPage(browser, viewport);
        await signIn(page, email);
        await page.getByRole('heading', dashboardHeading).waitFor();
        await page.goto(`${login(email).host}/tickets/new`);
        await page.getByRole('heading', { level: 1, name: 'Submit a ticket' }).waitFor();
        await page.getByRole('button', { name: 'Submit ticket' }).click();
        const category = page.getByLabel('Category');
        await category.and(page.locator('[aria-invalid="true"]')).waitFor();
        // Each error is read after the field's hint.
        assert.match(await describedBy(category), /(^| )Choose a category\.$/);
        assert.match(await describedBy(page.getByLabel('Subject')), /(^| )Write a subject of at most 200 characters, on one line\.$/);
        assert.match(await describedBy(page.getByLabel('Description')), /(^| )Describe what you need help with\.$/);
        assert.equal(await alertSaying(page, /\S/), 'Please correct the fields marked below.');
        // Nothing the API wrote for developers: no word lists, field names or parser positions.
        for (const text of await page.locator('.field__error').allInnerTexts()) {
          assert.doesNotMatch(text, /use one of|_|`|at line \d|is required|missing field/, text);
        }
        await checkA11y(page, `ticket form errors (${viewport})`);
        await page.context().close();
      });
    }
  });

  describe('every screen is at most two taps away on a phone', () => {
    for (const [email, screens] of Object.entries(SCREENS)) {
      it(`${short(email)} (${login(email).tenant} host)`, async () => {
        const page = await openPage(browser, 'mobile');
        await signIn(page, email);
        await page.getByRole('heading', dashboardHeading).waitFor();
        const bar = page.getByRole('navigation', { name: 'Main (phone)' });
        let checkedMenu = false;
        for (const [, link, heading] of screens) {
          // One tap on the bar, or "More" and then the place.
          const direct = bar.getByRole('link', { name: link, exact: true });
          if ((await direct.count()) === 0) {
            const more = bar.getByRole('button', { name: 'More' });
            assert.equal(await more.count(), 1, `${link} is not in the bottom bar, and there is no "More"`);
            await more.tap();
            if (!checkedMenu) {
              checkedMenu = true;
              // A list to tap down, each place whole on the screen.
              const width = page.viewportSize().width;
              for (const place of await bar.getByRole('link').all()) {
                const box = await place.boundingBox();
                assert.ok(box.x >= 0 && box.x + box.width <= width, `${await place.innerText()} lies within the screen`);
              }
              await checkA11y(page, `the "More" menu of ${email}`);
              await screenshot(page, `first-hour-more-${short(email)}`);
            }
          }
          await bar.getByRole('link', { name: link, exact: true }).tap();
          await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
        }
        await page.context().close();
      });
    }
  });

  describe('a 360 px phone: no sideways scrolling, no keyboard hints', () => {
    for (const [email, screens] of Object.entries(SCREENS)) {
      it(`${short(email)} (${login(email).tenant} host)`, async () => {
        const host = login(email).host;
        const ticket = login(email).tenant === 'kt' ? drewTicket : danaTicket;
        const visits = [
          ...screens.map(([path, , heading]) => [path, heading]),
          ['/tickets/new', 'Submit a ticket'],
          [`/tickets/${ticket.tenant_id}/${ticket.id}`, `${ticket.number}: ${ticket.subject}`],
        ];
        if (screens.some(([path]) => path === '/clients')) visits.push([`/clients/${danaTicket.org_id}`, 'Globex']);
        if (screens.some(([path]) => path === '/queue')) visits.push(['/queue?priority=high', 'Queue']);

        const page = await openPhone(browser, 360);
        await signIn(page, email);
        await page.getByRole('heading', dashboardHeading).waitFor();
        for (const [path, heading] of visits) {
          await page.goto(`${host}${path}`);
          await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
          await page.waitForLoadState('networkidle');
          await assertNoSideScroll(page, `${path} for ${email}`);
          // Keyboard shortcuts are not offered on a touch screen.
          assert.equal(await page.locator('.kbd-help').filter({ visible: true }).count(), 0, `keyboard hints on ${path}`);
        }
        const more = page.getByRole('button', { name: 'More' });
        if (await more.count()) {
          await more.tap();
          await assertNoSideScroll(page, `the "More" menu for ${email}`);
        }
        await page.context().close();
      });
    }

    it('the queue fits: the ticket, how long it waits and "Assign to me" are on screen', async () => {
      const page = await openPhone(browser, 360);
      await signIn(page, 'staff@kre8ivtech.test');
      await page.getByRole('heading', dashboardHeading).waitFor();
      await page.goto(`${HOSTS.kt}/queue?priority=high`);
      const row = page.getByRole('row').filter({ hasText: drewTicket.number });
      await row.waitFor();
      for (const part of [
        row.getByRole('link', { name: new RegExp(drewTicket.number) }),
        row.getByText(/Waiting since|ago|just now/).first(),
        row.getByRole('button', { name: `Assign to me ${drewTicket.number}` }),
      ]) {
        const box = await part.boundingBox();
        assert.ok(
          box && box.x >= 0 && box.x + box.width <= 360,
          `${await part.innerText()} lies within the screen: ${JSON.stringify(box)}`,
        );
      }
      await checkA11y(page, 'queue on a 360 px phone');
      await screenshot(page, 'first-hour-queue-360');
      await page.context().close();
    });

    it('keyboard hints show where a keyboard is likely (desktop)', async () => {
      const page = await openPage(browser, 'desktop');
      await signIn(page, 'staff@kre8ivtech.test');
      await page.getByRole('heading', dashboardHeading).waitFor();
      await page.goto(`${HOSTS.kt}/queue?priority=high`);
      await page.getByText(/jump to a ticket/).waitFor();
      await page.context().close();
    });
  });

  describe('one primary action, nothing covered', () => {
    for (const viewport of ['mobile', 'desktop']) {
      for (const email of ['drew@directclient.test', 'pat@acme-agency.test']) {
        it(`the dashboard offers one way to submit a ticket (${viewport}, ${short(email)})`, async () => {
          const page = await openPage(browser, viewport);
          await signIn(page, email);
          await page.getByRole('heading', dashboardHeading).waitFor();
          await page.waitForLoadState('networkidle');
          // Whole names: a notification such as "New ticket ACME-1001 from Globex" is no action.
          const submit = /^(submit (a )?ticket|new ticket|create ticket|ticket for a client)$/i;
          const actions =
            (await page.getByRole('link', { name: submit }).count()) + (await page.getByRole('button', { name: submit }).count());
          assert.equal(actions, 1, 'exactly one "Submit ticket" action');
          await checkA11y(page, `dashboard of ${email} (${viewport})`);
          await page.context().close();
        });
      }
    }

    it('nothing covers the rating or the reply on a phone’s ticket page', async () => {
      const drew = await apiAs('drew@directclient.test');
      const resolved = await fileTicket(drew, { subject: 'Resolved while we watch (first hour)' });
      const done = await staff.call('PATCH', `/api/v1/tenants/${resolved.tenant_id}/tickets/${resolved.id}`, { status: 'resolved' });
      assert.equal(done.status, 200, JSON.stringify(done.body));

      const page = await openPage(browser, 'mobile');
      await signIn(page, 'drew@directclient.test');
      await page.getByRole('heading', dashboardHeading).waitFor();
      await page.goto(`${HOSTS.kt}/tickets/${resolved.tenant_id}/${resolved.id}`);
      const rate = page.getByRole('region', { name: 'Rate this ticket' });
      await rate.waitFor();
      const controls = [
        ...(await rate.locator('label').all()),
        rate.getByRole('button', { name: 'Send rating' }),
        page.getByRole('button', { name: 'Send reply' }),
      ];
      for (const control of controls) {
        // Wherever a person scrolls it between the header and the bottom bar, its centre is its own.
        const covered = await control.evaluate((el) => {
          const top = document.querySelector('.topbar').getBoundingClientRect().bottom;
          const bottom = document.querySelector('.bottombar').getBoundingClientRect().top;
          const out = [];
          for (const at of [0.15, 0.35, 0.55, 0.75, 0.95]) {
            const y = top + (bottom - top) * at;
            const before = el.getBoundingClientRect();
            window.scrollBy(0, before.top + before.height / 2 - y);
            const r = el.getBoundingClientRect();
            const cy = r.top + r.height / 2;
            if (cy < top || cy > bottom) continue; // the page cannot scroll it there
            const hit = document.elementFromPoint(r.left + r.width / 2, cy);
            if (!hit || !(el === hit || el.contains(hit))) out.push(`${Math.round(cy)}px: ${hit?.outerHTML.slice(0, 80)}`);
          }
          return out;
        });
        assert.deepEqual(covered, [], `${await control.innerText()} is covered`);
      }
      assert.equal(await page.getByRole('link', { name: 'Submit ticket' }).count(), 0, 'no floating button on a ticket');
      await checkA11y(page, 'ticket page with the rating (mobile)');
      await screenshot(page, 'first-hour-rating-mobile');
      await page.context().close();
    });
  });

  it('the command palette says when nothing matches', async () => {
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'staff@kre8ivtech.test');
    await page.getByRole('heading', dashboardHeading).waitFor();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.getByRole('combobox').fill('zzqx');
    await palette.getByRole('status').filter({ hasText: 'No results for “zzqx”' }).waitFor();
    assert.equal(await palette.getByRole('option').count(), 0);
    await checkA11y(page, 'command palette without results');
    await palette.getByRole('combobox').fill('canned');
    await palette.getByRole('option', { name: 'Go to Canned responses' }).waitFor();
    await page.context().close();
  });
});
