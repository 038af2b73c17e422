// The billing screens the other invoice specs leave out, at phone and desktop size with the axe
// check on every screen. The super admin changes Kre8ivTech's default payment terms (Net 30 to
// Net 15), adds a late fee and a tax rate, each refused first with the server's message at its
// field, and finds them saved after a reload. A partner sees its portal's payment connection and
// a malformed Stripe key refused at its field; a new partner connects its Stripe account and the
// secret keys are never shown back (no request leaves the machine). The dashboards' invoice
// widgets hold real figures: the client's pending invoices and the "Pay invoice" quick action,
// the partner's revenue overview and "View invoices", the super admin's MRR, ARR and overdue
// invoices, each figure held to what the API says. What a test arranges it undoes, so the specs
// after it find the demo as it was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, apiSession, assertNoSideScroll, checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

const OPEN = ['sent', 'viewed', 'partial', 'overdue'];

/** A day `n` days from now, as the API takes it. */
const dayFrom = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** An amount ("1234.5", "-3") in hundredths, exactly. */
const cents = (amount) => {
  const [whole, frac = ''] = String(amount).replace('-', '').split('.');
  return (String(amount).startsWith('-') ? -1n : 1n) * (BigInt(whole) * 100n + BigInt(`${frac}00`.slice(0, 2)));
};
/** The digits of an amount as shown ("$1,234.50", "1.234,50 €"), to hold against the API's. */
const digits = (text) => text.replace(/\D/g, '');
const digitsOfCents = (c) => `${c / 100n}${String(c % 100n).padStart(2, '0')}`;

/** What the revenue overview shows from the totals endpoint in one currency: paid, outstanding, overdue. */
function figures(totals, currency) {
  const rows = totals.filter((t) => t.currency === currency && t.count > 0);
  const pick = (keep) => {
    const picked = rows.filter((r) => keep(r.status));
    return { count: picked.reduce((n, r) => n + r.count, 0), cents: picked.reduce((n, r) => n + cents(r.amount), 0n) };
  };
  return {
    Paid: pick((s) => s === 'paid'),
    Outstanding: pick((s) => OPEN.includes(s)),
    Overdue: pick((s) => s === 'overdue'),
  };
}

const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value next to the term `term` in a figures list (a `dl`). */
const figure = (list, term) =>
  list
    .locator('dt')
    .filter({ hasText: new RegExp(`^${literal(term)}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();

/** Holds the "Invoices sent" figures of a revenue widget to the tenant's invoice totals. */
async function assertInvoiceFigures(region, api, tenant) {
  const { totals } = (await api.call('GET', `/api/v1/tenants/${tenant}/invoices/totals`)).body;
  const currencies = [...new Set(totals.filter((t) => t.count > 0).map((t) => t.currency))];
  assert.ok(currencies.length > 0, 'invoices were sent');
  for (const currency of currencies) {
    const list = region.locator(`dl[aria-label="Invoices in ${currency}"]`);
    for (const [term, f] of Object.entries(figures(totals, currency))) {
      assert.equal(digits(await figure(list, `${term} (${f.count})`)), digitsOfCents(f.cents), `${term} in ${currency}`);
    }
  }
  return totals;
}

/** Holds the recurring figures (MRR, ARR, schedules) of a revenue widget to the revenue endpoint. */
async function assertRecurringFigures(region, api, tenant) {
  const { items } = (await api.call('GET', `/api/v1/tenants/${tenant}/billing/revenue`)).body;
  const active = items.filter((r) => r.schedules > 0);
  assert.ok(active.length > 0, JSON.stringify(items));
  for (const r of active) {
    const list = region.locator(`dl[aria-label="Recurring revenue in ${r.currency}"]`);
    assert.equal(digits(await figure(list, 'MRR')), digits(Number(r.mrr).toFixed(2)), `MRR in ${r.currency}`);
    assert.equal(digits(await figure(list, 'ARR')), digits(Number(r.arr).toFixed(2)), `ARR in ${r.currency}`);
    assert.equal(await figure(list, 'Active schedules'), String(r.schedules));
  }
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

/** The field is marked invalid and says `message` (the server's, worded for people). */
async function assertFieldError(field, message, where) {
  await field.and(field.page().locator('[aria-invalid="true"]')).waitFor();
  assert.match(await describedBy(field), new RegExp(literal(message)), where);
}

/** Aborts, and records, any request leaving the machine (Stripe.js and the like). */
async function stayLocal(page) {
  const outside = [];
  await page.context().route(
    (url) => !/^(.+\.)?localhost$|^127\.0\.0\.1$/.test(url.hostname),
    (route) => {
      outside.push(route.request().url());
      return route.abort();
    },
  );
  return outside;
}

/** Every sent-but-unpaid invoice a client may pay (all pages of their list). */
async function payableOf(client) {
  const items = [];
  let cursor = '';
  do {
    const page = await client.call('GET', `/api/v1/tenants/${client.me.user.tenant}/invoices?limit=100${cursor && `&cursor=${cursor}`}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    items.push(...page.body.items);
    cursor = page.body.next_cursor ?? '';
  } while (cursor);
  return items.filter((i) => OPEN.includes(i.status) && cents(i.balance) > 0n);
}

describe('billing screens', () => {
  let browser;
  let admin;
  let pat;
  let dana;
  before(async () => {
    browser = await launch();
    admin = await apiAs('admin@kre8ivtech.test');
    pat = await apiAs('pat@acme-agency.test');
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  /** An invoice `issuer` sends to the organization `orgId` for `price`; `paid` records it paid in full. */
  async function sendInvoice(issuer, orgId, description, price, paid = false) {
    const tenant = issuer.me.user.tenant;
    const drafted = await issuer.call('POST', `/api/v1/tenants/${tenant}/invoices`, {
      billed: { org_id: orgId },
      lines: [{ description, quantity: '1', unit_price: price }],
    });
    assert.equal(drafted.status, 201, JSON.stringify(drafted.body));
    const sent = await issuer.call('POST', `/api/v1/tenants/${tenant}/invoices/${drafted.body.id}/send`);
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    if (paid) {
      const payment = { amount: sent.body.balance, method: 'bank_transfer', reference: description };
      const recorded = await issuer.call('POST', `/api/v1/tenants/${tenant}/invoices/${drafted.body.id}/payments`, payment);
      assert.equal(recorded.status, 201, JSON.stringify(recorded.body));
    }
    return { id: drafted.body.id, number: sent.body.number, balance: sent.body.balance };
  }
  const voidInvoice = async (issuer, id) => {
    const res = await issuer.call('POST', `/api/v1/tenants/${issuer.me.user.tenant}/invoices/${id}/void`, {
      reason: 'Made by the e2e tests.',
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  /** An active monthly recurring invoice starting in a month (nothing is sent meanwhile). */
  async function startRecurring(issuer, orgId, price) {
    const made = await issuer.call('POST', `/api/v1/tenants/${issuer.me.user.tenant}/recurring-invoices`, {
      billed: { org_id: orgId },
      lines: [{ description: 'Care plan (e2e)', quantity: '1', unit_price: price }],
      frequency: 'monthly',
      start_on: dayFrom(30),
      auto_send: false,
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    return made.body.id;
  }
  const stopRecurring = async (issuer, id) => {
    const res = await issuer.call('DELETE', `/api/v1/tenants/${issuer.me.user.tenant}/recurring-invoices/${id}`);
    assert.equal(res.status, 204, JSON.stringify(res.body));
  };
  /**
   * A partner tenant of its own, made once (the API deletes no tenant) and left disconnected:
   * connecting valid keys to Acme would replace the local stand-in the other specs pay through.
   */
  let keys;
  async function keysAgency() {
    if (!keys) {
      const slug = `keys${Date.now().toString(36)}`;
      const made = await admin.call('POST', '/api/v1/tenants', {
        name: 'Keys Agency',
        slug,
        ticket_prefix: `KY${String.fromCharCode(65 + (Date.now() % 26))}`,
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const kim = {
        host: login('pat@acme-agency.test').host.replace('//acme.', `//${slug}.`),
        email: `kim@${slug}.test`,
        password: 'Keys-Agency-Partner-2026',
      };
      const owner = { email: kim.email, name: 'Kim Keys', role: 'partner', orgs: [], password: kim.password };
      const created = await admin.call('POST', `/api/v1/tenants/${made.body.id}/users`, owner);
      assert.equal(created.status, 201, JSON.stringify(created.body));
      keys = { id: made.body.id, kim, kimApi: await apiSession(kim) };
    }
    // Not connected, however an earlier test ended.
    const gone = await keys.kimApi.call('DELETE', `/api/v1/tenants/${keys.id}/billing/stripe`);
    assert.ok([204, 404].includes(gone.status), JSON.stringify(gone.body));
    return keys;
  }
  const orgNamed = async (who, name) => {
    const orgs = await who.call('GET', `/api/v1/tenants/${who.me.user.tenant}/orgs?limit=100`);
    const org = orgs.body.items.find((o) => o.name === name);
    assert.ok(org, `no organization ${name}`);
    return org.id;
  };

  for (const viewport of ['mobile', 'desktop']) {
    it(`the super admin sets default terms, a late fee and a tax rate (${viewport})`, async () => {
      const tenant = admin.me.user.tenant;
      const settingsPath = `/api/v1/tenants/${tenant}/billing/settings`;
      const rateName = `Sales tax (e2e ${viewport})`;
      const termsName = `Net 15 + 1.5% late (${viewport})`;
      // From the platform's default (Net 30) and no rate of this test's, however an earlier run ended.
      const original = (await admin.call('GET', settingsPath)).body;
      const keptRates = original.tax_rates.filter((r) => !r.name.startsWith('Sales tax (e2e'));
      const reset = await admin.call('PATCH', settingsPath, { terms: null, tax_rates: keptRates });
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.equal(reset.body.platform_terms.name, 'Net 30');
      const isSave = (r) => r.url().endsWith(settingsPath) && r.request().method() === 'PATCH';

      const page = await openPage(browser, viewport);
      try {
        await signIn(page, 'admin@kre8ivtech.test');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        await page.goto(`${login('admin@kre8ivtech.test').host}/admin/billing`);
        await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
        const terms = page.getByRole('region', { name: 'Default payment terms' });
        await terms.getByText('No default of its own: the platform’s (Net 30) applies.', { exact: false }).waitFor();
        const preset = terms.getByLabel('Payment terms');
        assert.equal(await preset.inputValue(), 'Net 30');
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `the billing settings (${viewport})`);

        // Net 30 to Net 15.
        await preset.selectOption({ label: 'Net 15' });
        await terms.getByRole('button', { name: 'Save default terms' }).click();
        await terms.getByText('Saved: Net 15.', { exact: true }).waitFor();
        await terms.getByText('This tenant’s own default.', { exact: false }).waitFor();
        assert.deepEqual((await admin.call('GET', settingsPath)).body.terms, {
          name: 'Net 15',
          due_days: 15,
          early_discount: null,
          late_fee: null,
          interest: null,
        });

        // A late fee: a negative percentage is refused at its field, which keeps what was typed.
        await preset.selectOption({ label: 'Custom…' });
        await terms.getByLabel('Name (optional)').fill(termsName);
        assert.equal(await terms.getByLabel('Days until due').inputValue(), '15');
        await terms.getByLabel('Charge a fee when payment is late').check();
        await terms.getByLabel('Fee', { exact: true }).selectOption('percent');
        const percent = terms.getByLabel('Percent', { exact: true });
        await percent.fill('-2');
        await terms.getByLabel('Grace days after the due date').fill('10');
        await terms.getByLabel('Repeat every (days)').fill('30');
        const refused = page.waitForResponse(isSave);
        await terms.getByRole('button', { name: 'Save default terms' }).click();
        assert.equal((await refused).status(), 422, 'the server refuses it');
        await assertFieldError(percent, 'Enter a percentage above 0 and at most 100.', 'the late fee percentage');
        assert.equal(await percent.inputValue(), '-2');
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the terms form with an error');
        await checkA11y(page, `the late fee with an error (${viewport})`);
        await percent.fill('1.5');
        await terms.getByRole('button', { name: 'Save default terms' }).click();
        await terms.getByText(`Saved: ${termsName}.`, { exact: true }).waitFor();

        // A tax rate: a negative percentage refused at its field, then saved.
        const taxes = page.getByRole('region', { name: 'Tax rates' });
        await taxes.getByRole('button', { name: 'Add tax rate' }).click();
        const added = taxes.getByRole('group', { name: `Rate ${keptRates.length + 1}` });
        await added.getByLabel('Name').fill(rateName);
        const rate = taxes.getByRole('group', { name: rateName });
        const ratePercent = rate.getByLabel('Percent', { exact: true });
        await ratePercent.fill('-5');
        const refusedRate = page.waitForResponse(isSave);
        await taxes.getByRole('button', { name: 'Save tax rates' }).click();
        assert.equal((await refusedRate).status(), 422, 'the server refuses it');
        await assertFieldError(ratePercent, 'Enter a percentage from 0 to 100, with at most 3 decimals.', 'the tax rate');
        assert.equal(await ratePercent.inputValue(), '-5');
        await checkA11y(page, `a tax rate with an error (${viewport})`);
        await ratePercent.fill('8.25');
        await taxes.getByRole('button', { name: 'Save tax rates' }).click();
        await taxes.getByText('Tax rates saved.', { exact: true }).waitFor();
        assert.equal(await ratePercent.getAttribute('aria-invalid'), null);

        const saved = (await admin.call('GET', settingsPath)).body;
        assert.deepEqual(saved.terms, {
          name: termsName,
          due_days: 15,
          early_discount: null,
          late_fee: { kind: 'percent', value: '1.5', grace_days: 10, repeat_days: 30 },
          interest: null,
        });
        const savedRate = saved.tax_rates.find((r) => r.name === rateName);
        assert.ok(savedRate, JSON.stringify(saved.tax_rates));
        assert.equal(Number(savedRate.percent), 8.25);

        // Still there after a reload.
        await page.reload();
        await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
        await terms.getByText('This tenant’s own default.', { exact: false }).waitFor();
        assert.equal(await preset.inputValue(), 'custom');
        assert.equal(await terms.getByLabel('Name (optional)').inputValue(), termsName);
        assert.equal(await terms.getByLabel('Days until due').inputValue(), '15');
        assert.equal(await terms.getByLabel('Charge a fee when payment is late').isChecked(), true);
        assert.equal(await percent.inputValue(), '1.5');
        assert.equal(await terms.getByLabel('Grace days after the due date').inputValue(), '10');
        assert.equal(await terms.getByLabel('Repeat every (days)').inputValue(), '30');
        assert.equal(Number(await ratePercent.inputValue()), 8.25);
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the billing settings');
        await screenshot(page, `billing-terms-${viewport}`);
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `the billing settings, saved (${viewport})`);
      } finally {
        await page.context().close();
        // Kre8ivTech's invoices are due as before for the specs after this one.
        const restored = await admin.call('PATCH', settingsPath, { terms: original.terms, tax_rates: keptRates });
        assert.equal(restored.status, 200, JSON.stringify(restored.body));
      }
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner's payment connection: keys checked, secrets never shown back (${viewport})`, async () => {
      const tenant = pat.me.user.tenant;
      const stripePath = (t) => `/api/v1/tenants/${t}/billing/stripe`;
      const acme = (await pat.call('GET', stripePath(tenant))).body;
      assert.equal(acme.provider, 'local', 'the demo pays through the local stand-in');

      // Acme's connection: shown, and a malformed key refused at its field. (Valid keys would
      // replace the demo's local stand-in, which the other specs pay through.)
      const page = await openPage(browser, viewport);
      const outside = await stayLocal(page);
      await signIn(page, 'pat@acme-agency.test');
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.goto(`${login('pat@acme-agency.test').host}/admin/billing`);
      await page.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
      const payments = page.getByRole('region', { name: 'Online payments' });
      await payments.getByText('Connected', { exact: true }).waitFor();
      assert.match(await figure(payments, 'Provider'), /^Local stand-in/);
      assert.equal(await figure(payments, 'Mode'), 'Test: no real money');
      assert.equal(await figure(payments, 'Publishable key'), acme.publishable_key);
      assert.match(await payments.getByLabel('Endpoint URL').inputValue(), new RegExp(`${acme.webhook_path}$`));
      const keyForm = payments.getByRole('form', { name: 'Replace the keys' });
      const secret = keyForm.getByLabel('Secret key');
      assert.equal(await secret.getAttribute('type'), 'password');
      assert.equal(await keyForm.getByLabel('Webhook signing secret').getAttribute('type'), 'password');
      await secret.fill('sk_oops');
      await keyForm.getByLabel('Webhook signing secret').fill('whsec_e2eNotSavedAnyway0001');
      await keyForm.getByLabel('Publishable key').fill('pk_test_e2eNotSavedAnyway0001');
      const refused = page.waitForResponse((r) => r.url().endsWith(stripePath(tenant)) && r.request().method() === 'PUT');
      await keyForm.getByRole('button', { name: 'Save the new keys' }).click();
      assert.equal((await refused).status(), 422, 'the server refuses it');
      await assertFieldError(secret, 'Paste the secret key (sk_live_… or sk_test_…) from Stripe’s dashboard.', 'the secret key');
      assert.equal(await keyForm.getByLabel('Publishable key').getAttribute('aria-invalid'), null);
      if (viewport === 'mobile') await assertNoSideScroll(page, 'the payment settings');
      await checkA11y(page, `a malformed Stripe key (${viewport})`);
      assert.deepEqual((await pat.call('GET', stripePath(tenant))).body, acme, 'nothing was changed');
      await page.context().close();

      // A partner of its own connects its account: the secrets go in and never come back.
      const { id: keysTenant, kim, kimApi } = await keysAgency();
      const run = `${viewport}${Date.now().toString(36)}`;
      const secrets = {
        secret_key: `sk_test_e2e${run}SecretKey`,
        webhook_secret: `whsec_e2e${run}Signing`,
        publishable_key: `pk_test_e2e${run}Publishable`,
      };

      const fresh = await openPage(browser, viewport);
      outside.push(...(await stayLocal(fresh)));
      await fresh.goto(`${kim.host}/sign-in`);
      await fresh.getByLabel('Email', { exact: true }).fill(kim.email);
      await fresh.getByLabel('Password', { exact: true }).fill(kim.password);
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      await fresh.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await fresh.goto(`${kim.host}/admin/billing`);
      await fresh.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
      const online = fresh.getByRole('region', { name: 'Online payments' });
      await online.getByText('Not connected', { exact: true }).waitFor();
      await online.getByText('(clients cannot pay online)', { exact: false }).waitFor();
      const connect = online.getByRole('form', { name: 'Connect your Stripe account' });
      await connect.getByLabel('Secret key').fill(secrets.secret_key);
      await connect.getByLabel('Webhook signing secret').fill(secrets.webhook_secret);
      await connect.getByLabel('Publishable key').fill(secrets.publishable_key);
      await checkA11y(fresh, `connecting Stripe (${viewport})`);
      await connect.getByRole('button', { name: 'Connect Stripe' }).click();
      await online.getByText('Connected to Stripe in test mode.', { exact: true }).waitFor();

      /** Connected as saved, with the secret fields empty and the secrets nowhere in the page. */
      const assertSealed = async (when) => {
        await online.getByText('Connected', { exact: true }).waitFor();
        assert.equal(await figure(online, 'Provider'), 'Stripe');
        assert.equal(await figure(online, 'Mode'), 'Test: no real money');
        assert.equal(await figure(online, 'Publishable key'), secrets.publishable_key);
        const replace = online.getByRole('form', { name: 'Replace the keys' });
        for (const label of ['Secret key', 'Webhook signing secret']) {
          const input = replace.getByLabel(label);
          assert.equal(await input.getAttribute('type'), 'password', `${label} is masked ${when}`);
          assert.equal(await input.inputValue(), '', `${label} is empty ${when}`);
        }
        const shown = await fresh.evaluate(() =>
          [document.documentElement.outerHTML, ...[...document.querySelectorAll('input, textarea')].map((e) => e.value)].join('\n'),
        );
        for (const key of ['secret_key', 'webhook_secret']) {
          assert.equal(shown.includes(secrets[key]), false, `the ${key} is not in the page ${when}`);
        }
      };
      await assertSealed('after saving');
      if (viewport === 'mobile') await assertNoSideScroll(fresh, 'the payment settings, connected');
      await screenshot(fresh, `billing-stripe-${viewport}`);
      await checkA11y(fresh, `Stripe connected (${viewport})`);
      await fresh.reload();
      await fresh.getByRole('heading', { level: 1, name: 'Billing' }).waitFor();
      await assertSealed('after a reload');
      const read = await kimApi.call('GET', stripePath(keysTenant));
      assert.equal(read.body.provider, 'stripe');
      for (const key of ['secret_key', 'webhook_secret']) {
        assert.equal(JSON.stringify(read.body).includes(secrets[key]), false, `the API does not give the ${key} back`);
      }

      // Disconnected: said, and clients cannot pay online.
      await online.getByRole('button', { name: 'Disconnect…' }).click();
      await online.getByRole('button', { name: 'Disconnect now' }).click();
      await online.getByText('Not connected', { exact: true }).waitFor();
      assert.equal((await kimApi.call('GET', stripePath(keysTenant))).body.connected, false);
      await fresh.context().close();
      assert.deepEqual(outside, [], 'no request left the machine');
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client's pending invoices and the Pay invoice quick action (${viewport})`, async () => {
      const globex = dana.me.organizations[0].id;
      const price = `${300 + (Date.now() % 500)}.${viewport === 'mobile' ? '13' : '27'}`;
      const open = await sendInvoice(pat, globex, `Pending on the dashboard (${viewport})`, price);
      const paid = await sendInvoice(pat, globex, `Paid already (${viewport})`, '45.00', true);
      const page = await openPage(browser, viewport);
      try {
        const payable = await payableOf(dana);
        const numbers = new Set(payable.map((i) => i.number));
        assert.ok(numbers.has(open.number) && !numbers.has(paid.number), JSON.stringify([...numbers]));

        await signIn(page, 'dana@globex.test');
        await page.getByRole('heading', { level: 1, name: 'Hello, Dana' }).waitFor();
        const pending = page.getByRole('region', { name: 'Pending invoices' });
        await pending.getByRole('listitem').first().waitFor();
        // At most five, the most urgent first, with what is left to pay; paid ones are not there.
        const rows = await pending.getByRole('listitem').all();
        assert.equal(rows.length, Math.min(payable.length, 5));
        const shown = [];
        for (const row of rows) {
          const link = row.getByRole('link');
          const number = await link.innerText();
          const invoice = payable.find((i) => i.number === number);
          assert.ok(invoice, `${number} is one to pay`);
          assert.equal(await link.getAttribute('href'), `/invoices/${dana.me.user.tenant}/${invoice.id}`);
          assert.match(await row.innerText(), /\d\s*(due |to pay)/);
          assert.equal(digits((await row.locator('strong').innerText()).trim()), digitsOfCents(cents(invoice.balance)));
          shown.push(number);
        }
        assert.equal(shown.includes(paid.number), false, 'a paid invoice is not pending');
        if (payable.length <= 5) assert.ok(shown.includes(open.number), `${open.number} is listed`);
        else await pending.getByRole('link', { name: `See all ${payable.length} invoices to pay` }).waitFor();
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the client dashboard with invoices');
        await screenshot(page, `dashboard-client-invoices-${viewport}`);
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `the client dashboard with pending invoices (${viewport})`);

        // "Pay invoice" opens the most urgent, which she can pay.
        const pay = page.getByRole('navigation', { name: 'Quick actions' }).getByRole('link', { name: 'Pay invoice' });
        assert.equal(await pay.getAttribute('href'), await rows[0].getByRole('link').getAttribute('href'));
        await pay.click();
        await page.getByRole('heading', { level: 1, name: `Invoice ${shown[0]}` }).waitFor();
        const details = page.getByRole('region', { name: 'Invoice details' });
        await details.getByRole('button', { name: 'Pay', exact: true }).waitFor();
        assert.equal(await details.getByText('Status: Paid', { exact: true }).count(), 0);
        await checkA11y(page, `the invoice the quick action opened (${viewport})`);
      } finally {
        await page.context().close();
        // Left open, it would crowd the pending invoices of the specs after this one.
        await voidInvoice(pat, open.id);
      }
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner's revenue overview and the View invoices quick action (${viewport})`, async () => {
      const tenant = pat.me.user.tenant;
      // Billed to Initech, so Globex's pending invoices (of other specs) stay as they are.
      const initech = await orgNamed(pat, 'Initech');
      const paid = await sendInvoice(pat, initech, `Audit, paid (${viewport})`, '640.50', true);
      const open = await sendInvoice(pat, initech, `Audit, open (${viewport})`, `${200 + (Date.now() % 300)}.75`);
      const recurring = await startRecurring(pat, initech, viewport === 'mobile' ? '49.00' : '59.00');
      const page = await openPage(browser, viewport);
      try {
        await signIn(page, 'pat@acme-agency.test');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        const revenue = page.getByRole('region', { name: 'Revenue overview' });
        await revenue.locator('dl').first().waitFor();
        await assertRecurringFigures(revenue, pat, tenant);
        await assertInvoiceFigures(revenue, pat, tenant);
        await revenue.getByText('Your clients’ invoices, all sent so far', { exact: false }).waitFor();
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the partner dashboard');
        await screenshot(page, `dashboard-partner-revenue-${viewport}`);
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `the partner dashboard with revenue (${viewport})`);

        await page.getByRole('navigation', { name: 'Quick actions' }).getByRole('link', { name: 'View invoices' }).click();
        await page.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
        assert.equal(new URL(page.url()).pathname, '/invoices');
        for (const { number } of [paid, open]) await page.getByRole('link', { name: new RegExp(`^${number} `) }).waitFor();
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `the invoice list from the dashboard (${viewport})`);
      } finally {
        await page.context().close();
        await voidInvoice(pat, open.id);
        await stopRecurring(pat, recurring);
      }
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`the super admin's revenue (MRR, ARR) and overdue invoices (${viewport})`, async () => {
      const tenant = admin.me.user.tenant;
      const drew = await apiAs('drew@directclient.test');
      const direct = drew.me.organizations[0].id;
      await sendInvoice(admin, direct, `Hosting, paid (${viewport})`, '1200.00', true);
      const open = await sendInvoice(admin, direct, `Domains, open (${viewport})`, `${40 + (Date.now() % 60)}.50`);
      const recurring = await startRecurring(admin, direct, viewport === 'mobile' ? '250.00' : '275.00');
      const page = await openPage(browser, viewport);
      try {
        await signIn(page, 'admin@kre8ivtech.test');
        await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
        const revenue = page.getByRole('region', { name: 'Revenue overview (MRR, ARR)' });
        await revenue.locator('dl').first().waitFor();
        await assertRecurringFigures(revenue, admin, tenant);
        const totals = await assertInvoiceFigures(revenue, admin, tenant);
        await revenue.getByText('Kre8ivTech’s invoices, all sent so far', { exact: false }).waitFor();

        // Overdue: none can be yet (the demo seeds no invoices, and what is sent is due in the
        // future), unless the totals say otherwise.
        const overdue = page.getByRole('region', { name: 'Overdue invoices' });
        const late = totals.filter((t) => t.status === 'overdue' && t.count > 0);
        if (!late.length) {
          await overdue.getByText('No overdue invoices.', { exact: true }).waitFor();
        } else {
          const count = late.reduce((n, t) => n + t.count, 0);
          await overdue.getByText(`overdue ${count === 1 ? 'invoice' : 'invoices'}`, { exact: false }).waitFor();
          assert.equal(await overdue.locator('.stat').innerText(), String(count));
          const link = overdue.getByRole('link', { name: 'See the overdue invoices' });
          assert.equal(await link.getAttribute('href'), '/invoices?status=overdue');
        }
        if (viewport === 'mobile') await assertNoSideScroll(page, 'the admin dashboard');
        await screenshot(page, `dashboard-admin-invoices-${viewport}`);
        await page.waitForLoadState('networkidle');
        await checkA11y(page, `the admin dashboard with invoices (${viewport})`);
      } finally {
        await page.context().close();
        await voidInvoice(admin, open.id);
        await stopRecurring(admin, recurring);
      }
    });
  }
});
