// Activity in words (issue 15): the admin dashboard's Activity card says who did what, with the
// person's name linked and repeats folded into one line, and shows no ids and no action codes;
// the audit log leads with the same sentences and keeps the raw record (code, address, device)
// under "Details".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, launch, login, openPage, openPhone, screenshot, signIn } from '../lib/portal.mjs';

const ADMIN = 'admin@kre8ivtech.test';
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/;
const CODE = /\b[a-z_]+\.[a-z_]+\b/;
// A failed sign-in names the address tried, whose domain would read as a code.
const EMAIL = /[^\s@]+@[^\s@]+/g;

describe('activity in words', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  for (const viewport of ['desktop', 'phone']) {
    it(`the admin dashboard's Activity card says who did what (${viewport})`, async () => {
      const page = viewport === 'phone' ? await openPhone(browser) : await openPage(browser, 'desktop');
      const who = await signIn(page, ADMIN);
      const card = page.getByRole('region', { name: 'Activity', exact: true });
      // Signing in just now is the newest entry (with earlier sign-ins folded into it).
      await card.getByText(`${who.name} signed in with a password`).first().waitFor();
      const name = card.getByRole('link', { name: who.name, exact: true }).first();
      assert.equal(await name.getAttribute('href'), '/admin/users');
      const time = card.locator('time').first();
      assert.match(await time.getAttribute('datetime'), /^\d{4}-\d\d-\d\dT\d\d:\d\d/);
      assert.ok(await time.getAttribute('title'), 'the exact time is in the title');

      const text = await card.innerText();
      assert.doesNotMatch(text, ULID, `an id in the Activity card: ${text}`);
      assert.doesNotMatch(text.replace(EMAIL, ''), CODE, `an action code in the Activity card: ${text}`);
      await page.waitForLoadState('networkidle');
      await screenshot(page, `activity-admin-${viewport}`);
      await checkA11y(page, `admin dashboard activity (${viewport})`);
      await page.context().close();
    });
  }

  it('the audit log leads with the sentence and keeps the raw record under Details', async () => {
    const page = await openPage(browser, 'desktop');
    const who = await signIn(page, ADMIN);
    await page.getByRole('region', { name: 'Activity', exact: true }).waitFor();
    await page.goto(`${login(ADMIN).host}/admin/audit`);
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const entries = page.getByRole('region', { name: 'Audit entries' });
    const entry = entries
      .getByRole('listitem')
      .filter({ hasText: `${who.name} signed in with a password` })
      .first();
    await entry.waitFor();
    // The line itself, without the record under Details.
    const line = await entry.evaluate((li) =>
      [...li.childNodes]
        .filter((n) => n.nodeName !== 'DETAILS')
        .map((n) => n.textContent)
        .join(''),
    );
    assert.match(line, /ago|just now/);
    assert.doesNotMatch(line, ULID, `an id in the entry's line: ${line}`);
    assert.doesNotMatch(line, CODE, `an action code in the entry's line: ${line}`);

    await entry.locator('summary').click();
    await entry.getByText('auth.sign_in', { exact: true }).waitFor();
    await entry.getByText('IP address', { exact: true }).waitFor();
    await entry.getByText('Device', { exact: true }).waitFor();
    await checkA11y(page, 'audit log with an entry open');
    await page.context().close();
  });
});
