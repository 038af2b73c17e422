// Service requests, at phone and desktop size with the axe check on each screen: the super admin
// binds a form (pages priced by a calculated estimate, a brief to upload) to "New website
// development"; a client asks for it with the form answered and a file; the partner takes it
// into review and comments; the client reads the comment and withdraws it; Kre8ivTech's staff
// see the requests waiting for review. The binding and the form are undone afterwards. The super
// admin also adds a service type on its settings screen (field errors first: an automatic quote
// needs a price field), bound to the form and quoting at once, then renames and retires it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

const ADMIN = 'admin@kre8ivtech.test';
const STAFF = 'staff@kre8ivtech.test';
const PARTNER = 'pat@acme-agency.test';
const CLIENT = 'dana@globex.test';

describe('service requests', () => {
  let browser;
  let avery;
  let form;
  let formName;
  const E2E_TYPE = 'E2E audit';

  const website = async () => (await avery.call('GET', '/api/v1/service-types?all=true')).body.find((t) => t.id === 'website');
  const bind = async (body) => {
    const t = await website();
    const r = await avery.call('PUT', `/api/v1/service-types/website`, {
      name: t.name,
      description: t.description,
      position: t.position,
      ...body,
    });
    return r;
  };

  before(async () => {
    browser = await launch();
    avery = await apiAs(ADMIN);
    const document = {
      pages: [
        {
          key: 'brief',
          title: 'Your site',
          fields: [
            { key: 'pages', type: 'number', label: 'How many pages?', required: true, decimals: 0, min: '1', max: '200' },
            { key: 'brief', type: 'file', label: 'Your brief' },
            { key: 'estimate', type: 'calculated', label: 'Estimate', formula: 'pages * 150 + 500', decimals: 2 },
          ],
        },
      ],
    };
    formName = `Website brief ${Date.now()}`;
    const made = await avery.call('POST', '/api/v1/forms', { name: formName, document });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    form = made.body.id;
    const published = await avery.call('POST', `/api/v1/forms/${form}/publish`);
    assert.equal(published.status, 200, JSON.stringify(published.body));
  });
  after(async () => {
    if (avery) {
      // The PUT needs the current ETag: the helper sends none, which the server takes as "whatever is there".
      const undone = await bind({ form_id: null, price_field: null });
      assert.equal(undone.status, 200, JSON.stringify(undone.body));
      // Types this spec added are retired, should a test have stopped before doing so.
      for (const t of (await avery.call('GET', '/api/v1/service-types?all=true')).body) {
        if (t.name.startsWith(E2E_TYPE) && t.active) {
          await avery.call('PUT', `/api/v1/service-types/${t.id}`, { name: t.name, position: t.position, active: false });
        }
      }
      if (form) await avery.call('DELETE', `/api/v1/forms/${form}`);
    }
    await browser?.close();
  });

  it('a super admin binds the form to the service', async () => {
    const bound = await bind({ form_id: form, price_field: 'estimate' });
    assert.equal(bound.status, 200, JSON.stringify(bound.body));
    assert.equal(bound.body.form_id, form);
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`a client asks, the partner reviews and comments, the client withdraws (${viewport})`, async () => {
      const title = `Relaunch ${viewport} ${Date.now()}`;

      // The client asks for a new website with the form answered and a brief.
      const client = await openPage(browser, viewport);
      const cwho = await signIn(client, CLIENT);
      await client.getByRole('navigation', { name: 'Main' }).waitFor();
      await client.goto(`${cwho.host}/service-requests`);
      await client.getByRole('link', { name: 'Request a service' }).click();
      await client.getByRole('button', { name: /New website development/ }).click();
      await checkA11y(client, `asking for a service (${viewport})`);
      await client.getByLabel('Title').fill(title);
      await client.getByLabel(/How many pages/).fill('6');
      await client.getByText('1400.00').waitFor();
      await client
        .getByLabel('Your brief')
        .setInputFiles({ name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from('Six pages, a shop.\n') });
      await client.getByText('Uploaded').waitFor();
      await assertNoSideScroll(client, `asking for a service (${viewport})`);
      await client.getByRole('button', { name: 'Send request' }).click();
      await client.getByRole('heading', { name: title }).waitFor();
      await client.getByText('Submitted', { exact: true }).waitFor();
      await client.getByRole('button', { name: 'Download brief.txt' }).waitFor();
      await checkA11y(client, `a service request (${viewport})`);
      await assertNoSideScroll(client, `a service request (${viewport})`);
      const requestUrl = client.url();

      // The partner finds it, takes it into review and comments.
      const partner = await openPage(browser, viewport);
      const pwho = await signIn(partner, PARTNER);
      await partner.getByRole('navigation', { name: 'Main' }).waitFor();
      await partner.goto(`${pwho.host}/service-requests`);
      await partner.getByRole('list', { name: 'Service requests' }).getByRole('link', { name: title }).click();
      await partner.getByRole('button', { name: 'Take into review' }).click();
      await partner.getByText('In review', { exact: true }).waitFor();
      await partner.getByLabel('Add a comment').fill('Thanks! We will call you tomorrow.');
      await partner.getByRole('button', { name: 'Send comment' }).click();
      await partner.getByText('Thanks! We will call you tomorrow.').waitFor();
      await checkA11y(partner, `reviewing a service request (${viewport})`);

      // The client reads the comment, then withdraws the request.
      await client.goto(requestUrl);
      await client.getByText('Thanks! We will call you tomorrow.').waitFor();
      await client.getByText('In review', { exact: true }).waitFor();
      await client.getByRole('button', { name: 'Withdraw the request' }).click();
      await client.getByText('Withdrawn', { exact: true }).waitFor();

      // Kre8ivTech's staff see what waits for review across tenants.
      const staff = await openPage(browser, viewport);
      const swho = await signIn(staff, STAFF);
      await staff.getByRole('navigation', { name: 'Main' }).waitFor();
      await staff.goto(`${swho.host}/service-requests`);
      await staff.getByRole('heading', { name: 'Waiting for review' }).waitFor();
      await checkA11y(staff, `requests waiting for review (${viewport})`);
      await assertNoSideScroll(staff, `requests waiting for review (${viewport})`);
      for (const p of [client, partner, staff]) await p.context().close();
    });
  }

  for (const viewport of ['mobile', 'desktop']) {
    it(`a super admin adds, edits and retires a service type on its settings screen (${viewport})`, async () => {
      const name = `${E2E_TYPE} ${viewport} ${Date.now()}`;
      const page = await openPage(browser, viewport);
      const who = await signIn(page, ADMIN);
      await page.getByRole('navigation', { name: 'Main' }).first().waitFor();
      await page.goto(`${who.host}/admin`);
      await page.getByRole('link', { name: /^Service types/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Service types' }).waitFor();
      const types = page.getByRole('region', { name: 'Service types, in the order offered' });
      await types.getByRole('article', { name: 'New website development' }).waitFor();
      await checkA11y(page, `the service types (${viewport})`);
      await assertNoSideScroll(page, `the service types (${viewport})`);

      // Quoting at once without a price field is refused at its field.
      const add = page.getByRole('region', { name: 'Add a service type' });
      await add.getByLabel('Name', { exact: true }).fill(name);
      await add.getByLabel('Description', { exact: true }).fill('A WCAG review of every page.');
      await add.getByLabel('Form', { exact: true }).selectOption({ label: formName });
      await add.getByLabel('Send a quote at once when the price field gives a price above zero').check();
      await add.getByLabel('Quote valid for (days)').fill('14');
      await add.getByRole('button', { name: 'Add service type' }).click();
      await add.getByText('Choose the field that prices the request before quoting at once.').waitFor();
      await checkA11y(page, `a service type with a field error (${viewport})`);
      await add.getByLabel('Price field', { exact: true }).selectOption('estimate');
      await add.getByRole('button', { name: 'Add service type' }).click();
      const added = types.getByRole('article', { name });
      await added.getByText(`Asked with the form ${formName} · priced by its field estimate · quoted at once, valid 14 days`).waitFor();
      assert.equal(await add.getByLabel('Name', { exact: true }).inputValue(), '', 'the form is cleared for the next type');

      // Renamed and retired.
      await added.getByRole('button', { name: `Edit ${name}` }).click();
      const edit = page.getByRole('form', { name: `Edit ${name}` });
      await edit.getByLabel('Name', { exact: true }).fill(`${name} (retired)`);
      await edit.getByLabel('Offered to clients (untick to retire it)').uncheck();
      await checkA11y(page, `editing a service type (${viewport})`);
      await screenshot(page, `service-type-edit-${viewport}`);
      await assertNoSideScroll(page, `editing a service type (${viewport})`);
      await edit.getByRole('button', { name: 'Save changes' }).click();
      const retired = types.getByRole('article', { name: `${name} (retired)` });
      await retired.getByText('Retired', { exact: true }).waitFor();
      const listed = (await avery.call('GET', '/api/v1/service-types')).body.map((t) => t.name);
      assert.ok(!listed.some((n) => n.startsWith(name)), 'a retired type is no longer offered');
      const all = (await avery.call('GET', '/api/v1/service-types?all=true')).body.find((t) => t.name === `${name} (retired)`);
      assert.deepEqual(
        { form_id: all.form_id, price_field: all.price_field, auto_quote: all.auto_quote, active: all.active },
        { form_id: form, price_field: 'estimate', auto_quote: { valid_days: 14 }, active: false },
      );
      await page.context().close();
    });
  }
});
