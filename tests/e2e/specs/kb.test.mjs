// The knowledge base, at phone and desktop size with the axe check on each screen: the partner
// adds a category and writes an article for one client organization (a field error first),
// publishes it; a client of that organization finds it from the dashboard, reads it and says it
// helped, with a comment; a client of another organization neither finds nor opens it. The
// partner then edits it with a note, compares the two versions, restores the first and reads
// the figures. The editor's preview is the body as the article page renders it (a Write /
// Preview switch on a phone). A client of the partner also reads the platform's own guides (the
// system KB) from the KB home, and an article nobody picked related articles for suggests some.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
// Ivy belongs to Initech (and Globex); Dana to Globex only.
const READER = 'ivy@initech.test';
const OUTSIDER = 'dana@globex.test';

/** The KB from the navigation: the header's on a desktop, the phone's "More" menu on a phone. */
async function openKb(page, viewport) {
  if (viewport === 'mobile') {
    const bar = page.getByRole('navigation', { name: 'Main (phone)' });
    await bar.getByRole('button', { name: 'More' }).tap();
    await bar.getByRole('link', { name: 'Knowledge base', exact: true }).tap();
  } else {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge base', exact: true }).click();
  }
  await page.getByRole('heading', { level: 1, name: 'Knowledge base', exact: true }).waitFor();
}

/** The editor's live preview: beside the body on a desktop, switched to on a phone (and back). */
async function seePreview(page, viewport, text, where) {
  const preview = page.getByRole('region', { name: 'Preview' });
  if (viewport === 'mobile') {
    assert.equal(await preview.isVisible(), false, 'a phone shows the body first');
    await page.getByRole('button', { name: 'Preview', exact: true }).tap();
  }
  await preview.locator('.kb-body').getByText(text).waitFor();
  if (where) await checked(page, where);
  if (viewport === 'mobile') {
    await page.getByRole('button', { name: 'Write', exact: true }).tap();
    await page.getByLabel('Body (Markdown)').waitFor();
  }
  return preview;
}

async function checked(page, where) {
  await page.waitForLoadState('networkidle');
  await checkA11y(page, where);
  await assertNoSideScroll(page, where);
}

describe('knowledge base', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner writes for one organization; its client reads and answers; history and figures (${viewport})`, async () => {
      const stamp = `${viewport} ${Date.now()}`;
      const categoryName = `Onboarding ${stamp}`;
      const title = `Connect your mailbox ${stamp}`;

      // The partner adds a category.
      const partner = await openPage(browser, viewport);
      await signIn(partner, PARTNER);
      await partner.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await openKb(partner, viewport);
      await checked(partner, `the KB home, manager (${viewport})`);
      await partner.getByRole('link', { name: 'Categories', exact: true }).click();
      await partner.getByRole('heading', { level: 1, name: 'Categories' }).waitFor();
      const adding = partner.getByRole('region', { name: 'Add a category' });
      await adding.getByLabel('Name').fill(categoryName);
      await adding.getByLabel('Position').fill('first');
      await adding.getByRole('button', { name: 'Add category' }).click();
      await adding.getByText('Enter a whole number, 0 or more.').waitFor();
      await adding.getByLabel('Position').fill('5');
      await adding.getByRole('button', { name: 'Add category' }).click();
      await partner
        .getByRole('status')
        .filter({ hasText: `Added ${categoryName}.` })
        .waitFor();
      await partner.getByRole('article', { name: categoryName }).waitFor();
      await checked(partner, `the KB categories (${viewport})`);

      // The article, for Initech only: the organizations are asked for first.
      await partner.getByRole('link', { name: 'Back to the knowledge base' }).click();
      await partner.getByRole('link', { name: 'New article' }).click();
      await partner.getByRole('heading', { level: 1, name: 'New article' }).waitFor();
      await partner.getByLabel('Title').fill(title);
      await partner.getByLabel('Summary').fill('Send and receive ticket mail from your own address.');
      await partner.getByLabel('Category').selectOption({ label: categoryName });
      await partner.getByLabel('Tags').fill('Mail, setup');
      await partner.getByLabel('Who can read it').selectOption('clients');
      await partner
        .getByLabel('Body (Markdown)')
        .fill('# Before you start\n\nHave your mail password ready.\n\nhttps://youtu.be/dQw4w9WgXcQ\n\n- Open Settings\n- Choose Mail\n');
      // The preview renders the Markdown as the article will show it, the video as its link.
      const preview = partner.getByRole('region', { name: 'Preview' });
      if (viewport === 'mobile') await partner.getByRole('button', { name: 'Preview', exact: true }).tap();
      await preview.getByRole('heading', { name: 'Before you start' }).waitFor();
      await preview.getByRole('listitem').filter({ hasText: 'Choose Mail' }).waitFor();
      await preview.getByRole('link', { name: 'Play the video on YouTube' }).waitFor();
      await checked(partner, `the article editor's preview (${viewport})`);
      if (viewport === 'mobile') await partner.getByRole('button', { name: 'Write', exact: true }).tap();
      await partner.getByRole('button', { name: 'Save draft' }).click();
      const orgs = partner.getByRole('group', { name: 'Organizations that read it' });
      await orgs.getByText('Choose at least one organization.').waitFor();
      assert.equal(await orgs.getByLabel('Initech').getAttribute('aria-invalid'), 'true');
      await checked(partner, `the article editor with an error (${viewport})`);
      await orgs.getByLabel('Initech').check();
      await partner.getByRole('button', { name: 'Save draft' }).click();
      await partner.getByRole('heading', { level: 1, name: title }).waitFor();
      const manage = partner.getByRole('region', { name: 'Manage this article' });
      await partner.getByText('Initech only').waitFor();
      await manage.getByRole('button', { name: 'Publish now' }).click();
      await manage.getByRole('status').filter({ hasText: 'Published.' }).waitFor();
      await partner.locator('.kb-facts').getByText('Published', { exact: true }).waitFor();
      await checked(partner, `an article, manager (${viewport})`);
      const articleUrl = partner.url();

      // Ivy (Initech) finds it from her dashboard, reads it and says it helped.
      const reader = await openPage(browser, viewport);
      await signIn(reader, READER);
      await reader.getByRole('navigation', { name: 'Quick actions' }).getByRole('link', { name: 'Search KB' }).click();
      await reader.getByRole('heading', { level: 1, name: 'Knowledge base' }).waitFor();
      await reader.getByLabel('Find by title').fill(`mailbox ${stamp}`);
      await reader.getByRole('status').filter({ hasText: '1 article matches the filters' }).waitFor();
      await checked(reader, `the KB home, reader (${viewport})`);
      await reader.getByRole('link', { name: title }).click();
      await reader.getByRole('heading', { level: 1, name: title }).waitFor();
      await reader.getByRole('article', { name: title }).getByText('Have your mail password ready.').waitFor();
      await reader.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: categoryName }).waitFor();
      assert.equal(await reader.getByRole('region', { name: 'Manage this article' }).count(), 0, 'a reader has no tools');
      const helpful = reader.getByRole('region', { name: 'Was this helpful?' });
      await helpful.getByRole('button', { name: 'Yes' }).click();
      await helpful.getByText('Thank you for your answer.').waitFor();
      assert.equal(await helpful.getByRole('button', { name: 'Yes' }).getAttribute('aria-pressed'), 'true');
      await helpful.getByLabel('What helped? (optional)').fill('The list of steps.');
      await helpful.getByRole('button', { name: 'Send comment' }).click();
      await helpful.getByText('Thank you: your comment was sent.').waitFor();
      await checked(reader, `an article, reader (${viewport})`);
      await screenshot(reader, `kb-article-${viewport}`);
      // The video loads from its provider only when asked for.
      const body = reader.getByRole('article', { name: title });
      assert.equal(await body.locator('iframe').count(), 0, 'no player before it is asked for');
      await body.getByRole('link', { name: 'Play the video on YouTube' }).click();
      assert.match(
        await body.locator('iframe[title="Video from YouTube"]').getAttribute('src'),
        /^https:\/\/www\.youtube-nocookie\.com\/embed\//,
      );

      // Dana (Globex only) neither finds nor opens it.
      const outsider = await openPage(browser, viewport);
      const owho = await signIn(outsider, OUTSIDER);
      await outsider.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
      await openKb(outsider, viewport);
      await outsider.getByLabel('Find by title').fill(`mailbox ${stamp}`);
      await outsider.getByRole('status').filter({ hasText: 'No articles match the filters' }).waitFor();
      assert.equal(await outsider.getByRole('link', { name: title }).count(), 0);
      await outsider.goto(`${owho.host}${new URL(articleUrl).pathname}`);
      await outsider
        .getByRole('alert')
        .filter({ hasText: /couldn’t find that/ })
        .waitFor();

      // The partner edits it with a note, compares the versions and restores the first.
      await partner.getByRole('link', { name: 'Edit', exact: true }).click();
      await partner.getByRole('heading', { level: 1, name: `Edit: ${title}` }).waitFor();
      const markdown = partner.getByLabel('Body (Markdown)');
      await markdown.fill(`${await markdown.inputValue()}- Type the password twice\n`);
      // The preview follows the typing.
      await seePreview(partner, viewport, 'Type the password twice');
      await partner.getByLabel('What changed (optional)').fill('A step added');
      await partner.getByRole('button', { name: 'Save article' }).click();
      await partner.getByRole('heading', { level: 1, name: title }).waitFor();
      await partner.getByRole('article', { name: title }).getByText('Type the password twice').waitFor();
      await partner.getByRole('link', { name: 'History' }).click();
      await partner.getByRole('heading', { level: 1, name: `History: ${title}` }).waitFor();
      await partner.getByRole('list', { name: 'Versions, newest first' }).getByText('Note: A step added').waitFor();
      await partner.getByText('Version 1 to 2: 1 line changed.').waitFor();
      const added = partner.getByRole('row').filter({ hasText: 'Type the password twice' });
      assert.match(await added.innerText(), /\+/, 'an added line carries a plus');
      assert.match(await added.innerText(), /Added/, 'and says so');
      await checked(partner, `an article's history (${viewport})`);
      await screenshot(partner, `kb-history-${viewport}`);
      await partner.getByRole('button', { name: 'Restore version 1…' }).click();
      await partner.getByRole('button', { name: 'Restore version 1 as a new version' }).click();
      await partner.getByRole('status').filter({ hasText: 'Version 1 restored as version 3.' }).waitFor();
      await partner.getByText('Version 2 to 3: 1 line changed.').waitFor();
      await partner.getByRole('link', { name: 'Back to the article' }).click();
      await partner.getByRole('heading', { level: 1, name: title }).waitFor();
      assert.equal(await partner.getByRole('article', { name: title }).getByText('Type the password twice').count(), 0, 'restored');

      // The figures: Ivy's read and her answer with its comment.
      await partner.getByRole('link', { name: 'Figures' }).click();
      await partner.getByRole('heading', { level: 1, name: `Figures: ${title}` }).waitFor();
      const stat = async (name) => Number(await partner.locator('.stats div').filter({ hasText: name }).locator('dd').innerText());
      assert.ok((await stat('Views')) >= 1, 'views counted');
      assert.ok((await stat('Unique readers')) >= 1, 'readers counted');
      assert.equal(await stat('Not helpful'), 0);
      assert.equal(
        await partner
          .locator('.stats div')
          .filter({ hasText: /^Helpful/ })
          .locator('dd')
          .innerText(),
        '1',
      );
      await partner.getByRole('region', { name: 'Feedback' }).getByText('The list of steps.').waitFor();
      await partner.getByRole('region', { name: 'Feedback' }).getByText('Ivy Initech').waitFor();
      await checked(partner, `an article's figures (${viewport})`);
      for (const p of [partner, reader, outsider]) await p.context().close();
    });

    it(`a client reads the platform guides; an article suggests related ones (${viewport})`, async () => {
      // Dana (a client of Acme's) finds the system KB's guides she may read under Acme's own.
      const client = await openPage(browser, viewport);
      await signIn(client, OUTSIDER);
      await client.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
      await openKb(client, viewport);
      const guides = client.getByRole('region', { name: 'Platform guides' }).first();
      await guides.getByRole('link', { name: 'Resetting your password' }).waitFor();
      assert.equal(await client.getByText('Kre8ivTech').count(), 0, 'the portal stays white-label');
      await checked(client, `the KB home with the platform guides (${viewport})`);
      await guides.getByRole('link', { name: 'Resetting your password' }).click();
      await client.getByRole('heading', { level: 1, name: 'Resetting your password' }).waitFor();
      await client.getByRole('article', { name: 'Resetting your password' }).getByText('Forgot password').waitFor();
      await checked(client, `a platform guide (${viewport})`);

      // Acme's "Opening a support ticket" has no related articles picked: search suggests some,
      // never the article itself.
      await openKb(client, viewport);
      await client.getByRole('region', { name: 'All articles' }).getByRole('link', { name: 'Opening a support ticket' }).click();
      await client.getByRole('heading', { level: 1, name: 'Opening a support ticket' }).waitFor();
      const related = client.getByRole('region', { name: 'Related articles' });
      await related.getByRole('link').first().waitFor();
      const own = new URL(client.url()).pathname;
      const links = await related.getByRole('link').all();
      assert.ok(links.length >= 1 && links.length <= 3, 'one to three suggestions');
      for (const l of links) {
        assert.notEqual(await l.getAttribute('href'), own, 'not the article itself');
        assert.doesNotMatch(await l.innerHTML(), /<mark/, 'plain titles');
      }
      await checked(client, `an article with suggested related articles (${viewport})`);
      await links[0].click();
      await client.getByRole('heading', { level: 1 }).waitFor();
      assert.notEqual(new URL(client.url()).pathname, own);
      await client.context().close();
    });
  }
});
