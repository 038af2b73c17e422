// Quotes, at phone and desktop size with the axe check on each screen: a client asks for a
// service; the partner writes a quote from the request (a required item, an optional extra, a
// package of two alternatives) and sends it; the client changes the choice (the total follows),
// types their name and accepts; the acceptance record carries a SHA-256; the request is
// approved and the partner finds the invoice of exactly the chosen items.
import { before, after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, signIn } from '../lib/portal.mjs';

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
