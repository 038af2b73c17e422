// Credit notes, payment plans, recurring invoices and recurring revenue, at phone and desktop
// size with the axe check on every screen: the partner issues a credit note on a sent invoice
// and sees what it credited; splits what is left into a 2-instalment plan (the app's own check
// first, then the even split), which the client reads as a schedule; starts a monthly recurring
// invoice, sees it in the dashboard's MRR, and pauses it. The partner sets how its documents
// look (address, tax ID, date and amount formats, paper: a server error on the address first)
// and downloads the invoice, a payment's receipt and a credit note as PDFs, as does the client.
// The super admin's dashboard shows Kre8ivTech's MRR and ARR.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

/** A day `n` days from now, as the date inputs take it. */
const dayFrom = (n) => {
  const t = new Date(Date.now() + n * 86_400_000);
  return `${t.getFullYear()}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
};

/**
 * The download link `link` (a locator) fetched in the page, with the page's cookies as a click
 * would send them: a PDF attachment.
 */
async function assertPdf(page, link, what) {
  assert.notEqual(await link.getAttribute('download'), null, `${what}: a download link`);
  const href = await link.getAttribute('href');
  const got = await page.evaluate(async (href) => {
    const res = await fetch(href, { credentials: 'include' });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      disposition: res.headers.get('content-disposition') ?? '',
      head: String.fromCharCode(...bytes.slice(0, 5)),
      size: bytes.length,
    };
  }, href);
  assert.equal(got.status, 200, `${what} (${href}): ${JSON.stringify(got)}`);
  assert.match(got.type, /^application\/pdf/, `${what}: content type`);
  assert.match(got.disposition, /^attachment/, `${what}: an attachment`);
  assert.equal(got.head.slice(0, 4), '%PDF', `${what}: a PDF`);
  assert.ok(got.size > 1000, `${what}: ${got.size} bytes`);
}

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

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner sets how documents look and downloads the invoice, a receipt and a credit note as PDFs (${viewport})`, async () => {
      const tenant = pat.me.user.tenant;
      const host = login('pat@acme-agency.test').host;
      // A sent invoice with a payment received and a credit note.
      const drafted = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices`, {
        billed: { org_id: dana.me.organizations[0].id },
        lines: [{ description: `Print design (${viewport})`, quantity: '2', unit_price: '1250.00' }],
      });
      assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
      const invoiceId = drafted.body.id;
      const sent = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices/${invoiceId}/send`);
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const number = sent.body.number;
      const paid = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices/${invoiceId}/payments`, {
        amount: '1000.00',
        method: 'bank_transfer',
        reference: `Documents ${viewport}`,
      });
      assert.equal(paid.status, 201, JSON.stringify(paid.body));
      const credited = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices/${invoiceId}/credit-notes`, {
        amount: '100.00',
        reason: `Proofs not needed (${viewport})`,
      });
      assert.equal(credited.status, 201, JSON.stringify(credited.body));
      const note = credited.body.number;
      const invoiceUrl = `${host}/invoices/${tenant}/${invoiceId}`;

      const page = await openPage(browser, viewport);
      await signIn(page, 'pat@acme-agency.test');
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.goto(`${host}/admin/billing`);
      await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
      const general = page.getByRole('region', { name: 'Numbers, currency and reminders' });
      const documents = general.getByRole('group', { name: 'Documents' });
      const address = documents.getByLabel('Address');
      await address.waitFor();

      // Seven lines: the server's error next to the address, which keeps what was typed.
      const tooLong = 'Acme Agency\n1\n2\n3\n4\n5\n6';
      await address.fill(tooLong);
      await general.getByRole('button', { name: 'Save', exact: true }).click();
      await documents.getByText('Write the address on at most 6 lines, in at most 400 characters.').waitFor();
      assert.equal(await address.getAttribute('aria-invalid'), 'true');
      assert.equal(await address.inputValue(), tooLong);
      await checkA11y(page, `the documents settings with an error (${viewport})`);

      const lines = `Acme Agency Ltd\n12 Harbour Street\nBristol BS1 4RN (${viewport})`;
      const formats =
        viewport === 'mobile'
          ? { date_format: 'dd/mm/yyyy', amount_style: '1.234,56', paper: 'a4' }
          : { date_format: 'mmmm d, yyyy', amount_style: '1,234.56', paper: 'letter' };
      await address.fill(lines);
      await documents.getByLabel('Tax ID').fill('GB 123 4567 89');
      await documents.getByLabel('Date format').selectOption({ label: viewport === 'mobile' ? '31/12/2026' : 'December 31, 2026' });
      await documents.getByLabel('Amount format').selectOption({ label: viewport === 'mobile' ? '1.234,56 €' : '€1,234.56' });
      await documents.getByLabel('Paper size').selectOption({ label: viewport === 'mobile' ? 'A4' : 'US Letter' });
      await general.getByRole('button', { name: 'Save', exact: true }).click();
      await general.getByText(/^Saved\. The next invoice sent today will be /).waitFor();
      assert.equal(await address.getAttribute('aria-invalid'), null);
      const saved = await pat.call('GET', `/api/v1/tenants/${tenant}/billing/settings`);
      assert.equal(saved.status, 200);
      assert.deepEqual(
        {
          address: saved.body.address,
          tax_id: saved.body.tax_id,
          date_format: saved.body.date_format,
          amount_style: saved.body.amount_style,
          paper: saved.body.paper,
        },
        { address: lines, tax_id: 'GB 123 4567 89', ...formats },
      );
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the billing settings');
      await screenshot(page, `billing-documents-${viewport}`);
      await checkA11y(page, `the documents settings, saved (${viewport})`);

      // The invoice, its payment's receipt and its credit note, as PDFs.
      await page.goto(invoiceUrl);
      await page.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
      const invoicePdf = page.getByRole('link', { name: `Download PDF of invoice ${number}` });
      assert.equal(await invoicePdf.innerText(), 'Download PDF');
      await assertPdf(page, invoicePdf, 'the invoice');
      const ledger = page.getByRole('region', { name: 'Payments, refunds and credits' });
      await ledger.getByText(`Documents ${viewport}`, { exact: false }).waitFor();
      const receipt = ledger.getByRole('link', { name: /^Download receipt for the payment of .+1[,.]000[.,]00/ });
      assert.equal(await receipt.innerText(), 'Receipt');
      await assertPdf(page, receipt, 'the receipt');
      const notes = page.getByRole('region', { name: 'Credit notes' });
      const notePdf = notes.getByRole('link', { name: `Download PDF of credit note ${note}` });
      await assertPdf(page, notePdf, 'the credit note');
      // A click downloads it as a file named by the server.
      const [download] = await Promise.all([page.waitForEvent('download'), invoicePdf.click()]);
      assert.match(download.suggestedFilename(), /\.pdf$/);
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the invoice page with its PDFs');
      await screenshot(page, `invoice-pdfs-${viewport}`);
      await checkA11y(page, `an invoice with its PDFs, issuer side (${viewport})`);
      await page.context().close();

      // Who is billed downloads the same.
      const client = await openPage(browser, viewport);
      await signIn(client, 'dana@globex.test');
      await client.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
      await client.goto(invoiceUrl);
      await client.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
      await assertPdf(client, client.getByRole('link', { name: `Download PDF of invoice ${number}` }), 'the invoice, billed side');
      await assertPdf(
        client,
        client.getByRole('region', { name: 'Payments, refunds and credits' }).getByRole('link', { name: /^Download receipt / }),
        'the receipt, billed side',
      );
      await assertPdf(
        client,
        client.getByRole('region', { name: 'Credit notes' }).getByRole('link', { name: `Download PDF of credit note ${note}` }),
        'the credit note, billed side',
      );
      await checkA11y(client, `an invoice with its PDFs, billed side (${viewport})`);
      await client.context().close();
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
