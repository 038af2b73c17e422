// Quotes, at phone and desktop size with the axe check on each screen: a client asks for a
// service; the partner writes a quote from the request (a required item, an optional extra, a
// package of two alternatives) and sends it; the client changes the choice (the total follows),
// types their name and accepts; the acceptance record carries a SHA-256; the request is
// approved and the partner finds the invoice of exactly the chosen items. Then the quotes list
// (from the navigation, both sides), an item taxed with the tenant's rate, a deposit (a field
// error first), the quote as a PDF, and an acceptance that sends the deposit and balance invoices.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const CLIENT = 'dana@globex.test';

describe('quotes', () => {
  let browser;
  let dana;

  before(async () => {
    browser = await launch();
    dana = await apiAs(CLIENT);
  });
  after(async () => {
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`the partner quotes a request, the client chooses and accepts (${viewport})`, async () => {
      const title = `Faster checkout ${viewport} ${Date.now()}`;
      const tenant = dana.me.user.tenant;
      const asked = await dana.call('POST', `/api/v1/tenants/${tenant}/service-requests`, {
        service_type: 'maintenance',
        org_id: dana.me.organizations[0].id,
        title,
        details: 'Checkout takes 8 seconds.',
      });
      assert.equal(asked.status, 201, JSON.stringify(asked.body));
      const requestPath = `/service-requests/${tenant}/${asked.body.id}`;

      // The partner writes the quote from the request and sends it.
      const partner = await openPage(browser, viewport);
      const pwho = await signIn(partner, PARTNER);
      await partner.getByRole('navigation', { name: 'Main' }).waitFor();
      await partner.goto(`${pwho.host}${requestPath}`);
      await partner.getByRole('link', { name: 'Write a quote' }).click();
      assert.equal(await partner.getByLabel('Title').inputValue(), title);
      const item = (n) => partner.getByRole('group', { name: `Item ${n}` });
      const fill = async (n, description, price, kind, group) => {
        await item(n).getByLabel('Description').fill(description);
        await item(n).getByLabel('Unit price').fill(price);
        if (kind) await item(n).getByLabel('Chosen how').selectOption(kind);
        if (group) await item(n).getByLabel('Package name').fill(group);
      };
      await fill(1, 'Fix the checkout', '400');
      await partner.getByRole('button', { name: 'Add item' }).click();
      await fill(2, 'Monthly care', '80', 'optional');
      await item(2).getByLabel('Ticked to begin with').check();
      await partner.getByRole('button', { name: 'Add item' }).click();
      await fill(3, 'Basic speed-up', '150', 'package', 'Speed');
      await partner.getByRole('button', { name: 'Add item' }).click();
      await fill(4, 'Pro speed-up', '350', 'package', 'Speed');
      await checkA11y(partner, `the quote editor (${viewport})`);
      await assertNoSideScroll(partner, `the quote editor (${viewport})`);
      await partner.getByRole('button', { name: 'Save draft' }).click();
      await partner.getByRole('button', { name: 'Send to the client' }).click();
      await partner.getByText('Sent', { exact: true }).waitFor();
      const quoteUrl = partner.url();

      // The client opens it from the request, changes the choice and accepts.
      const client = await openPage(browser, viewport);
      const cwho = await signIn(client, CLIENT);
      await client.getByRole('navigation', { name: 'Main' }).waitFor();
      await client.goto(`${cwho.host}${requestPath}`);
      await client.getByText('Quoted', { exact: true }).waitFor();
      await client.getByRole('link', { name: 'View the quote' }).click();
      const total = client.locator('.quote-total strong');
      assert.equal(await total.innerText(), '630.00');
      await client.getByLabel('Pro speed-up').check();
      await client.getByLabel('Monthly care').uncheck();
      assert.equal(await total.innerText(), '750.00');
      await checkA11y(client, `a quote to accept (${viewport})`);
      await assertNoSideScroll(client, `a quote to accept (${viewport})`);
      await client.getByRole('button', { name: 'Accept quote' }).click();
      await client.getByText('Type your full name to accept.').waitFor();
      await client.getByLabel('Your full name').fill('Dana Scully');
      await client.getByRole('button', { name: 'Accept quote' }).click();
      const record = client.getByRole('region', { name: 'Acceptance' });
      await record.getByText('Dana Scully').waitFor();
      assert.match(await record.locator('.quote-hash').innerText(), /^[0-9a-f]{64}$/);
      await client.getByText('Thank you. Your invoice will follow.').waitFor();
      await checkA11y(client, `an accepted quote (${viewport})`);

      // The request is approved; the partner finds the invoice of exactly that choice.
      await partner.goto(`${pwho.host}${requestPath}`);
      await partner.getByText('Converted to a project', { exact: true }).waitFor();
      await partner.goto(quoteUrl);
      await partner.getByRole('link', { name: 'Its invoice' }).click();
      await partner.waitForURL(/\/invoices\//);
      await partner.getByRole('region', { name: 'Acceptance' }).waitFor({ state: 'detached' });
      await partner.getByText('Pro speed-up').first().waitFor();
      assert.equal(
        await partner.getByText('Monthly care').count(),
        0,
        `the extra left out is not billed: ${await partner.locator('main').innerText()}`,
      );

      // The project it became: the partner plans a milestone and ticks it; the client sees it.
      await partner.goto(`${pwho.host}${requestPath}`);
      await partner.getByRole('link', { name: 'View the project' }).click();
      await partner.getByRole('heading', { name: title }).waitFor();
      await partner.getByRole('button', { name: 'Edit project' }).click();
      await partner.getByLabel('Status').selectOption('active');
      await partner.getByRole('button', { name: 'Add milestone' }).click();
      await partner.getByLabel('Milestone 1').fill('Checkout under 2 seconds');
      await partner.getByLabel('Due').fill('2027-02-01');
      await partner.getByRole('button', { name: 'Save project' }).click();
      await partner.getByLabel('Checkout under 2 seconds').check();
      await partner.getByText('1 of 1 milestones done').waitFor();
      await checkA11y(partner, `a project (${viewport})`);
      await assertNoSideScroll(partner, `a project (${viewport})`);
      await client.goto(`${cwho.host}/`);
      const card = client.getByRole('region', { name: 'Project status' });
      await card.getByRole('link', { name: title }).waitFor();
      await card
        .getByRole('listitem')
        .filter({ hasText: title })
        .getByText(/1 of 1 milestones done/)
        .waitFor();
      for (const p of [client, partner]) await p.context().close();
    });
  }
});

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
}

/** Quotes from the navigation: the header's on a desktop, the phone's "More" menu on a phone. */
async function openQuotes(page, viewport) {
  if (viewport === 'mobile') {
    const bar = page.getByRole('navigation', { name: 'Main (phone)' });
    await bar.getByRole('button', { name: 'More' }).tap();
    await bar.getByRole('link', { name: 'Quotes', exact: true }).tap();
  } else {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quotes', exact: true }).click();
  }
  await page.getByRole('heading', { level: 1, name: 'Quotes', exact: true }).waitFor();
}

describe('the quotes list, taxes, deposits and the PDF', () => {
  const RATE = 'E2E sales tax';
  let browser;
  let pat;
  let tenant;
  let rates;
  const settings = () => `/api/v1/tenants/${tenant}/billing/settings`;
  const keep = (r) => ({ id: r.id, name: r.name, percent: r.percent, inclusive: r.inclusive, compound: r.compound });

  before(async () => {
    browser = await launch();
    pat = await apiAs(PARTNER);
    tenant = pat.me.user.tenant;
    // A tax rate to tick on an item, taken away again afterwards.
    rates = (await pat.call('GET', settings())).body.tax_rates.map(keep);
    const added = await pat.call('PATCH', settings(), { tax_rates: [...rates, { name: RATE, percent: '20' }] });
    assert.equal(added.status, 200, JSON.stringify(added.body));
  });
  after(async () => {
    if (pat) await pat.call('PATCH', settings(), { tax_rates: rates });
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`the partner lists, taxes and asks a deposit; the client accepts and opens both invoices (${viewport})`, async () => {
      const title = `Care plan ${viewport} ${Date.now()}`;
      const danaOrg = (await apiAs(CLIENT)).me.organizations[0];

      // The partner finds the quotes in the navigation and starts a new one there.
      const partner = await openPage(browser, viewport);
      await signIn(partner, PARTNER);
      await partner.getByRole('navigation', { name: 'Main' }).first().waitFor();
      await openQuotes(partner, viewport);
      const table = partner.getByRole('table', { name: 'Quotes' });
      await table.getByRole('row').nth(1).waitFor();
      await checkA11y(partner, `the quotes list, issuer side (${viewport})`);
      await assertNoSideScroll(partner, `the quotes list, issuer side (${viewport})`);
      await partner.getByRole('link', { name: 'New quote' }).click();
      await partner.getByRole('heading', { level: 1, name: 'New quote' }).waitFor();
      await partner.getByLabel('For', { exact: true }).selectOption(danaOrg.id);
      await partner.getByLabel('Title').fill(title);
      const item = partner.getByRole('group', { name: 'Item 1' });
      await item.getByLabel('Description').fill('Monthly care, first year');
      await item.getByLabel('Unit price').fill('1000');
      await item.getByRole('group', { name: 'Taxes' }).getByLabel(`${RATE} 20%`).check();

      // A deposit the server refuses is said at its field; then one it takes.
      await partner.getByLabel('Ask for a deposit when the client accepts').check();
      const percent = partner.getByLabel('Deposit (%)');
      await percent.fill('95');
      await partner.getByLabel('Balance in monthly instalments').fill('3');
      await partner.getByRole('button', { name: 'Save draft' }).click();
      await partner.getByText('Enter a deposit of 1 to 90 percent, with at most two decimals.').waitFor();
      assert.equal(await percent.getAttribute('aria-invalid'), 'true');
      await checkA11y(partner, `the quote editor with a deposit error (${viewport})`);
      await assertNoSideScroll(partner, `the quote editor with taxes and a deposit (${viewport})`);
      await percent.fill('30');
      await partner.getByRole('button', { name: 'Save draft' }).click();
      await partner.getByRole('heading', { level: 1, name: title }).waitFor();
      await partner.getByText('30% on acceptance, the balance in 3 monthly instalments').waitFor();
      assert.equal(await partner.locator('.quote-total strong').innerText(), '1200.00', 'the item with its tax');
      await assertPdf(partner, partner.getByRole('link', { name: `Download PDF of the quote ${title}` }), 'the draft quote');
      await partner.getByRole('button', { name: 'Send to the client' }).click();
      await partner.getByText('Sent', { exact: true }).waitFor();

      // The list shows it with its organization, status, total and validity.
      await openQuotes(partner, viewport);
      const row = partner.getByRole('row').filter({ has: partner.getByRole('link', { name: title }) });
      await row.waitFor();
      const text = await row.innerText();
      for (const part of [danaOrg.name, 'Sent', '1,200.00']) assert.ok(text.includes(part), `the row says ${part}: ${text}`);
      await screenshot(partner, `quotes-list-${viewport}`);

      // The client finds it in their list, reads the PDF, accepts and opens both invoices.
      const client = await openPage(browser, viewport);
      await signIn(client, CLIENT);
      await client.getByRole('navigation', { name: 'Main' }).first().waitFor();
      await openQuotes(client, viewport);
      await client.getByRole('table', { name: 'Quotes' }).getByRole('link', { name: title }).waitFor();
      await checkA11y(client, `the quotes list, client side (${viewport})`);
      await assertNoSideScroll(client, `the quotes list, client side (${viewport})`);
      await client.getByRole('link', { name: title }).click();
      await client.getByText('Accepting asks for a deposit: 30% on acceptance, the balance in 3 monthly instalments.').waitFor();
      await assertPdf(client, client.getByRole('link', { name: `Download PDF of the quote ${title}` }), 'the sent quote');
      await client.getByLabel('Your full name').fill('Dana Scully');
      await client.getByRole('button', { name: 'Accept quote' }).click();
      const record = client.getByRole('region', { name: 'Acceptance' });
      await record.getByRole('link', { name: 'The balance invoice' }).waitFor();
      await checkA11y(client, `an accepted quote with a deposit (${viewport})`);
      await assertNoSideScroll(client, `an accepted quote with a deposit (${viewport})`);
      await screenshot(client, `quote-accepted-deposit-${viewport}`);
      await record.getByRole('link', { name: 'The deposit invoice' }).click();
      await client.waitForURL(/\/invoices\//);
      await client.getByRole('link', { name: /^Download PDF of invoice / }).waitFor();
      for (const p of [client, partner]) await p.context().close();
    });
  }
});
