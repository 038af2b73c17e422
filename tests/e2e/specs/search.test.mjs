// Global search, at phone and desktop size with the axe check on each screen: the partner opens
// the palette with Ctrl+K, types a misspelled word, sees the results grouped by kind with the
// words marked and opens a ticket with the arrows and Enter; reopens the palette on the recent
// search and goes to the results page, switches tabs, saves the search (a second time under the
// same name is refused), runs it and deletes it, sees a malformed query's fault inline and
// submits a search that finds nothing. A client closes the palette with Escape, finds a system
// KB article from it, then files a ticket: a KB article is suggested as the subject is typed and
// opens in a new tab, the draft kept. The partner's KB figures count that filing and the search
// that found nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoSideScroll, checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
// Dana belongs to Globex only (no organization to choose when filing).
const CLIENT = 'dana@globex.test';

async function checked(page, where) {
  await page.waitForLoadState('networkidle');
  await checkA11y(page, where);
  await assertNoSideScroll(page, where);
}

/**
 * The palette, opened with the keyboard, and its search box. Chromium now and then drops a
 * Ctrl+K pressed right after Escape closed the modal palette (no keydown reaches the page: seen
 * as no dialog at all, and a second press opens it), so the keys are pressed again while no
 * palette is there, never while one is (that would close it).
 */
async function openPalette(page) {
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  const box = palette.getByRole('combobox', { name: /^Search/ });
  for (let tries = 0; tries < 3 && (await palette.count()) === 0; tries++) {
    await page.keyboard.press('Control+k');
    await palette.waitFor({ state: 'attached', timeout: 2000 }).catch(() => {});
  }
  await box.waitFor();
  return { palette, box };
}

/** The names of the palette's groups, in order. */
const groupNames = (palette) =>
  palette
    .getByRole('group')
    .evaluateAll((groups) => groups.map((g) => document.getElementById(g.getAttribute('aria-labelledby'))?.textContent));

describe('global search', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`the palette, the results page, saved searches and KB suggestions while filing (${viewport})`, async () => {
      const stamp = `${viewport} ${Date.now()}`;
      const host = login(PARTNER).host;

      // The partner types a misspelled word: tickets and articles, grouped, the words marked.
      const partner = await openPage(browser, viewport);
      await signIn(partner, PARTNER);
      await partner.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      let { palette, box } = await openPalette(partner);
      await box.pressSequentially('invoce');
      const tickets = palette.getByRole('group', { name: 'Tickets' });
      await palette
        .getByRole('group', { name: 'Articles' })
        .getByRole('option', { name: /Paying an invoice online/ })
        .waitFor();
      await tickets.getByRole('option').first().waitFor();
      assert.deepEqual((await groupNames(palette)).slice(0, 2), ['Tickets', 'Articles']);
      assert.match(await tickets.locator('mark').first().innerText(), /^invoi?ce$/i);
      await palette.getByRole('option', { name: /^See all \d+ results for “invoce”$/ }).waitFor();
      assert.equal(await box.getAttribute('aria-activedescendant'), null, 'nothing chosen before the arrows');
      await checked(partner, `the palette with results (${viewport})`);
      await screenshot(partner, `search-palette-${viewport}`);

      // The arrows choose the first ticket; Enter opens it.
      await box.press('ArrowDown');
      const first = tickets.getByRole('option').first();
      assert.equal(await first.getAttribute('aria-selected'), 'true');
      assert.equal(await box.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
      const number = (await first.innerText()).match(/ACME-\d+/)[0];
      await box.press('Enter');
      await partner.getByRole('heading', { level: 1, name: new RegExp(`^${number}: `) }).waitFor();
      assert.equal(await palette.count(), 0, 'the palette closed');

      // Reopened, the palette offers the recent search; chosen, it searches again, and Enter with
      // nothing chosen opens the results page.
      ({ palette, box } = await openPalette(partner));
      await palette.getByRole('group', { name: 'Recent searches' }).getByRole('option', { name: 'invoce', exact: true }).waitFor();
      await box.press('ArrowDown');
      await box.press('Enter');
      assert.equal(await box.inputValue(), 'invoce');
      await palette.getByRole('group', { name: 'Tickets' }).waitFor();
      await box.press('Enter');
      await partner.getByRole('heading', { level: 1, name: 'Search', exact: true }).waitFor();
      assert.equal(new URL(partner.url()).search, '?q=invoce');

      // The results page: tabs with counts, the articles' tab.
      const tabs = partner.getByRole('tablist', { name: 'Kinds of results' });
      const all = tabs.getByRole('tab', { name: /^All \d+$/ });
      await all.waitFor();
      assert.equal(await all.getAttribute('aria-selected'), 'true');
      await tabs.getByRole('tab', { name: /^Tickets \d+$/ }).waitFor();
      await partner
        .getByRole('tabpanel')
        .getByRole('link', { name: /Paying an invoice online/ })
        .waitFor();
      await partner.getByText(/^Results 1–\d+ of \d+$/).waitFor();
      await partner.getByText('How to search').click();
      await partner.getByText('These words, in this order.').waitFor();
      await checked(partner, `the results page (${viewport})`);
      await screenshot(partner, `search-results-${viewport}`);
      // The arrow keys move between the tabs: All -> Tickets -> Articles.
      await all.focus();
      await partner.keyboard.press('ArrowRight');
      await partner.keyboard.press('ArrowRight');
      const articlesTab = tabs.getByRole('tab', { name: /^Articles \d+$/ });
      await partner.waitForURL(/type=article/);
      assert.equal(await articlesTab.getAttribute('aria-selected'), 'true');
      const panel = partner.getByRole('tabpanel', { name: /^Articles/ });
      await panel.getByRole('link', { name: /Paying an invoice online/ }).waitFor();
      // The tab's own results replace the previous tab's once they arrive.
      const metas = () => panel.locator('.hit__meta').allInnerTexts();
      for (let i = 0; i < 50 && !(await metas()).every((m) => /^Article/.test(m)); i++) {
        await partner.waitForTimeout(100);
      }
      for (const meta of await metas()) assert.match(meta, /^Article/);

      // Saved under a name (the same name twice is refused), run again, deleted.
      const name = `Invoice articles ${stamp}`;
      await partner.getByRole('button', { name: 'Save this search…' }).click();
      await partner.getByLabel('Name of the search').fill(name);
      await partner.getByRole('button', { name: 'Save search' }).click();
      const saved = partner.getByRole('region', { name: 'Your saved searches' });
      await saved.getByRole('link', { name, exact: true }).waitFor();
      await partner.getByRole('button', { name: 'Save this search…' }).click();
      await partner.getByLabel('Name of the search').fill(name);
      await partner.getByRole('button', { name: 'Save search' }).click();
      await partner.getByText('You already have a saved search with this name. Choose another.').waitFor();
      assert.equal(await partner.getByLabel('Name of the search').getAttribute('aria-invalid'), 'true');
      await checked(partner, `saving a search under a name taken (${viewport})`);
      await partner.getByRole('button', { name: 'Cancel' }).click();
      await all.click();
      await partner.waitForURL((url) => !url.search.includes('type='));
      await saved.getByRole('link', { name, exact: true }).click();
      await partner.waitForURL(/type=article/);
      assert.equal(await articlesTab.getAttribute('aria-selected'), 'true');
      await saved.getByRole('button', { name: `Delete the saved search ${name}` }).click();
      await saved.getByRole('link', { name, exact: true }).waitFor({ state: 'detached' });

      // A malformed query says what is wrong, at the box.
      const field = partner.getByLabel('Search for');
      await field.fill('"broken');
      await field.press('Enter');
      await partner.locator('.field__error').filter({ hasText: 'Close the quote opened at character 1.' }).waitFor();
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      const describedBy = (await field.getAttribute('aria-describedby')).split(' ');
      assert.ok(describedBy.includes(await partner.locator('.field__error').getAttribute('id')), 'the fault describes the box');
      await checked(partner, `a query with a fault (${viewport})`);
      // A submitted search that finds nothing (counted for the KB's authors).
      const nothing = `zzqx ${stamp}`;
      await field.fill(nothing);
      await field.press('Enter');
      await partner.getByText(`matches “${nothing}”.`).waitFor();

      // The client finds a system KB article from the palette and opens it with the keyboard.
      const client = await openPage(browser, viewport);
      const who = await signIn(client, CLIENT);
      await client.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
      ({ palette, box } = await openPalette(client));
      await box.press('Escape');
      await palette.waitFor({ state: 'detached' });
      ({ palette, box } = await openPalette(client));
      await box.pressSequentially('pasword');
      const reset = palette.getByRole('group', { name: 'Articles' }).getByRole('option', { name: /Resetting your password/ });
      await reset.waitFor();
      await checked(client, `the palette, client (${viewport})`);
      await box.press('ArrowDown');
      assert.equal(await box.getAttribute('aria-activedescendant'), await reset.getAttribute('id'));
      await box.press('Enter');
      await client.getByRole('heading', { level: 1, name: 'Resetting your password' }).waitFor();

      // Filing a ticket: a KB article is suggested for the subject, opens in a new tab, the draft stays.
      await client.goto(`${who.host}/tickets/new`);
      await client.getByRole('heading', { level: 1, name: 'Submit a ticket' }).waitFor();
      const subject = `How do I pay my invoce ${stamp}`;
      await client.getByLabel('Subject').pressSequentially(subject);
      const suggestions = client.getByRole('region', { name: 'These articles may answer your question' });
      const suggested = suggestions.getByRole('link', { name: /Paying an invoice online/ });
      await suggested.waitFor();
      assert.match(await suggested.innerText(), /opens in a new tab/);
      await checked(client, `the ticket form with suggestions (${viewport})`);
      await screenshot(client, `search-suggestions-${viewport}`);
      const [tab] = await Promise.all([client.context().waitForEvent('page'), suggested.click()]);
      await tab.getByRole('heading', { level: 1, name: 'Paying an invoice online' }).waitFor();
      await tab.close();
      assert.equal(await client.getByLabel('Subject').inputValue(), subject);
      await client.getByLabel('Category').selectOption('billing');
      await client.getByLabel('Description').fill('The card form does not load.');
      const filed = client.waitForResponse((r) => /\/search\/filings\/[^/]+\/filed$/.test(r.url()));
      await client.getByRole('button', { name: 'Submit ticket' }).click();
      await client.getByRole('heading', { level: 1, name: /^Ticket ACME-\d+ submitted$/ }).waitFor();
      assert.equal((await filed).status(), 200);

      // The partner's KB figures count the filing and the search that found nothing.
      await partner.goto(`${host}/kb`);
      await partner.getByRole('link', { name: 'Paying an invoice online' }).click();
      await partner.getByRole('link', { name: 'Figures' }).click();
      await partner.getByRole('heading', { level: 1, name: 'Figures: Paying an invoice online' }).waitFor();
      const deflection = partner.getByRole('region', { name: 'Suggestions while filing tickets' });
      const stat = async (label) => Number(await deflection.locator('.stats div').filter({ hasText: label }).locator('dd').innerText());
      await deflection.locator('.stats').waitFor();
      assert.ok((await stat('Filings with suggestions')) >= 1, 'the filing counted');
      assert.ok((await stat('Opened an article')) >= 1, 'the opened article counted');
      assert.ok((await stat('Filed anyway')) >= 1, 'the ticket filed counted');
      assert.match(await deflection.locator('.stats div').filter({ hasText: 'Deflection' }).locator('dd').innerText(), /^\d+%$/);
      await partner.getByRole('region', { name: 'Searches that found nothing' }).getByText(nothing.toLowerCase()).waitFor();
      await checked(partner, `the KB figures with suggestions (${viewport})`);
      for (const p of [partner, client]) await p.context().close();
    });
  }
});
