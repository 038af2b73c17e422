// Every role's dashboard renders its widgets without accessibility problems, at both
// viewports; screenshots land in tests/e2e/artifacts/. Staff and the super admin see the
// agents' workload against capacity; they and partners see customer satisfaction (CSAT).
import { after, before, describe, it } from 'node:test';
import { checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

const PEOPLE = [
  ['admin', 'admin@kre8ivtech.test', ['System health', 'Staff workload', 'Customer satisfaction']],
  ['staff', 'staff@kre8ivtech.test', ['Waiting now', 'Workload', 'Customer satisfaction']],
  ['partner-staff', 'sam@acme-agency.test', ['Open tickets by client', 'Customer satisfaction']],
  ['client-globex', 'dana@globex.test', ['Open tickets']],
];

describe('dashboards', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  for (const [name, email, widgets] of PEOPLE) {
    for (const viewport of ['mobile', 'desktop']) {
      it(`${name} (${viewport})`, async () => {
        const page = await openPage(browser, viewport);
        await signIn(page, email);
        for (const widget of widgets) await page.getByRole('region', { name: widget }).waitFor();
        if (widgets.includes('Customer satisfaction')) {
          await page.getByRole('region', { name: 'Customer satisfaction' }).getByText('Average (CSAT)').waitFor();
        }
        const workload = widgets.find((w) => w.endsWith('orkload'));
        if (workload) {
          // Every house agent with their open assigned tickets (and capacity, once a rule names them).
          await page.getByRole('region', { name: workload }).getByText('Sky Staff').first().waitFor();
          await page
            .getByRole('region', { name: workload })
            .getByText(/\d+ (of \d+ )?open assigned/)
            .first()
            .waitFor();
        }
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
