// Staff log time on a client's ticket (a field error for 0 minutes, totals, a non-billable
// entry, the quick timer) and remove it again; the partner whose client filed the ticket never
// sees a Time card, and the API answers them 404.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, fileTicket, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

describe('time tracking', () => {
  let browser;
  let dana;
  before(async () => {
    browser = await launch();
    dana = await apiAs('dana@globex.test');
  });
  after(async () => browser?.close());

  it('staff log and remove time; the partner sees no Time card', async () => {
    const subject = 'Checkout is slow (time tracking)';
    const ticket = await fileTicket(dana, { subject });
    const path = `/tickets/${ticket.tenant_id}/${ticket.id}`;
    const heading = { level: 1, name: `${ticket.number}: ${subject}` };

    const staff = await openPage(browser, 'desktop');
    await signIn(staff, 'staff@kre8ivtech.test');
    await staff.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await staff.goto(`${login('staff@kre8ivtech.test').host}${path}`);
    await staff.getByRole('heading', heading).waitFor();
    const time = staff.getByRole('region', { name: 'Time' });
    await time.getByText('No time logged yet.').waitFor();
    const total = time.locator('.details dd').nth(0);
    const billable = time.locator('.details dd').nth(1);
    const duration = time.getByLabel('Duration');

    // The server's field error sits next to the duration, which keeps what was typed.
    await duration.fill('0');
    await time.getByLabel('Note (optional)').fill('Looked at the logs');
    await time.getByRole('button', { name: 'Log time' }).click();
    await time.getByText('Log between 1 minute and 24 hours per entry.').waitFor();
    assert.equal(await duration.getAttribute('aria-invalid'), 'true');
    assert.equal(await duration.inputValue(), '0');
    assert.equal(await time.getByLabel('Note (optional)').inputValue(), 'Looked at the logs');
    await checkA11y(staff, 'time card with a field error');

    await duration.fill('1:15');
    await time.getByRole('button', { name: 'Log time' }).click();
    await time.getByText('Looked at the logs').waitFor();
    assert.equal(await total.innerText(), '1 h 15 min');
    assert.equal(await duration.inputValue(), '', 'the form is ready for the next entry');

    await duration.fill('30');
    await time.getByLabel('Billable', { exact: true }).uncheck();
    await time.getByRole('button', { name: 'Log time' }).click();
    await time.getByText('Not billable').waitFor();
    assert.equal(await total.innerText(), '1 h 45 min');
    assert.equal(await billable.innerText(), '1 h 15 min');

    // The quick timer fills in the time so far, rounded up to the minute.
    await time.getByRole('button', { name: 'Start timer' }).click();
    await time.getByRole('button', { name: 'Stop timer' }).click();
    assert.equal(await duration.inputValue(), '1');
    await duration.fill('');
    await screenshot(staff, 'ticket-time-staff-desktop');
    await checkA11y(staff, 'time card with entries');

    // The partner's side of the same ticket: no Time card, and the API says there is none.
    const partner = await openPage(browser, 'mobile');
    await signIn(partner, 'pat@acme-agency.test');
    await partner.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await partner.goto(`${login('pat@acme-agency.test').host}${path}`);
    await partner.getByRole('heading', heading).waitFor();
    await partner.getByRole('heading', { name: 'Manage' }).waitFor();
    assert.equal(await partner.getByRole('region', { name: 'Time' }).count(), 0);
    const pat = await apiAs('pat@acme-agency.test');
    const seen = await pat.call('GET', `/api/v1/tenants/${ticket.tenant_id}/tickets/${ticket.id}/time-entries`);
    assert.equal(seen.status, 404);
    await partner.context().close();

    await time.getByRole('button', { name: /^Remove 1 h 15 min on / }).click();
    await time.getByText('Looked at the logs').waitFor({ state: 'detached' });
    assert.equal(await total.innerText(), '30 min');
    await time.getByRole('button', { name: /^Remove 30 min on / }).click();
    await time.getByText('No time logged yet.').waitFor();
    assert.equal(await total.innerText(), '0 min');
    await staff.context().close();
  });
});
