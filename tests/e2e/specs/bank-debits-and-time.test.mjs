// Paying by US bank account (ACH) debit, and billing time on invoices, at phone and desktop size
// with the axe check on every screen. A client pays a USD invoice by bank account through the
// demo's local stand-in for Stripe (which takes bank debits): a closed test account refused, then
// the one that clears, and the invoice shows Paid with an ACH payment; another with the account
// still clearing says the payment is on its way, leaves the invoice unpaid, and paying again says
// so; a EUR invoice offers no bank account. Kre8ivTech's staff bill the billable time logged on a
// direct client's ticket: they link the ticket in the invoice editor, tick the time, add its line
// and price it; the invoice lists the time, the ticket's time card marks it Billed, and the client
// never sees the time. What a test arranges it undoes where the API allows, so the specs after it
// find the demo as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiAs,
  assertNoSideScroll,
  checkA11y,
  fileTicket,
  launch,
  login,
  openPage,
  openPhone,
  screenshot,
  signIn,
} from '../lib/portal.mjs';

const ON_ITS_WAY = 'Your bank payment is on its way; it takes a few days to clear. This invoice will show as paid then.';
const STILL_CLEARING =
  'A payment of this invoice is on its way: bank debits take a few days to clear. This invoice will show as paid then.';

describe('bank debits and billed time', () => {
  let browser;
  let pat;
  let dana;
  let staff;
  let drew;
  before(async () => {
    browser = await launch();
    pat = await apiAs('pat@acme-agency.test');
    dana = await apiAs('dana@globex.test');
    staff = await apiAs('staff@kre8ivtech.test');
    drew = await apiAs('drew@directclient.test');
  });
  after(async () => browser?.close());

  /** An invoice Pat sends Globex in `currency`. */
  async function sendToGlobex(description, currency, price = '400.00') {
    const tenant = pat.me.user.tenant;
    const drafted = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices`, {
      billed: { org_id: dana.me.organizations[0].id },
      currency,
      lines: [{ description, quantity: '1', unit_price: price }],
    });
    assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
    const sent = await pat.call('POST', `/api/v1/tenants/${tenant}/invoices/${drafted.body.id}/send`);
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    return { id: drafted.body.id, number: sent.body.number, tenant };
  }
  /** Voids what is left open (a debit still clearing may keep it from being voided: then it stays). */
  const voidIfOpen = async (issuer, tenant, id) => {
    const now = await issuer.call('GET', `/api/v1/tenants/${tenant}/invoices/${id}`);
    if (!['sent', 'viewed', 'partial', 'overdue'].includes(now.body?.status)) return;
    await issuer.call('POST', `/api/v1/tenants/${tenant}/invoices/${id}/void`, { reason: 'Made by the e2e tests.' });
  };

  /** The client's invoice page, and its Pay dialog opened; the checkout's answer. */
  async function openPay(page, invoice) {
    await page.goto(`${login('dana@globex.test').host}/invoices/${invoice.tenant}/${invoice.id}`);
    await page.getByRole('heading', { level: 1, name: `Invoice ${invoice.number}` }).waitFor();
    const details = page.getByRole('region', { name: 'Invoice details' });
    const started = page.waitForResponse((r) => r.url().endsWith('/checkout') && r.request().method() === 'POST');
    await details.getByRole('button', { name: 'Pay', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Pay ${invoice.number}` });
    await dialog.waitFor();
    return { details, dialog, checkout: await started };
  }

  /** Chooses the bank account: a checkout of its own, for a bank debit. */
  async function chooseBank(page, dialog) {
    const choice = dialog.getByRole('group', { name: 'Pay with' });
    await choice.waitFor();
    assert.equal(await choice.getByLabel('Card', { exact: true }).isChecked(), true, 'a card by default');
    const restarted = page.waitForResponse((r) => r.url().endsWith('/checkout') && r.request().method() === 'POST');
    await choice.getByLabel('Bank account (ACH)').check();
    const answer = await restarted;
    assert.equal(answer.status(), 201);
    const body = await answer.json();
    // A payment intent of its own, for a bank debit.
    assert.equal(body.method, 'ach');
    assert.deepEqual(body.methods, ['card', 'ach']);
    const form = dialog.getByRole('form', { name: 'Pay by bank account' });
    await form.waitFor();
    // Only a card is kept for automatic payments.
    assert.equal(await dialog.getByLabel('Keep this card for automatic payments').count(), 0);
    assert.equal(await dialog.getByLabel('Card number').count(), 0);
    return form;
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client pays USD invoices by bank account (ACH); a EUR one takes cards only (${viewport})`, async () => {
      const clears = await sendToGlobex(`Server care (ACH, clears, ${viewport})`, 'USD');
      const clearing = await sendToGlobex(`Server care (ACH, still clearing, ${viewport})`, 'USD', '250.00');
      const euro = await sendToGlobex(`Server care (EUR, ${viewport})`, 'EUR', '90.00');
      const page = viewport === 'mobile' ? await openPhone(browser, 360) : await openPage(browser, 'desktop');
      const size = viewport === 'mobile' ? '360' : 'desktop';
      try {
        await signIn(page, 'dana@globex.test');
        await page.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();

        // The one that clears: the choice of card or bank account, a closed account refused first.
        let { details, dialog, checkout } = await openPay(page, clears);
        assert.deepEqual((await checkout.json()).methods, ['card', 'ach'], 'a USD invoice may be paid by bank account');
        await dialog.getByLabel('Card number').waitFor();
        await checkA11y(page, `the pay dialog offering a bank account (${viewport})`);
        let form = await chooseBank(page, dialog);
        const pay = form.getByRole('button', { name: /^Pay / });
        assert.match(await pay.innerText(), /^Pay \$400\.00$/);
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the bank account form');
        await checkA11y(page, `the bank account form (${viewport})`);
        await screenshot(page, `invoice-pay-ach-${size}`);
        await form.getByLabel('Test account — closed').check();
        await pay.click();
        await form.getByText('The bank account is closed. Try again, or with another account.').waitFor();
        await checkA11y(page, `a closed bank account refused (${viewport})`);
        await form.getByLabel('Test account — clears').check();
        await pay.click();
        await dialog.waitFor({ state: 'detached' });
        await details.getByText('Status: Paid', { exact: true }).waitFor();
        await details.getByText(/^Thank you: your payment of .+ was received\. .+ is paid in full\./).waitFor();
        const ledger = page.getByRole('region', { name: 'Payments, refunds and credits' });
        await ledger.getByText(/^ACH bank debit · pi_/).waitFor();
        if (viewport === 'mobile') await assertNoSideScroll(page, 'an invoice paid by bank account');
        await checkA11y(page, `an invoice paid by bank account (${viewport})`);
        const paid = await dana.call('GET', `/api/v1/tenants/${clears.tenant}/invoices/${clears.id}`);
        assert.equal(paid.body.status, 'paid');
        const entries = (await dana.call('GET', `/api/v1/tenants/${clears.tenant}/invoices/${clears.id}/payments`)).body.items;
        assert.deepEqual(
          entries.filter((e) => e.kind === 'payment').map((e) => [e.method, e.amount]),
          [['ach', '400.00']],
        );

        // The one still clearing: on its way, not an error; the invoice is not paid until it clears.
        ({ details, dialog } = await openPay(page, clearing));
        form = await chooseBank(page, dialog);
        await form.getByLabel('Test account — still clearing').check();
        await form.getByRole('button', { name: /^Pay / }).click();
        await dialog.waitFor({ state: 'detached' });
        const note = details.getByText(ON_ITS_WAY, { exact: true });
        await note.waitFor();
        assert.equal(await note.getAttribute('role'), 'status');
        assert.doesNotMatch(await note.getAttribute('class'), /alert--error/);
        await details.getByText('Status: Viewed', { exact: true }).waitFor();
        const after = await dana.call('GET', `/api/v1/tenants/${clearing.tenant}/invoices/${clearing.id}`);
        assert.deepEqual([after.body.status, after.body.paid], ['viewed', '0.00']);
        if (viewport === 'mobile') await assertNoSideScroll(page, 'a bank payment on its way');
        await screenshot(page, `invoice-ach-on-its-way-${size}`);
        await checkA11y(page, `a bank payment on its way (${viewport})`);
        // Paying again meanwhile: the payment on its way is said, and nothing else is offered.
        ({ dialog, checkout } = await openPay(page, clearing));
        assert.equal(checkout.status(), 409);
        const still = dialog.getByText(STILL_CLEARING, { exact: true });
        await still.waitFor();
        assert.equal(await still.getAttribute('role'), 'status');
        assert.equal(await dialog.getByLabel('Card number').count(), 0);
        await checkA11y(page, `paying again while a bank payment clears (${viewport})`);
        await dialog.getByRole('button', { name: 'Close' }).click();
        await dialog.waitFor({ state: 'detached' });

        // A EUR invoice: cards only, no choice offered.
        ({ dialog, checkout } = await openPay(page, euro));
        assert.deepEqual((await checkout.json()).methods, ['card']);
        await dialog.getByLabel('Card number').waitFor();
        assert.equal(await dialog.getByRole('group', { name: 'Pay with' }).count(), 0);
        assert.equal(await dialog.getByLabel('Bank account (ACH)').count(), 0);
        await dialog.getByLabel('Keep this card for automatic payments').waitFor();
        await checkA11y(page, `the pay dialog of a EUR invoice (${viewport})`);
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.waitFor({ state: 'detached' });
      } finally {
        await page.context().close();
        // Left open, they would crowd the pending invoices of the specs after this one.
        await voidIfOpen(pat, euro.tenant, euro.id);
        await voidIfOpen(pat, clearing.tenant, clearing.id);
      }
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`staff bill a direct client's billable time; the client never sees it (${viewport})`, async () => {
      const kt = staff.me.user.tenant;
      const host = login('staff@kre8ivtech.test').host;
      const subject = `Move the shop to the new host (${viewport})`;
      const note = `Moved the files (${viewport})`;
      const ticket = await fileTicket(drew, { subject });
      assert.equal(ticket.tenant_id, kt);
      const timePath = `/api/v1/tenants/${kt}/tickets/${ticket.id}/time-entries`;
      const logged = [];
      for (const body of [
        { minutes: 90, billable: true, note },
        { minutes: 20, billable: false, note: `Waited on the host (${viewport})` },
      ]) {
        const res = await staff.call('POST', timePath, body);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        logged.push(res.body.id);
      }
      const [billable] = logged;
      let invoiceId;

      const page = await openPage(browser, viewport);
      try {
        await signIn(page, 'staff@kre8ivtech.test');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await page.goto(`${host}/invoices/new`);
        await page.getByRole('heading', { level: 1, name: 'New invoice' }).waitFor();
        await page.getByLabel('Bill to').selectOption({ label: 'Direct Client Co' });
        await page.getByLabel('Currency', { exact: true }).selectOption('USD');

        // Link the ticket; its billable time is offered (not the unbillable), and ticked.
        const tickets = page.getByRole('region', { name: 'Tickets' });
        const pick = tickets.getByLabel('Link a ticket');
        await pick.selectOption({ label: `${ticket.number}: ${subject}` });
        await tickets.getByRole('button', { name: 'Link ticket' }).click();
        await tickets.getByRole('list', { name: 'Linked tickets' }).getByRole('link', { name: ticket.number }).waitFor();
        const time = page.getByRole('region', { name: 'Billable time' });
        const sheet = time.getByRole('group', { name: `${ticket.number}: ${subject}` });
        const entry = sheet.getByLabel(new RegExp(`^1 h 30 min on .+ · ${note.replace(/[()]/g, '\\$&')}$`));
        await entry.waitFor();
        assert.equal(await sheet.getByText('Waited on the host', { exact: false }).count(), 0, 'unbillable time is not offered');
        await entry.check();
        await time.getByText('Chosen: 1 h 30 min (1.5 h)', { exact: false }).waitFor();
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the invoice editor with tickets and time');
        await checkA11y(page, `the invoice editor with billable time (${viewport})`);

        // Its line, priced.
        await time.getByRole('button', { name: 'Add a line for the chosen time' }).click();
        const line = page.getByRole('group', { name: 'Line 1' });
        assert.equal(await line.getByLabel('Description').inputValue(), `Time: ${subject}, 1.5 h`);
        assert.equal(await line.getByLabel('Quantity').inputValue(), '1.50');
        const price = line.getByLabel(/^Unit price/);
        assert.equal(await price.evaluate((e) => e === document.activeElement), true, 'the keyboard is on the price');
        await price.fill('120');
        await page.getByRole('region', { name: 'Totals' }).getByText('180.00', { exact: false }).first().waitFor();
        await screenshot(page, `invoice-editor-time-${viewport}`);
        const saved = page.waitForResponse((r) => /\/invoices$/.test(r.url()) && r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Save draft' }).click();
        const made = await saved;
        assert.equal(made.status(), 201);
        const draft = await made.json();
        invoiceId = draft.id;
        assert.deepEqual(draft.ticket_ids, [ticket.id]);
        assert.deepEqual(
          draft.time_entries.map((e) => [e.entry_id, e.minutes]),
          [[billable, 90]],
        );

        // The draft lists the time it bills, its ticket linked.
        await page.getByRole('heading', { level: 1, name: 'Draft invoice' }).waitFor();
        const billed = page.getByRole('region', { name: 'Billed time' });
        const row = billed.getByRole('row').filter({ hasText: ticket.number });
        await row.getByRole('link', { name: ticket.number }).waitFor();
        assert.equal(await row.getByRole('link', { name: ticket.number }).getAttribute('href'), `/tickets/${kt}/${ticket.id}`);
        await row.getByText('1 h 30 min', { exact: true }).waitFor();
        await billed.getByText('Total: 1 h 30 min (1.5 h)', { exact: false }).waitFor();
        if (viewport === 'mobile') await assertNoSideScroll(page, 'an invoice with billed time');
        await checkA11y(page, `an invoice with billed time (${viewport})`);
        await page.getByRole('button', { name: 'Send…' }).click();
        await page.getByRole('button', { name: 'Send to Direct Client Co now' }).click();
        const heading = page.getByRole('heading', { level: 1, name: /^Invoice / });
        await heading.waitFor();
        const number = (await heading.innerText()).replace(/^Invoice /, '');
        await billed.waitFor();

        // The ticket's time card: the entry is Billed, linked to the invoice, and cannot be removed.
        await page.goto(`${host}/tickets/${kt}/${ticket.id}`);
        await page.getByRole('heading', { level: 1, name: `${ticket.number}: ${subject}` }).waitFor();
        const card = page.getByRole('region', { name: 'Time' });
        const badge = card.getByRole('link', { name: /^Billed/ });
        await badge.waitFor();
        assert.equal(await badge.innerText(), 'Billed');
        assert.equal(await badge.getAttribute('href'), `/invoices/${kt}/${invoiceId}`);
        assert.equal(await card.getByRole('button', { name: /^Remove 1 h 30 min on / }).count(), 0);
        await card.getByRole('button', { name: /^Remove 20 min on / }).waitFor();
        if (viewport === 'mobile') await assertNoSideScroll(page, 'a ticket with billed time');
        await screenshot(page, `ticket-time-billed-${viewport}`);
        await checkA11y(page, `a ticket with billed time (${viewport})`);
        const removed = await staff.call('DELETE', `${timePath}/${billable}`);
        assert.equal(removed.status, 409, 'billed time cannot be removed');

        // The client reads the invoice and its lines, never the time.
        const client = await openPage(browser, viewport);
        try {
          await signIn(client, 'drew@directclient.test');
          await client.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
          await client.goto(`${login('drew@directclient.test').host}/invoices/${kt}/${invoiceId}`);
          await client.getByRole('heading', { level: 1, name: `Invoice ${number}` }).waitFor();
          await client
            .getByRole('region', { name: 'Invoice lines' })
            .getByRole('rowheader', { name: `Time: ${subject}, 1.5 h` })
            .waitFor();
          assert.equal(await client.getByRole('region', { name: 'Billed time' }).count(), 0);
          assert.equal((await client.content()).includes(billable), false, 'the entry is not named to the client');
          await checkA11y(client, `a time invoice, billed side (${viewport})`);
        } finally {
          await client.context().close();
        }
        const seen = await drew.call('GET', `/api/v1/tenants/${kt}/invoices/${invoiceId}`);
        assert.equal(seen.status, 200);
        assert.deepEqual(seen.body.time_entries, []);
      } finally {
        await page.context().close();
        // Voided, the invoice gives its time back; then the time goes, and the ticket is closed.
        if (invoiceId) await voidIfOpen(staff, kt, invoiceId);
        if (invoiceId) {
          const draft = await staff.call('GET', `/api/v1/tenants/${kt}/invoices/${invoiceId}`);
          if (draft.body?.status === 'draft') await staff.call('DELETE', `/api/v1/tenants/${kt}/invoices/${invoiceId}`);
        }
        for (const id of logged) await staff.call('DELETE', `${timePath}/${id}`);
        await staff.call('PATCH', `/api/v1/tenants/${kt}/tickets/${ticket.id}`, { status: 'closed' });
      }
    });
  }
});
