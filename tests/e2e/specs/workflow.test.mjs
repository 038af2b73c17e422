// Ticket workflow (PRD 6.1/6.2 staff tools): a partner links and merges tickets and sees the
// banner and the links, and a bulk change with a per-ticket failure; staff bulk-set priority in
// the queue; staff keep canned responses (field errors, a concurrent edit) and insert one filled
// in for the ticket; a client rates a resolved ticket on its page, and another from the survey
// link in the resolution mail without signing in; the super admin adds an assignment rule.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, checkA11y, fileTicket, launch, login, mailText, openPage, screenshot, signIn, waitForMail } from '../lib/portal.mjs';

const path = (t) => `/tickets/${t.tenant_id}/${t.id}`;
const heading = (t) => ({ level: 1, name: `${t.number}: ${t.subject}` });

describe('ticket workflow', () => {
  let browser;
  let dana;
  let staff;
  before(async () => {
    browser = await launch();
    dana = await apiAs('dana@globex.test');
    staff = await apiAs('staff@kre8ivtech.test');
  });
  after(async () => browser?.close());

  it('partner links a ticket, merges another into a third, sees the banner and links, and bulk-changes with a failure (mobile)', async () => {
    const target = await fileTicket(dana, { subject: 'Checkout fails on Safari (target)' });
    const source = await fileTicket(dana, {
      subject: 'Cannot pay on iPhone (duplicate)',
      description: 'Payment button does nothing on my iPhone.',
    });
    const related = await fileTicket(dana, { subject: 'Safari shows a certificate warning (related)' });
    const host = login('pat@acme-agency.test').host;

    const page = await openPage(browser, 'mobile');
    await signIn(page, 'pat@acme-agency.test');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${host}${path(source)}`);
    await page.getByRole('heading', heading(source)).waitFor();

    const links = page.getByRole('region', { name: 'Linked tickets' });
    await links.getByText('No linked tickets.').waitFor();
    const number = links.getByLabel('Ticket number to link');
    // The server's field error sits next to the number, which keeps what was typed.
    await number.fill('ACME-99999');
    await links.getByRole('button', { name: 'Link ticket' }).click();
    await links.getByText('There is no ticket with that number here.').waitFor();
    assert.equal(await number.getAttribute('aria-invalid'), 'true');
    assert.equal(await number.inputValue(), 'ACME-99999');
    await number.fill(related.number);
    await links.getByRole('button', { name: 'Link ticket' }).click();
    const relatedRow = links.getByRole('listitem').filter({ hasText: related.number });
    await relatedRow.getByRole('link', { name: `${related.number} ${related.subject}` }).waitFor();
    assert.match(await relatedRow.innerText(), /New[\s\S]*Medium[\s\S]*Related/);
    await relatedRow.getByRole('button', { name: `Unlink ${related.number}` }).waitFor();
    await checkA11y(page, 'ticket page with a linked ticket');

    await links.getByRole('button', { name: 'Merge into…' }).click();
    const dialog = page.getByRole('dialog', { name: `Merge ${source.number} into another ticket` });
    await dialog.waitFor();
    const warning = await dialog.innerText();
    assert.match(warning, /replies and internal notes/);
    assert.match(warning, /attachments and time entries/);
    assert.match(warning, new RegExp(`${source.number} then closes`));
    await checkA11y(page, 'merge dialog');
    // Escape closes it without merging, and the keyboard is back on the button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Merge into…');
    await links.getByRole('button', { name: 'Merge into…' }).click();
    // While typing, the dialog names the ticket the number is (a live region the input is described by).
    const into = dialog.getByLabel('Merge into ticket number');
    const confirm = dialog.getByRole('button', { name: `Merge and close ${source.number}` });
    const previewId = (await into.getAttribute('aria-describedby')).split(' ').pop();
    assert.equal(await page.locator(`[id="${previewId}"]`).getAttribute('aria-live'), 'polite');
    const previewSays = (text) =>
      page.waitForFunction(([id, want]) => document.getElementById(id)?.textContent === want, [previewId, text], { timeout: 10_000 });
    const unused = source.number.replace(/\d+$/, '99999');
    await into.fill(unused);
    await previewSays(`No ticket ${unused} here`);
    await into.fill(source.number);
    await previewSays(`${source.number} is this ticket: it cannot merge into itself.`);
    assert.equal(await confirm.isDisabled(), true, 'a ticket cannot merge into itself');
    await into.fill(target.number);
    await previewSays(`${target.number} · ${target.subject} · New`);
    assert.equal(await confirm.isDisabled(), false);
    await checkA11y(page, 'merge dialog with a preview');
    await confirm.click();

    const banner = page.getByRole('note', { name: 'Merged ticket' });
    await banner.getByRole('link', { name: `${target.number}: ${target.subject}` }).waitFor();
    const details = page.getByRole('complementary', { name: 'Ticket details' });
    await details.locator('dd', { hasText: /^Closed$/ }).waitFor();
    const targetRow = links.getByRole('listitem').filter({ hasText: target.number });
    await targetRow.getByText('Merged', { exact: true }).waitFor();
    await relatedRow.waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send reply' }).count(), 0, 'a merged ticket takes no replies');
    await screenshot(page, 'workflow-merged-mobile');
    await checkA11y(page, 'merged ticket page');

    await banner.getByRole('link').click();
    await page.getByRole('heading', heading(target)).waitFor();
    await page.getByText('Payment button does nothing on my iPhone.').waitFor();
    await links.getByRole('listitem').filter({ hasText: source.number }).getByText('Merged', { exact: true }).waitFor();

    // Bulk on the ticket list: the closed (merged) ticket refuses a status change, the other changes.
    await page.goto(`${host}/tickets?status=all`);
    await page.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await page.getByRole('checkbox', { name: `Select ${source.number}` }).check();
    await page.getByRole('checkbox', { name: `Select ${related.number}` }).check();
    const bar = page.getByRole('group', { name: 'Change 2 selected tickets' });
    await bar.getByLabel('Set status').selectOption('in_progress');
    await checkA11y(page, 'ticket list with a selection');
    await bar.getByRole('button', { name: 'Apply status' }).click();
    const result = page.getByRole('status', { name: 'Bulk change result' });
    await result.getByText('Status In progress: 1 ticket changed, 1 failed.').waitFor();
    await result.getByText(`${related.number}: changed`).waitFor();
    await result.getByText(`${source.number}: not changed. A closed ticket cannot change status.`).waitFor();
    // What failed stays selected for another try.
    assert.equal(await page.getByRole('checkbox', { name: `Select ${source.number}` }).isChecked(), true);
    assert.equal(await page.getByRole('checkbox', { name: `Select ${related.number}` }).isChecked(), false);
    await checkA11y(page, 'ticket list with a bulk result');
    const now = await dana.call('GET', `/api/v1/tenants/${related.tenant_id}/tickets/${related.id}`);
    assert.equal(now.body.status, 'in_progress');
    await page.context().close();
  });

  it('staff select two tickets in the queue and bulk-set their priority, with per-ticket results (desktop)', async () => {
    const one = await fileTicket(dana, { subject: 'Newsletter signup slow (bulk 1)', priority: 'low' });
    const two = await fileTicket(dana, { subject: 'Footer link broken (bulk 2)', priority: 'low' });
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'staff@kre8ivtech.test');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
    await page.goto(`${login('staff@kre8ivtech.test').host}/queue?priority=low`);
    await page.getByRole('heading', { level: 1, name: 'Queue' }).waitFor();
    await page.getByRole('checkbox', { name: `Select ${one.number}` }).check();
    await page.getByRole('checkbox', { name: `Select ${two.number}` }).check();
    const bar = page.getByRole('group', { name: 'Change 2 selected tickets' });
    await bar.getByLabel('Set priority').selectOption('high');
    await checkA11y(page, 'queue with a selection');
    await bar.getByRole('button', { name: 'Apply priority' }).click();

    const result = page.getByRole('status', { name: 'Bulk change result' });
    await result.getByText('Priority High: 2 tickets changed.').waitFor();
    await result.getByText(`${one.number}: changed`).waitFor();
    await result.getByText(`${two.number}: changed`).waitFor();
    // Both left the Low queue.
    await page.getByRole('link', { name: new RegExp(`^${one.number} `) }).waitFor({ state: 'detached' });
    await screenshot(page, 'workflow-bulk-queue-desktop');
    await checkA11y(page, 'queue with a bulk result');
    for (const t of [one, two]) {
      const seen = await staff.call('GET', `/api/v1/tenants/${t.tenant_id}/tickets/${t.id}`);
      assert.equal(seen.body.priority, 'high');
    }
    await page.context().close();
  });

  it('staff keep a canned response and insert it filled in for the ticket, then send it (desktop)', async () => {
    const ticket = await fileTicket(dana, { subject: 'Password reset mail never arrives (canned)' });
    const host = login('staff@kre8ivtech.test').host;
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'staff@kre8ivtech.test');
    await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();

    await page.goto(`${host}/admin/canned-responses`);
    await page.getByRole('heading', { level: 1, name: 'Canned responses' }).waitFor();
    const variables = page.getByRole('region', { name: 'Variables' });
    await variables.getByText('{{requester.first_name}}').waitFor();
    const add = page.getByRole('region', { name: 'Add a canned response' });
    await add.getByLabel('Title').fill('Mail delivered, please check spam');
    await add.getByLabel('Shortcut (optional)').fill('spam check');
    await add
      .getByLabel('Body')
      .fill('Hi {{requester.first_name}}, we resent the mail for {{ticket.number}}; please check spam. {{agent.first_name}}');
    await add.getByRole('button', { name: 'Add response' }).click();
    const shortcut = add.getByLabel('Shortcut (optional)');
    await add.getByText('Use up to 32 letters, digits, hyphens (-) and underscores (_), without spaces.').waitFor();
    assert.equal(await shortcut.getAttribute('aria-invalid'), 'true');
    assert.match(await add.getByLabel('Body').inputValue(), /check spam/, 'what was typed is kept');
    await checkA11y(page, 'canned response form with an error');
    await shortcut.fill('spamcheck');
    await add.getByRole('button', { name: 'Add response' }).click();
    const item = page.getByRole('article', { name: 'Mail delivered, please check spam' });
    await item.getByText('/spamcheck').waitFor();

    // Someone else edits it meanwhile: saving says so and offers a reload.
    await item.getByRole('button', { name: 'Edit Mail delivered, please check spam' }).click();
    const editor = page.getByRole('form', { name: 'Edit Mail delivered, please check spam' });
    const list = await staff.call('GET', `/api/v1/tenants/${staff.me.user.tenant}/canned-responses`);
    const saved = list.body.items.find((c) => c.shortcut === 'spamcheck');
    const changed = await staff.call('PUT', `/api/v1/tenants/${staff.me.user.tenant}/canned-responses/${saved.id}`, {
      title: saved.title,
      shortcut: saved.shortcut,
      body: `${saved.body} Thanks for your patience.`,
    });
    assert.equal(changed.status, 200);
    await editor.getByLabel('Title').fill('Mail resent, please check spam');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await editor.getByText(/Someone else changed this response since you opened it/).waitFor();
    await checkA11y(page, 'canned response edit, changed meanwhile');
    await editor.getByRole('button', { name: 'Reload' }).click();
    await item.getByText(/Thanks for your patience\./).waitFor();

    // On the ticket: "/" and the shortcut at the start of the box offer it, Enter inserts it filled in.
    await page.goto(`${host}${path(ticket)}`);
    await page.getByRole('heading', heading(ticket)).waitFor();
    const reply = page.getByLabel('Reply', { exact: true });
    await reply.pressSequentially('/spam');
    const options = page.getByRole('listbox', { name: 'Matching canned responses' });
    await options.getByRole('option', { name: /Mail delivered, please check spam/ }).waitFor();
    assert.equal(await reply.getAttribute('aria-activedescendant'), await options.getByRole('option').first().getAttribute('id'));
    await checkA11y(page, 'reply box offering canned responses');
    await reply.press('Enter');
    const filled = `Hi Dana, we resent the mail for ${ticket.number}; please check spam. Sky Thanks for your patience.`;
    assert.equal(await reply.inputValue(), filled);
    await options.waitFor({ state: 'detached' });

    // The button offers the same list; Escape closes it and returns to the button.
    await page.getByRole('button', { name: 'Canned response' }).click();
    const search = page.getByRole('combobox', { name: 'Find a canned response' });
    await search.fill('spam');
    await page
      .getByRole('listbox', { name: 'Canned responses' })
      .getByRole('option', { name: /Mail delivered/ })
      .waitFor();
    await checkA11y(page, 'canned response picker');
    await search.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Canned response');

    // Editable before sending.
    await reply.press('End');
    await reply.pressSequentially(' (edited)');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('.message--staff', { hasText: `${filled} (edited)` }).waitFor();
    assert.equal(await reply.inputValue(), '');
    const seen = await dana.call('GET', `/api/v1/tenants/${ticket.tenant_id}/tickets/${ticket.id}/messages`);
    assert.ok(seen.body.items.some((m) => m.body === `${filled} (edited)`));
    await screenshot(page, 'workflow-canned-desktop');
    await page.context().close();
  });

  it('a client rates a resolved ticket on its page, and another from the survey link without signing in (mobile)', async () => {
    const rated = await fileTicket(dana, { subject: 'Invoice PDF empty (rate on page)' });
    const resolved = await staff.call('PATCH', `/api/v1/tenants/${rated.tenant_id}/tickets/${rated.id}`, { status: 'resolved' });
    assert.equal(resolved.status, 200);
    const host = login('dana@globex.test').host;

    const page = await openPage(browser, 'mobile');
    await signIn(page, 'dana@globex.test');
    await page.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
    await page.goto(`${host}${path(rated)}`);
    await page.getByRole('heading', heading(rated)).waitFor();
    const rate = page.getByRole('region', { name: 'Rate this ticket' });
    const group = rate.getByRole('group', { name: `How satisfied are you with how ${rated.number} was handled?` });
    await group.waitFor();
    // Nothing picked: the server's message sits next to the rating.
    await rate.getByRole('button', { name: 'Send rating' }).click();
    await rate.getByText('Choose a rating from 1 (very dissatisfied) to 5 (very satisfied).').waitFor();
    await checkA11y(page, 'rating with an error');
    // A radio group: arrow keys move within it.
    await group.getByRole('radio', { name: '3 Neutral' }).check();
    await page.keyboard.press('ArrowRight');
    assert.equal(await group.getByRole('radio', { name: '4 Satisfied' }).isChecked(), true);
    await rate.getByLabel('Comment (optional)').fill('Fixed the same day.');
    await rate.getByRole('button', { name: 'Send rating' }).click();
    const yours = page.getByRole('region', { name: 'Your rating' });
    await yours.getByText('4 of 5 (Satisfied)').waitFor();
    await yours.getByText('Fixed the same day.').waitFor();
    await screenshot(page, 'workflow-rated-mobile');
    await checkA11y(page, 'rated ticket page');
    const seen = await staff.call('GET', `/api/v1/tenants/${rated.tenant_id}/tickets/${rated.id}`);
    assert.equal(seen.body.satisfaction.rating, 4);
    await page.context().close();

    // The survey link from the resolution mail.
    const surveyed = await fileTicket(dana, { subject: 'Logo blurry on retina (survey link)' });
    assert.equal(
      (await staff.call('PATCH', `/api/v1/tenants/${surveyed.tenant_id}/tickets/${surveyed.id}`, { status: 'resolved' })).status,
      200,
    );
    const mail = await waitForMail('dana@globex.test', `${surveyed.number} is now Resolved`);
    const links = (await mailText(mail.id)).match(/https?:\/\/[^\s"<>]+\/survey\/[A-Za-z0-9._~-]+\?rating=4/g);
    assert.ok(links?.length, 'the resolution mail links to the survey with ?rating=N');
    const link = new URL(links[0]);

    const anonymous = await openPage(browser, 'mobile');
    await anonymous.goto(`${host}${link.pathname}${link.search}`);
    await anonymous.getByRole('heading', { level: 1, name: 'How did we do?' }).waitFor();
    await anonymous.getByText(`${surveyed.number} ${surveyed.subject}`).waitFor();
    await anonymous.getByText('Acme Agency', { exact: true }).first().waitFor();
    const survey = anonymous.getByRole('group', { name: 'How satisfied are you with how this ticket was handled?' });
    assert.equal(await survey.getByRole('radio', { name: '4 Satisfied' }).isChecked(), true, '?rating=4 is preselected');
    await checkA11y(anonymous, 'survey page');
    // Opening the link records nothing (mail scanners follow links).
    assert.equal((await staff.call('GET', `/api/v1/tenants/${surveyed.tenant_id}/tickets/${surveyed.id}`)).body.satisfaction, null);
    await anonymous.getByLabel('Comment (optional)').fill('Sharp now, thanks.');
    await anonymous.getByRole('button', { name: 'Send' }).click();
    await anonymous.getByRole('heading', { level: 1, name: 'Thank you!' }).waitFor();
    await anonymous.getByText('Your rating of 4 of 5 (Satisfied) is recorded.').waitFor();
    await screenshot(anonymous, 'workflow-survey-mobile');
    await checkA11y(anonymous, 'survey thanks');
    const after = (await staff.call('GET', `/api/v1/tenants/${surveyed.tenant_id}/tickets/${surveyed.id}`)).body.satisfaction;
    assert.equal(after.rating, 4);
    assert.equal(after.comment, 'Sharp now, thanks.');

    await anonymous.reload();
    await anonymous.getByRole('heading', { level: 1, name: 'Already rated' }).waitFor();
    await anonymous.goto(`${host}/survey/v1.not-a-real-token?rating=5`);
    await anonymous.getByRole('heading', { level: 1, name: 'This link has expired' }).waitFor();
    await checkA11y(anonymous, 'expired survey link');
    await anonymous.context().close();

    // The partner's dashboard counts the ratings.
    const partner = await openPage(browser, 'desktop');
    await signIn(partner, 'pat@acme-agency.test');
    const csat = partner.getByRole('region', { name: 'Customer satisfaction' });
    await csat.getByText(/^\d\.\d \/ 5$/).waitFor();
    const counts = await (await apiAs('pat@acme-agency.test')).call('GET', `/api/v1/tenants/${rated.tenant_id}/tickets/counts`);
    assert.ok(counts.body.satisfaction.count >= 2);
    await csat.getByText(String(counts.body.satisfaction.count), { exact: true }).first().waitFor();
    await partner.context().close();
  });

  it('the super admin adds an assignment rule and it shows in the list (desktop)', async () => {
    const host = login('admin@kre8ivtech.test').host;
    const page = await openPage(browser, 'desktop');
    await signIn(page, 'admin@kre8ivtech.test');
    await page.getByRole('region', { name: 'System health' }).waitFor();
    await page.goto(`${host}/admin/assignment-rules`);
    await page.getByRole('heading', { level: 1, name: 'Assignment rules' }).waitFor();
    const add = page.getByRole('region', { name: 'Add a rule' });
    const name = 'E2E billing desk';

    // The server's field errors sit next to the fields.
    await add.getByRole('button', { name: 'Add rule' }).click();
    await add.getByText('Write a name of at most 100 characters.').waitFor();
    await add.getByText('Choose between 1 and 50 agents.').waitFor();
    assert.equal(await add.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await checkA11y(page, 'assignment rule form with errors');

    await add.getByLabel('Name').fill(name);
    // Disabled, so the rule assigns nothing the other specs file.
    await add.getByRole('checkbox', { name: 'Enabled' }).uncheck();
    await add.getByLabel('Tenant').selectOption({ label: 'Acme Agency' });
    await add.getByLabel('Organization').selectOption({ label: 'Globex' });
    await add.getByRole('group', { name: 'Categories' }).getByRole('checkbox', { name: 'Billing' }).check();
    await add.getByRole('group', { name: 'Agents' }).getByRole('checkbox', { name: 'Sky Staff' }).check();
    await add.getByLabel('Strategy').selectOption('round_robin');
    await add.getByLabel('Capacity').fill('three');
    await add.getByRole('button', { name: 'Add rule' }).click();
    await add.getByText('Enter a whole number of open tickets, 0 or more.').waitFor();
    await add.getByLabel('Capacity').fill('3');
    await add.getByRole('button', { name: 'Add rule' }).click();

    const rule = page.getByRole('article', { name: `Rule ${name}` });
    await rule.getByText('Disabled', { exact: true }).waitFor();
    await rule.getByText('Acme Agency · Globex · Billing').waitFor();
    await rule.getByText('Round robin among Sky Staff · up to 3 open each').waitFor();
    await screenshot(page, 'workflow-assignment-rules-desktop');
    await checkA11y(page, 'assignment rules');

    // Staff read the rules; only the super admin changes them.
    const rules = await staff.call('GET', '/api/v1/assignment-rules');
    const created = rules.body.find((r) => r.name === name);
    assert.ok(created);
    assert.equal(created.capacity, 3);
    assert.deepEqual(created.categories, ['billing']);

    await rule.getByRole('button', { name: `Edit rule ${name}` }).click();
    const editor = page.getByRole('form', { name: `Edit rule ${name}` });
    await editor.getByLabel('Capacity').fill('4');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await page
      .getByRole('article', { name: `Rule ${name}` })
      .getByText(/up to 4 open each/)
      .waitFor();
    await page
      .getByRole('article', { name: `Rule ${name}` })
      .getByRole('button', { name: `Delete rule ${name}` })
      .click();
    await page.getByRole('button', { name: `Delete rule ${name} for good` }).click();
    await page.getByRole('article', { name: `Rule ${name}` }).waitFor({ state: 'detached' });
    await page.context().close();
  });
});
