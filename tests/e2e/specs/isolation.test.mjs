// A partner cannot reach another tenant's ticket by URL: the page says "Not found" and the API
// answers 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, fileTicket, launch, login, openPage, signIn } from '../lib/portal.mjs';

describe('tenant isolation in the browser', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it("shows a partner nothing of the house tenant's ticket", async () => {
    const drew = await apiAs('drew@directclient.test');
    const secret = await fileTicket(drew, { subject: 'House-only ticket' });

    const page = await openPage(browser, 'desktop');
    await signIn(page, 'pat@acme-agency.test');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${login('pat@acme-agency.test').host}/tickets/${secret.tenant_id}/${secret.id}`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    assert.equal(await page.getByText('House-only ticket').count(), 0);
    await checkA11y(page, 'not found');

    const pat = await apiAs('pat@acme-agency.test');
    const res = await pat.call('GET', `/api/v1/tenants/${secret.tenant_id}/tickets/${secret.id}`);
    assert.equal(res.status, 404);
    await page.context().close();
  });
});
