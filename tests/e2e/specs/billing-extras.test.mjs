// Credit notes, payment plans, recurring invoices and recurring revenue, at phone and desktop
// size with the axe check on every screen: the partner issues a credit note on a sent invoice
// and sees what it credited; splits what is left into a 2-instalment plan (the app's own check
// first, then the even split), which the client reads as a schedule; starts a monthly recurring
// invoice, sees it in the dashboard's MRR, and pauses it. The super admin's dashboard shows
// Kre8ivTech's MRR and ARR.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

/** A day `n` days from now, as the date inputs take it. */
const dayFrom = (n) => {
  const t = new Date(Date.now() + n * 86_400_000);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
};

describe('billing extras', () => {
  let browser;
  let pat;
  let dana;
  before(async () => {
    browser = await launch();
    pat = await apiAs('pat@acme-agency.test');
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner credits a sent invoice, sets a plan and bills monthly (${viewport})`, async () => {
      const tenant = pat.me.user.tenant;
      const host = login('pat@acme-agency.test').host;
      const drafted = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices`, {
        billed: { org_id: dana.me.organizations[0].id },
        lines: [{ description: `Migration (${viewport})`, quantity: '1', unit_price: '238.00' }],
      });
      assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
      const sent = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices/${drafted.body.id}/send`);
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const number = sent.body.number;
      const invoiceUrl = `${host}/invoices/${tenant}/${drafted.body.id}`;

      const page = await openPage(browser, viewport);
      await signIn(page, 'pat@acme-agency.test');
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.goto(invoiceUrl);
      await page.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
      const details = page.getByRole('region', { name: 'Invoice details' });

      // A credit note: a field error from the server next to its field, then issued.
      await page.getByRole('button', { name: 'Issue credit note…' }).click();
      const credit = page.getByRole('dialog', { name: `Issue a credit note on ${number}` });
      await credit.getByLabel(/^Amount/).fill('38.00');
      await credit.getByRole('button', { name: 'Issue credit note' }).click();
      await credit.getByText('Say why, in at most 500 characters.').waitFor();
      assert.equal(await credit.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
      await credit.getByLabel('Reason').fill('The first week was not worked.');
      await checkA11y(page, `the credit note dialog (${viewport})`);
      await credit.getByRole('button', { name: 'Issue credit note' }).click();
      await credit.waitFor({ state: 'detached' });
      const credited = details.getByText('Credited', { exact: true });
      await credited.waitFor();
      assert.match(await details.locator('dt:text-is("Credited") + dd').innerText(), /38\.00/);
      assert.match(await details.locator('dt:text-is("Balance") + dd').innerText(), /200\.00/);
      const notes = page.getByRole('region', { name: 'Credit notes' });
      await notes.getByText(/^CN-/).first().waitFor();
      await notes.getByText('The first week was not worked.').waitFor();
      await checkA11y(page, `an invoice with a credit note (${viewport})`);

      // A payment plan of what is left, in 2 instalments.
      await page.getByRole('button', { name: 'Set a payment plan…' }).click();
      const plan = page.getByRole('dialog', { name: `Payment plan for ${number}` });
      await plan.getByLabel('Number of instalments').fill('2');
      await plan.getByLabel('First due on').fill(dayFrom(3));
      await plan.getByRole('button', { name: 'Split', exact: true }).click();
      const second = plan.getByRole('group', { name: 'Instalment 2' });
      assert.equal(await second.getByLabel(/^Amount/).inputValue(), '100.00');
      // The app's own check: they must add up to the balance.
      await second.getByLabel(/^Amount/).fill('90');
      await plan.getByText(/10\.00 left to place\./).waitFor();
      await plan.getByRole('button', { name: 'Save plan' }).click();
      await plan.getByText(/^The instalments must add up to the balance\./).waitFor();
      await checkA11y(page, `the payment plan dialog with an error (${viewport})`);
      await second.getByLabel(/^Amount/).fill('100');
      await plan.getByRole('button', { name: 'Save plan' }).click();
      await plan.waitFor({ state: 'detached' });
      const schedule = page.getByRole('region', { name: 'Instalments' });
      await schedule.getByRole('rowheader', { name: '2 of 2' }).waitFor();
      assert.equal(await schedule.getByText('Upcoming', { exact: true }).count(), 2);
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the invoice page with a plan');
      await screenshot(page, `invoice-plan-${viewport}`);
      await checkA11y(page, `an invoice with a payment plan (${viewport})`);

      // The client reads the schedule and the credit, with nothing to change.
      const client = await openPage(browser, viewport);
      await signIn(client, 'dana@globex.test');
      await client.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
      await client.goto(invoiceUrl);
      await client.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
      await client.getByRole('region', { name: 'Instalments' }).getByRole('rowheader', { name: '1 of 2' }).waitFor();
      await client.getByRole('region', { name: 'Credit notes' }).getByText('The first week was not worked.').waitFor();
      assert.equal(await client.getByRole('button', { name: /plan|credit note/i }).count(), 0);
      await checkA11y(client, `the plan and credit, billed side (${viewport})`);
      await client.context().close();

      // A monthly recurring invoice, from the invoice list.
      // An amount of this run only: the row to pause is the one showing it.
      const price = `${100 + (Date.now() % 800)}.${viewport === 'mobile' ? '11' : '22'}`;
      await page.goto(`${host}/invoices`);
      await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
      await page.getByRole('navigation', { name: 'Invoice lists' }).getByRole('link', { name: 'Recurring invoices' }).click();
      await page.getByRole('heading', { level: 1, name: 'Recurring invoices' }).waitFor();
      await page.getByRole('link', { name: 'New recurring invoice' }).click();
      await page.getByRole('heading', { level: 1, name: 'New recurring invoice' }).waitFor();
      await page.getByLabel('Bill to').selectOption({ label: 'Globex' });
      await page.getByLabel('How often').selectOption('monthly');
      await page.getByLabel('First invoice on').fill(dayFrom(7));
      const line = page.getByRole('group', { name: 'Line 1' });
      await line.getByLabel('Description').fill(`Website care (${viewport})`);
      await line.getByLabel(/^Unit price/).fill(price);
      await page.getByRole('region', { name: 'Each invoice' }).getByText(`${price} a month while it runs.`, { exact: false }).waitFor();
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the recurring invoice form');
      await checkA11y(page, `the recurring invoice form (${viewport})`);
      await page.getByRole('button', { name: 'Start recurring invoice' }).click();
      await page.getByRole('heading', { level: 1, name: 'Recurring invoices' }).waitFor();
      const row = page.getByRole('listitem').filter({ hasText: price });
      await row.getByText('Status: Active', { exact: true }).waitFor();
      await row.getByText(/^Next invoice /).waitFor();
      await checkA11y(page, `the recurring invoice list (${viewport})`);

      // The dashboard counts it in the recurring revenue.
      await page.goto(`${host}/`);
      const revenue = page.getByRole('region', { name: 'Revenue overview' });
      await revenue.getByText('MRR', { exact: true }).first().waitFor();
      await revenue.locator('dl').first().waitFor();
      const mrr = await revenue.locator('dt:has-text("MRR") + dd').first().innerText();
      assert.match(mrr, /\d/, 'an MRR amount');
      await page.waitForLoadState('networkidle');
      await checkA11y(page, `the partner dashboard with recurring revenue (${viewport})`);

      // Paused, it says so and offers to resume.
      await page.goto(`${host}/invoices/recurring`);
      await page.getByRole('heading', { level: 1, name: 'Recurring invoices' }).waitFor();
      await row.getByRole('button', { name: /^Pause/ }).click();
      await row.getByText('Status: Paused', { exact: true }).waitFor();
      await row.getByRole('button', { name: /^Resume/ }).waitFor();
      await screenshot(page, `recurring-list-${viewport}`);
      await checkA11y(page, `a paused recurring invoice (${viewport})`);
      await page.context().close();
    });
  }

  it('the super admin’s dashboard shows MRR and ARR', async () => {
    const admin = await apiAs('admin@kre8ivtech.test');
    const drew = await apiAs('drew@directclient.test');
    const made = await admin.call('POST', `/api/v1/tenants/${admin.me.user.tenant}/recurring-invoices`, {
      billed: { org_id: drew.me.organizations[0].id },
      lines: [{ description: 'Managed hosting', quantity: '1', unit_price: '1200.00' }],
      frequency: 'yearly',
      start_on: dayFrom(30),
      auto_send: false,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'admin@kre8ivtech.test');
    const revenue = page.getByRole('region', { name: 'Revenue overview (MRR, ARR)' });
    await revenue.getByText('ARR', { exact: true }).first().waitFor();
    // What the revenue route says, as the widget shows it (1,200.00 a year from this one, more from others).
    const figures = await admin.call('GET', `/api/v1/tenants/${admin.me.user.tenant}/billing/revenue`);
    const usd = figures.body.items.find((i) => i.currency === made.body.currency);
    assert.ok(Number(usd.arr) >= 1200, JSON.stringify(figures.body));
    const arr = await revenue.locator('dt:has-text("ARR") + dd').first().innerText();
    assert.equal(arr.replace(/[^\d.]/g, ''), usd.arr);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'dashboard-admin-revenue');
    await checkA11y(page, 'the admin dashboard with recurring revenue');
    await page.context().close();
  });
});
