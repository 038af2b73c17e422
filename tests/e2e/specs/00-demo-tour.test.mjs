// The demo as a new visitor first sees it (run first, before other specs add tickets): each
// role's dashboard with its charts, the staff queue, a ticket with its conversation, the
// partner's branded portal on a phone. Screenshots land in tests/e2e/artifacts/tour-*.png; with
// UPDATE_SCREENSHOTS=1 they also replace the README's (docs/screenshots/).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { ARTIFACTS, checkA11y, launch, login, openPage, signIn } from '../lib/portal.mjs';

const README_SHOTS = new URL('../../../docs/screenshots/', import.meta.url);
// The shots the README shows.
const IN_README = new Set([
  'admin-dashboard-charts',
  'partner-dashboard',
  'staff-queue',
  'ticket-page',
  'client-dashboard-phone',
  'partner-tickets-phone',
]);

async function shot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = new URL(`tour-${name}.png`, ARTIFACTS);
  await page.screenshot({ path: path.pathname });
  if (process.env.UPDATE_SCREENSHOTS === '1' && IN_README.has(name)) {
    await mkdir(README_SHOTS, { recursive: true });
    await copyFile(path, new URL(`${name}.png`, README_SHOTS));
  }
}

async function signedIn(browser, email, viewport) {
  const page = await openPage(browser, viewport);
  await signIn(page, email);
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  return page;
}

describe('the demo, as a visitor first sees it', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  // [screenshot, who, viewport, the dashboard's heading, a region that lists demo tickets or none]
  for (const [name, email, viewport, heading, listing] of [
    ['admin-dashboard', 'admin@kre8ivtech.test', 'desktop', 'Dashboard', null],
    ['staff-dashboard', 'staff@kre8ivtech.test', 'desktop', 'Dashboard', 'Unassigned'],
    ['partner-dashboard', 'pat@acme-agency.test', 'desktop', 'Dashboard', 'Client queue positions'],
    ['client-dashboard-phone', 'dana@globex.test', 'mobile', 'Hello, Dana', 'Open tickets'],
  ]) {
    it(`${name}: weeks of work, shown`, async () => {
      const page = await signedIn(browser, email, viewport);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      if (listing) {
        const region = page.getByRole('region', { name: listing });
        assert.ok((await region.getByRole('link', { name: /^(KT|ACME)-\d+/ }).count()) > 0, `demo tickets in ${listing}`);
      }
      await shot(page, name);
      if (name !== 'client-dashboard-phone') {
        // The trend charts, eight weeks of them.
        const volume = page.getByRole('region', { name: 'Ticket volume' });
        await volume.getByRole('img', { name: /tickets were filed/ }).waitFor();
        await volume.scrollIntoViewIfNeeded();
        await page.evaluate(() => window.scrollBy(0, -80));
        await shot(page, `${name}-charts`);
      }
      await checkA11y(page, `${name} with the demo`);
      await page.context().close();
    });
  }

  it('staff queue: every priority has its count, the most urgent opens first', async () => {
    const page = await signedIn(browser, 'staff@kre8ivtech.test', 'desktop');
    await page.goto(`${login('staff@kre8ivtech.test').host}/queue`);
    const tabs = page.getByRole('navigation', { name: 'Priorities' });
    await tabs
      .getByRole('link', { name: /^Critical \(1\)$/ })
      .and(page.locator('[aria-current="page"]'))
      .waitFor();
    for (const p of ['High', 'Medium', 'Low']) await tabs.getByRole('link', { name: new RegExp(`^${p} \\(\\d+\\)$`) }).waitFor();
    await page.waitForLoadState('networkidle');
    await shot(page, 'staff-queue');
    await page.context().close();
  });

  it('a resolved ticket: conversation signed with names, notes, files, time and the rating', async () => {
    const page = await signedIn(browser, 'staff@kre8ivtech.test', 'desktop');
    const host = login('staff@kre8ivtech.test').host;
    await page.goto(`${host}/tickets?status=resolved`);
    await page.getByRole('link', { name: /Card payments declined/ }).click();
    await page.getByRole('heading', { level: 1, name: /Card payments declined/ }).waitFor();
    await page.getByText('Sky Staff', { exact: true }).first().waitFor();
    await page.waitForLoadState('networkidle');
    await shot(page, 'ticket-page');
    await checkA11y(page, 'a demo ticket');
    await page.context().close();
  });

  it("the partner's branded portal on a phone", async () => {
    const page = await signedIn(browser, 'dana@globex.test', 'mobile');
    await page.goto(`${login('dana@globex.test').host}/tickets`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForLoadState('networkidle');
    const logo = page.locator('header img').first();
    assert.ok(await logo.isVisible(), 'the partner logo is in the header');
    await shot(page, 'partner-tickets-phone');
    await page.context().close();
  });
});
