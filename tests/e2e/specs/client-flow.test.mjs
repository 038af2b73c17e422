// PRD 6.1: a client signs in, sees the dashboard, taps "Submit ticket", gets the server's field
// errors next to the fields without losing what they typed, files the ticket, and sees its
// number and queue position, then the ticket page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

describe('client ticket flow', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  for (const viewport of ['mobile', 'desktop']) {
    it(`files a ticket and follows it (${viewport})`, async () => {
      const page = await openPage(browser, viewport);
      await signIn(page, 'drew@directclient.test');
      await page.getByRole('heading', { level: 1, name: 'Hello, Drew' }).waitFor();
      await page.getByRole('button', { name: 'Refresh' }).waitFor();
      await screenshot(page, `dashboard-client-${viewport}`);
      await checkA11y(page, `client dashboard (${viewport})`);

      await page.getByRole('link', { name: 'Submit ticket' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Submit a ticket' }).waitFor();
      const description = 'The contact form shows an error since this morning.';
      await page.getByLabel('Description').fill(description);
      await page.getByRole('button', { name: 'Submit ticket' }).click();

      // The server names the fields at fault; each message sits next to its field.
      const category = page.getByLabel('Category');
      await assert.doesNotReject(category.and(page.locator('[aria-invalid="true"]')).waitFor());
      assert.equal(await page.getByLabel('Subject').getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('.field--invalid .field__error').first().innerText(), /\S/);
      assert.equal(await page.getByLabel('Description').inputValue(), description, 'what was typed is kept');
      await checkA11y(page, `ticket form with errors (${viewport})`);

      await category.selectOption('bug_report');
      await page.getByLabel('Subject').fill(`Contact form broken (${viewport})`);
      await page.getByLabel('Priority').selectOption('high');
      await page.getByRole('button', { name: 'Submit ticket' }).click();

      const confirmation = page.getByRole('heading', {
        level: 1,
        name: /^Ticket KT-\d+ submitted$/,
      });
      await confirmation.waitFor();
      const number = (await confirmation.innerText()).match(/KT-\d+/)[0];
      await page.getByText(/^#\d+ of \d+ in the High queue$/).waitFor();
      await page.getByText(/^Estimated first response: /).waitFor();
      await checkA11y(page, `ticket confirmation (${viewport})`);

      await page.getByRole('link', { name: 'View ticket' }).click();
      await page
        .getByRole('heading', {
          level: 1,
          name: `${number}: Contact form broken (${viewport})`,
        })
        .waitFor();
      await page.getByText(/^#\d+ of \d+ in the High queue$/).waitFor();
      await page.getByText(description).waitFor();

      await page.getByLabel('Reply').fill('It also fails on the **signup** page.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('.message strong', { hasText: 'signup' }).waitFor();
      await checkA11y(page, `ticket page (${viewport})`);

      await page.goto(page.url().replace(/\/tickets\/.*/, '/'));
      await page
        .getByRole('link', { name: new RegExp(number) })
        .first()
        .waitFor();
      await page.context().close();
    });
  }
});
