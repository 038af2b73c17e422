// Every role's dashboard renders its widgets without accessibility problems, at both
// viewports; screenshots land in tests/e2e/artifacts/.
import { after, before, describe, it } from 'node:test';
import { checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

const PEOPLE = [
  ['admin', 'admin@kre8ivtech.test', 'System health'],
  ['staff', 'staff@kre8ivtech.test', 'Waiting now'],
  ['partner-staff', 'sam@acme-agency.test', 'Open tickets by client'],
  ['client-globex', 'dana@globex.test', 'Open tickets'],
];

describe('dashboards', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  for (const [name, email, widget] of PEOPLE) {
    for (const viewport of ['mobile', 'desktop']) {
      it(`${name} (${viewport})`, async () => {
        const page = await openPage(browser, viewport);
        await signIn(page, email);
        await page.getByRole('region', { name: widget }).waitFor();
        await page.waitForLoadState('networkidle');
        await screenshot(page, `dashboard-${name}-${viewport}`);
        await checkA11y(page, `${name} dashboard (${viewport})`);
        await page.context().close();
      });
    }
  }

  it('opens the command palette with Ctrl+K and jumps to a page', async () => {
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'admin@kre8ivtech.test');
    await page.getByRole('region', { name: 'System health' }).waitFor();
    await page.keyboard.press('Control+k');
    const input = page.getByRole('combobox', {
      name: 'Go to a page or a ticket number',
    });
    await input.fill('audit');
    await checkA11y(page, 'command palette');
    await input.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.goto(`${login('admin@kre8ivtech.test').host}/admin/branding`);
    await page.getByRole('heading', { level: 1, name: 'Branding' }).waitFor();
    await checkA11y(page, 'branding editor');
    await page.context().close();
  });
});
