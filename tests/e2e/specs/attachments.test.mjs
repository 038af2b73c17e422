// Attachments: a client files a ticket with a text file and a PNG picked in the form; each goes
// up after the ticket exists with its own progress bar reaching 100%, and the ticket page lists
// them with download links that serve the same bytes. Another file attached from the ticket
// page joins the list, and whoever manages the ticket sees the files on their view of it.
//
// The local host presigns blob URLs on its public URL (http://localhost:PORT), so a browser on a
// partner's host (acme.localhost) PUTs to them cross-origin; the local /blobs answers the CORS
// preflight for portal origins (as S3's CORS rules do for every portal host), which the
// partner-host run checks first. The house host is same-origin.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { checkA11y, fetchBytes, HOSTS, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const NOTES = Buffer.from('Steps to reproduce:\n1. Open the contact form\n2. Press send\n');

/** Whether the blob host lets a page on `origin` PUT to it (answers the CORS preflight). */
function blobsAllow(origin) {
  const url = new URL('/blobs/preflight-probe', HOSTS.kt);
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        method: 'OPTIONS',
        path: url.pathname,
        headers: {
          host: url.host,
          origin,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      },
      (res) => {
        res.resume();
        const allowed = res.headers['access-control-allow-origin'];
        resolve(res.statusCode < 300 && (allowed === '*' || allowed === origin));
      },
    );
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Files a ticket with two files as `email` and checks both reach 100%; returns the ticket page's path. */
async function fileWithFiles(page, email, prefix) {
  await signIn(page, email);
  await page.getByRole('heading', { level: 1, name: /^Hello, / }).waitFor();
  await page.getByRole('link', { name: 'Submit ticket' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Submit a ticket' }).waitFor();

  await page.getByLabel('Category').selectOption('bug_report');
  const subject = `Contact form error, logs attached (${prefix})`;
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Description').fill('The form fails on send; notes and a screenshot attached.');
  await page.getByLabel('Attach files').setInputFiles([
    { name: 'notes.txt', mimeType: 'text/plain', buffer: NOTES },
    { name: 'screenshot.png', mimeType: 'image/png', buffer: PNG },
  ]);
  // Picked, waiting for the ticket.
  const bars = {
    'notes.txt': page.getByRole('progressbar', { name: 'Upload of notes.txt' }),
    'screenshot.png': page.getByRole('progressbar', { name: 'Upload of screenshot.png' }),
  };
  for (const bar of Object.values(bars)) await bar.waitFor();
  assert.equal(await page.getByText('Sent with the ticket').count(), 2);
  await checkA11y(page, `ticket form with files (${prefix})`);

  await page.getByRole('button', { name: 'Submit ticket' }).click();
  const confirmation = page.getByRole('heading', { level: 1, name: new RegExp(`^Ticket ${prefix}-\\d+ submitted$`) });
  await confirmation.waitFor();
  for (const [name, bar] of Object.entries(bars)) {
    const row = page.locator('.upload', { hasText: name });
    await row.getByText('Uploaded · 100%').waitFor();
    assert.equal(await bar.evaluate((el) => [el.value, el.max].join('/')), '100/100', `${name} reached 100%`);
  }
  await page
    .getByRole('status')
    .filter({ hasText: /uploaded\.$/ })
    .waitFor();
  await checkA11y(page, `ticket confirmation with files (${prefix})`);
  const number = (await confirmation.innerText()).match(/[A-Z]+-\d+/)[0];

  await page.getByRole('link', { name: 'View ticket' }).click();
  await page.getByRole('heading', { level: 1, name: `${number}: ${subject}` }).waitFor();
  return new URL(page.url()).pathname;
}

/** Clicks an attachment's link on the ticket page and checks the browser saved `bytes`, and the URL serves them. */
async function downloads(page, name, bytes, contentType) {
  const link = page.getByRole('region', { name: 'Attachments' }).getByRole('link', { name: `Download ${name}` });
  // The link asks for a five-minute URL on click and goes there; the browser saves the file.
  const [answer, download] = await Promise.all([
    page.waitForResponse((r) => /\/attachments\/[^/]+\/download$/.test(new URL(r.url()).pathname)),
    page.waitForEvent('download'),
    link.click(),
  ]);
  const { url, filename } = await answer.json();
  assert.equal(filename, name);
  assert.equal(download.suggestedFilename(), name);
  const saved = [];
  for await (const chunk of await download.createReadStream()) saved.push(chunk);
  assert.deepEqual(Buffer.concat(saved), bytes, `the download of ${name} is the file sent`);
  const fetched = await fetchBytes(url);
  assert.equal(fetched.status, 200);
  assert.equal(fetched.headers['content-type'], contentType);
  assert.deepEqual(fetched.body, bytes);
}

/** On a manager's view of the ticket: every file listed, the requester named, one downloaded. */
async function managerSees(browser, email, ticketPath, heading) {
  const page = await openPage(browser, 'mobile');
  await signIn(page, email);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.goto(`${login(email).host}${ticketPath}`);
  const list = page.getByRole('region', { name: 'Attachments' });
  for (const name of ['notes.txt', 'screenshot.png', 'more.txt']) await list.getByRole('link', { name: `Download ${name}` }).waitFor();
  assert.match(await list.locator('.attachment', { hasText: 'notes.txt' }).innerText(), /Requester/);
  await downloads(page, 'screenshot.png', PNG, 'image/png');
  await checkA11y(page, `ticket page with attachments (${email})`);
  await page.context().close();
}

describe('ticket attachments', () => {
  let browser;
  let partnerHostUploads;
  before(async () => {
    browser = await launch();
    partnerHostUploads = await blobsAllow(HOSTS.acme);
  });
  after(async () => browser?.close());

  it('files a ticket with files, sees them reach 100%, attaches more and downloads them (house host; staff view)', async () => {
    const page = await openPage(browser, 'desktop');
    const ticketPath = await fileWithFiles(page, 'drew@directclient.test', 'KT');
    const panel = page.getByRole('region', { name: 'Attachments' });
    await panel.getByRole('link', { name: 'Download screenshot.png' }).waitFor();
    assert.match(await panel.locator('.attachment', { hasText: 'notes.txt' }).innerText(), /\d+ B · You · /);
    await downloads(page, 'notes.txt', NOTES, 'text/plain');

    // Attaching from the ticket page: the file joins the list once confirmed.
    await page.getByLabel('Attach files').setInputFiles({ name: 'more.txt', mimeType: 'text/plain', buffer: Buffer.from('one more') });
    await panel.getByRole('link', { name: 'Download more.txt' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'more.txt uploaded.' }).waitFor();
    assert.equal(await panel.getByRole('progressbar').count(), 0, 'a confirmed file leaves the uploads list');
    await screenshot(page, 'attachments-ticket-page');
    await checkA11y(page, 'ticket page with attachments (client)');
    await page.context().close();

    await managerSees(browser, 'staff@kre8ivtech.test', ticketPath, 'Dashboard');
  });

  it('does the same on a partner host (client and partner views)', async () => {
    assert.ok(partnerHostUploads, 'the local blob host answers the CORS preflight for acme.localhost');
    const page = await openPage(browser, 'mobile');
    const ticketPath = await fileWithFiles(page, 'dana@globex.test', 'ACME');
    await downloads(page, 'notes.txt', NOTES, 'text/plain');
    await page.getByLabel('Attach files').setInputFiles({ name: 'more.txt', mimeType: 'text/plain', buffer: Buffer.from('one more') });
    await page.getByRole('region', { name: 'Attachments' }).getByRole('link', { name: 'Download more.txt' }).waitFor();
    await page.context().close();
    await managerSees(browser, 'pat@acme-agency.test', ticketPath, 'Dashboard');
  });
});
