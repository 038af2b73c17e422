// A partner drafts an invoice for a client (a field error shown next to its line's field, the
// totals computed as it types), sends it, and the client reads it (read-only, marked viewed);
// the partner then sees it was viewed and records the payment. At phone and desktop size, with
// the axe check on every screen. Then the client pays another by card, on a 360 px phone and on
// a desktop, through the demo's local stand-in for Stripe, keeping the card for automatic
// payments: a declined card first, then a card asking for 3-D Secure, approved; the invoice
// shows Paid, with the payment's receipt listed and downloadable as a PDF.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, login, openPage, openPhone, screenshot, signIn } from '../lib/portal.mjs';

describe('invoices', () => {
  let browser;
  let dana;
  before(async () => {
    browser = await launch();
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner bills a client, who reads it (${viewport})`, async () => {
      const host = login('pat@acme-agency.test').host;
      const description = `Website care, March (${viewport})`;

      const pat = await openPage(browser, viewport);
      await signIn(pat, 'pat@acme-agency.test');
      await pat.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await pat.goto(`${host}/invoices`);
      await pat.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
      await pat.waitForLoadState('networkidle');
      await checkA11y(pat, `partner invoice list (${viewport})`);

      await pat.getByRole('link', { name: 'New invoice' }).click();
      await pat.getByRole('heading', { level: 1, name: 'New invoice' }).waitFor();
      await pat.getByLabel('Bill to').selectOption({ label: 'Globex' });
      const first = pat.getByRole('group', { name: 'Line 1' });
      await first.getByLabel('Description').fill(description);
      await first.getByLabel('Quantity').fill('0');
      await first.getByLabel(/^Unit price/).fill('19.99');
      await pat.getByRole('button', { name: 'Add line' }).click();
      const second = pat.getByRole('group', { name: 'Line 2' });
      await second.getByLabel('Description').fill('Hosting');
      await second.getByLabel('Quantity').fill('1.5');
      await second.getByLabel(/^Unit price/).fill('80');

      // The server's field error sits next to its line's field, which keeps what was typed.
      await pat.getByRole('button', { name: 'Save draft' }).click();
      await first.getByText('Enter a quantity above 0 and under 1,000,000, with at most 4 decimals.').waitFor();
      const quantity = first.getByLabel('Quantity');
      assert.equal(await quantity.getAttribute('aria-invalid'), 'true');
      assert.equal(await quantity.inputValue(), '0');
      assert.equal(await first.getByLabel('Description').inputValue(), description);
      await checkA11y(pat, `invoice editor with a field error (${viewport})`);

      // The figures follow the typing: 3 × 19.99 + 1.5 × 80.
      await quantity.fill('3');
      const totals = pat.getByRole('region', { name: 'Totals' });
      await totals.getByText('179.97', { exact: false }).first().waitFor();
      await first.getByText('59.97', { exact: false }).first().waitFor();
      if (viewport === 'mobile') await assertNoSideScroll(pat, 'the invoice editor');
      await screenshot(pat, `invoice-editor-${viewport}`);

      await pat.getByRole('button', { name: 'Send…' }).click();
      await pat.getByRole('button', { name: 'Send to Globex now' }).click();
      const heading = pat.getByRole('heading', { level: 1, name: /^Invoice / });
      await heading.waitFor();
      const number = (await heading.innerText()).replace(/^Invoice /, '');
      const details = pat.getByRole('region', { name: 'Invoice details' });
      await details.getByText('Status: Sent', { exact: true }).waitFor();
      await details.getByText('Globex').waitFor();
      await pat.getByRole('region', { name: 'Invoice lines' }).getByRole('rowheader', { name: description }).waitFor();
      await checkA11y(pat, `a sent invoice, issuer side (${viewport})`);
      if (viewport === 'mobile') await assertNoSideScroll(pat, 'the invoice page');

      // The client: the invoice is in their list; opening it marks it viewed; nothing to change.
      const client = await openPage(browser, viewport);
      await signIn(client, 'dana@globex.test');
      await client.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
      await client.goto(`${host}/invoices`);
      await client.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
      await client.getByRole('link', { name: new RegExp(`^${number} `) }).click();
      await client.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
      await client.getByRole('region', { name: 'Invoice details' }).getByText('Status: Viewed', { exact: true }).waitFor();
      await client.getByRole('button', { name: 'Pay', exact: true }).waitFor();
      assert.equal(await client.getByRole('button', { name: 'Record payment' }).count(), 0);
      assert.equal(await client.getByRole('link', { name: 'Edit draft' }).count(), 0);
      await screenshot(client, `invoice-client-${viewport}`);
      await checkA11y(client, `a sent invoice, billed side (${viewport})`);
      await client.context().close();

      const listed = await dana.call('GET', `/api/v1/tenants/${dana.me.user.tenant}/invoices`);
      assert.equal(listed.status, 200);
      assert.ok(
        listed.body.items.some((i) => i.number === number && i.status === 'viewed'),
        'the client lists it, viewed',
      );

      // The partner sees it was viewed and records the payment in full.
      await pat.reload();
      await heading.waitFor();
      await details.getByText('Status: Viewed', { exact: true }).waitFor();
      await pat.getByRole('button', { name: 'Record payment' }).click();
      const dialog = pat.getByRole('dialog', { name: `Record a payment on ${number}` });
      await dialog.waitFor();
      await dialog.getByLabel('Method').selectOption('bank_transfer');
      await dialog.getByLabel('Reference (optional)').fill(`E2E ${viewport}`);
      await checkA11y(pat, `the payment dialog (${viewport})`);
      await dialog.getByRole('button', { name: 'Record payment' }).click();
      await dialog.waitFor({ state: 'detached' });
      await details.getByText('Status: Paid', { exact: true }).waitFor();
      await pat.getByRole('region', { name: 'Payments, refunds and credits' }).getByText(`E2E ${viewport}`, { exact: false }).waitFor();
      await pat.context().close();
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client pays by card: declined, then 3-D Secure approved, and the invoice is paid (${viewport})`, async () => {
      const pat = await apiAs('pat@acme-agency.test');
      const tenant = pat.me.user.tenant;
      const drafted = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices`, {
        billed: { org_id: dana.me.organizations[0].id },
        lines: [{ description: `Support retainer (paid by card, ${viewport})`, quantity: '1', unit_price: '120.00' }],
      });
      assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
      const sent = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices/${drafted.body.id}/send`);
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const number = sent.body.number;

      // A small Android phone, or a desktop.
      const page = viewport === 'mobile' ? await openPhone(browser, 360) : await openPage(browser, 'desktop');
      const size = viewport === 'mobile' ? '360' : 'desktop';
      await signIn(page, 'dana@globex.test');
      await page.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
      // The dashboard lists it among the invoices to pay.
      await page.getByRole('region', { name: 'Pending invoices' }).getByRole('link', { name: number, exact: true }).waitFor();
      await page.goto(`${login('dana@globex.test').host}/invoices/${tenant}/${drafted.body.id}`);
      await page.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
      const details = page.getByRole('region', { name: 'Invoice details' });
      const isCheckout = (r) => r.url().endsWith('/checkout') && r.request().method() === 'POST';
      const started = page.waitForResponse(isCheckout);
      await details.getByRole('button', { name: 'Pay', exact: true }).click();

      const dialog = page.getByRole('dialog', { name: `Pay ${number}` });
      // "Pay €120.00" (beside "Pay a different amount").
      const payCard = /^Pay (?!a different)/;
      const card = dialog.getByLabel('Card number');
      await card.waitFor();
      await dialog.getByText('4000 0027 6000 3184 asks for 3-D Secure', { exact: false }).waitFor();
      // Keeping the card for automatic payments starts the checkout again; the box keeps focus.
      const keep = dialog.getByLabel('Keep this card for automatic payments');
      assert.equal(await keep.isChecked(), false);
      const first = await (await started).json();
      const restarted = page.waitForResponse(isCheckout);
      await keep.check();
      const again = await restarted;
      assert.equal(again.status(), 201);
      // Another payment intent: the first one did not keep the card.
      assert.notEqual((await again.json()).intent_id, first.intent_id);
      assert.equal(await keep.isChecked(), true);
      assert.equal(await keep.evaluate((e) => e === document.activeElement), true);
      await checkA11y(page, `the card form (${viewport})`);
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the card form');

      // Declined: said, and the card can be typed again.
      await card.fill('4000 0000 0000 0002');
      await dialog.getByRole('button', { name: payCard }).click();
      await dialog.getByText('Your card was declined.', { exact: false }).waitFor();
      await screenshot(page, `invoice-pay-declined-${size}`);

      // 3-D Secure: the bank's question, answered with Approve.
      await card.fill('4000 0027 6000 3184');
      await dialog.getByRole('button', { name: payCard }).click();
      const challenge = dialog.getByRole('region', { name: 'Confirm with your bank (3-D Secure)' });
      await challenge.waitFor();
      await checkA11y(page, `the 3-D Secure step (${viewport})`);
      await challenge.getByRole('button', { name: 'Approve', exact: true }).click();

      await dialog.waitFor({ state: 'detached' });
      await details.getByText('Status: Paid', { exact: true }).waitFor();
      await details.getByText(/^Thank you: your payment of .+ was received\. .+ is paid in full\./).waitFor();
      assert.equal(await page.getByRole('button', { name: 'Pay', exact: true }).count(), 0);
      const ledger = page.getByRole('region', { name: 'Payments, refunds and credits' });
      await ledger.getByText(/^Card · pi_/).waitFor();
      // The payment's receipt is listed beside it, and downloads as a PDF.
      const receipt = ledger.getByRole('link', { name: /^Download receipt for the payment of .*120[.,]00 on / });
      assert.equal(await receipt.innerText(), 'Receipt');
      assert.notEqual(await receipt.getAttribute('download'), null, 'a download link');
      const pdf = await page.evaluate(
        async (href) => {
          const res = await fetch(href, { credentials: 'include' });
          const bytes = new Uint8Array(await res.arrayBuffer());
          return { status: res.status, type: res.headers.get('content-type') ?? '', head: String.fromCharCode(...bytes.slice(0, 4)) };
        },
        await receipt.getAttribute('href'),
      );
      assert.equal(pdf.status, 200, JSON.stringify(pdf));
      assert.match(pdf.type, /^application\/pdf/);
      assert.equal(pdf.head, '%PDF');
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the paid invoice');
      await screenshot(page, `invoice-paid-by-card-${size}`);
      await checkA11y(page, `an invoice paid by card (${viewport})`);

      const after = await dana.call('GET', `/api/v1/tenants/${tenant}/invoices/${drafted.body.id}`);
      assert.equal(after.body.status, 'paid');
      await page.context().close();
    });
  }
});
