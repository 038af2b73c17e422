// Images in knowledge-base articles, at phone and desktop size with the axe check on each screen:
// the partner starts an article (no images before its draft is saved: the control says so), saves
// the draft, and in the editor picks a file that is no image and one too large (each refused with
// a message before anything is sent), then a real PNG through "Insert image". The body names it
// on its own line at the cursor, the preview shows it loaded through the article's image address
// (a redirect to the bytes), and once saved the article page shows it too, no wider than the screen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import { assertNoSideScroll, checkA11y, launch, openPage, screenshot, signIn } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** A real RGB PNG of `width` x `height` in one colour (wider than a phone, to see it shrink to fit). */
function png(width, height, [r, g, b] = [37, 99, 235]) {
  const chunk = (type, data) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(4 + typed.length + 4);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 4 + typed.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per sample, RGB, no interlace
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
const WIDTH = 1200;
const PNG = png(WIDTH, 80);

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

async function checked(page, where) {
  await page.waitForLoadState('networkidle');
  await checkA11y(page, where);
  await assertNoSideScroll(page, where);
}

/** Picks `file` through "Insert image" (the button opens the file chooser). */
async function pickImage(page, file) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Insert image' }).click()]);
  await chooser.setFiles(file);
}

/** The text of what describes `control` (aria-describedby). */
const description = (control) =>
  control.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );

/** Waits until `img` has loaded its bytes (through the image address's redirect) and answers its natural width. */
async function loaded(page, img) {
  await img.waitFor();
  await img.scrollIntoViewIfNeeded();
  const state = await page.waitForFunction((el) => el.complete && (el.naturalWidth > 0 ? 'loaded' : 'broken'), await img.elementHandle());
  assert.equal(await state.jsonValue(), 'loaded', `${await img.getAttribute('src')} shows`);
  return img.evaluate((el) => el.naturalWidth);
}

describe('images in knowledge-base articles', () => {
  let browser;

  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner inserts an image into an article; the preview and the article show it (${viewport})`, async () => {
      const title = `Mail settings ${viewport} ${Date.now()}`;
      const page = await openPage(browser, viewport);
      await signIn(page, PARTNER);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await openKb(page, viewport);
      await page.getByRole('link', { name: 'New article' }).click();
      await page.getByRole('heading', { level: 1, name: 'New article' }).waitFor();

      // A new article has no id yet: images wait for its first save, and the control says so.
      const insert = page.getByRole('button', { name: 'Insert image' });
      assert.equal(await insert.isDisabled(), true, 'no images before the draft is saved');
      assert.equal(await description(insert), 'Save the draft once to add images.');
      await page.getByText('Save the draft once to add images.').waitFor();
      await page.getByLabel('Title').fill(title);
      const markdown = page.getByLabel('Body (Markdown)');
      await markdown.fill('# Open the settings\nChoose Mail in the menu.\n');
      await checked(page, `the new article editor (${viewport})`);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.getByRole('link', { name: 'Edit', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Edit: ${title}` }).waitFor();
      assert.equal(await insert.isDisabled(), false, 'a saved article takes images');
      assert.match(await description(insert), /PNG, JPEG, GIF or WebP, at most 10 MB/);

      // Files the article cannot take are refused before anything is sent.
      const said = (text) => page.getByRole('status').filter({ hasText: text });
      await pickImage(page, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Not an image.\n') });
      await said('notes.txt is not a PNG, JPEG, GIF or WebP image: choose one of those.').waitFor();
      await pickImage(page, { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(MAX_IMAGE_BYTES + 1) });
      await said('huge.png is 10.0 MB: choose an image of at most 10 MB.').waitFor();
      await checked(page, `the article editor with a refused file (${viewport})`);
      assert.equal(await markdown.inputValue(), '# Open the settings\nChoose Mail in the menu.\n', 'nothing inserted');

      // A real PNG, inserted at the cursor (after the heading) on its own line.
      await markdown.evaluate((el) => {
        el.focus();
        el.setSelectionRange(20, 20);
      });
      await pickImage(page, { name: 'settings.png', mimeType: 'image/png', buffer: PNG });
      await said('Image inserted.').waitFor();
      const body = await markdown.inputValue();
      assert.ok(body.includes('![') && body.includes('/images/'), body);
      assert.match(
        body,
        /^# Open the settings\n!\[settings\]\(\/api\/v1\/tenants\/[^/]+\/kb\/articles\/[^/]+\/images\/[^/)]+\)\nChoose Mail in the menu\.\n$/,
      );
      assert.equal(await markdown.evaluate((el) => el === document.activeElement), true, 'the keyboard is back in the body');

      // The preview shows it, loaded through the image address's redirect to the bytes.
      const preview = page.getByRole('region', { name: 'Preview' });
      if (viewport === 'mobile') await page.getByRole('button', { name: 'Preview', exact: true }).tap();
      const previewed = preview.locator('.kb-body').getByRole('img', { name: 'settings' });
      assert.equal(await loaded(page, previewed), WIDTH, 'the preview loaded the image');
      assert.match(await previewed.getAttribute('src'), /^\/api\/v1\/tenants\/[^/]+\/kb\/articles\/[^/]+\/images\//);
      await checked(page, `the article editor with an image (${viewport})`);
      await screenshot(page, `kb-image-editor-${viewport}`);
      if (viewport === 'mobile') await page.getByRole('button', { name: 'Write', exact: true }).tap();

      // Saved, the article shows it too, fitted to the screen.
      await page.getByLabel('What changed (optional)').fill('A picture of the settings');
      await page.getByRole('button', { name: 'Save article' }).click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      const article = page.getByRole('article', { name: title });
      const shown = article.getByRole('img', { name: 'settings' });
      assert.equal(await loaded(page, shown), WIDTH, 'the article page loaded the image');
      const [imageWidth, articleWidth] = await Promise.all([
        shown.evaluate((el) => el.getBoundingClientRect().width),
        article.evaluate((el) => el.getBoundingClientRect().width),
      ]);
      assert.ok(imageWidth <= articleWidth, `the image (${imageWidth}px) fits the article (${articleWidth}px)`);
      await checked(page, `an article with an image (${viewport})`);
      await screenshot(page, `kb-image-${viewport}`);
      await page.context().close();
    });
  }
});
