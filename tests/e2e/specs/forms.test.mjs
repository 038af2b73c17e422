// Forms, at phone and desktop size with the axe check on each screen: Kre8ivTech's staff build a
// form in the builder (fields added and configured, one moved by dragging on the desktop and by
// the keyboard on the phone, a rule, the live preview) and publish it; a client fills it (the
// rule shows a field, a missing answer is refused, the draft survives a reload) and submits;
// the staff read the figures and the submission. The forms made are closed afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiAs, assertNoSideScroll, checkA11y, launch, openPage, signIn } from '../lib/portal.mjs';

const STAFF = 'staff@kre8ivtech.test';
const CLIENT = 'dana@globex.test';

describe('forms', () => {
  let browser;
  let staff;
  const made = [];

  before(async () => {
    browser = await launch();
    staff = await apiAs(STAFF);
  });
  after(async () => {
    for (const id of made) {
      const gone = await staff.call('DELETE', `/api/v1/forms/${id}`);
      assert.equal(gone.status, 204, JSON.stringify(gone.body));
    }
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`staff build and publish a form, a client fills it, staff read the results (${viewport})`, async () => {
      const name = `Project brief ${viewport} ${Date.now()}`;

      // The builder.
      const page = await openPage(browser, viewport);
      const who = await signIn(page, STAFF);
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.goto(`${who.host}/forms`);
      await page.getByRole('link', { name: 'New form' }).click();
      await page.getByLabel('Name', { exact: true }).fill(name);
      const first = page.getByRole('region', { name: 'Page 1' });
      const add = async (type, label) => {
        await first.getByLabel('Type of field to add to page 1').selectOption(type);
        await first.getByRole('button', { name: 'Add to page 1' }).click();
        await page.getByLabel('Label', { exact: true }).fill(label);
      };
      await add('text', 'Company');
      await page.getByLabel('Required').check();
      await add('date', 'Deadline');
      await page.getByLabel('Required').check();
      await add('toggle', 'Rush job');
      await add('file', 'Brief file');
      await add('signature', 'Signature');

      // Rush job goes above Deadline: dragged on the desktop, by the keyboard on the phone.
      const handle = first.getByRole('button', { name: 'Move Rush job' });
      if (viewport === 'desktop') {
        await handle.dragTo(first.getByRole('button', { name: 'Move Deadline' }));
      } else {
        await handle.focus();
        await page.keyboard.press('ArrowUp');
      }
      await page.getByText('Rush job moved to position 2 of 5 on page 1.').waitFor();
      const order = await first
        .getByRole('button', { name: /^Move (?!page)/ })
        .evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
      assert.deepEqual(order, ['Move Company', 'Move Rush job', 'Move Deadline', 'Move Brief file', 'Move Signature']);

      // Deadline shows only for a rush job.
      const rules = page.getByRole('region', { name: 'Rules' });
      await rules.getByRole('button', { name: 'Add rule' }).click();
      await rules.getByLabel('When').selectOption({ label: 'Rush job' });
      await rules.getByLabel('Test').selectOption('equals');
      await rules.getByLabel('Value').fill('true');
      await rules.getByLabel('Then').selectOption('show');
      await rules.getByLabel('Field', { exact: false }).last().selectOption({ label: 'Deadline' });

      const preview = page.getByRole('region', { name: 'Preview' });
      assert.equal(await preview.getByLabel(/Deadline/).count(), 0, 'the preview hides Deadline');
      await preview.getByLabel('Rush job').check();
      await preview.getByLabel(/Deadline/).waitFor();
      await preview.getByRole('button', { name: 'Desktop' }).click();
      await checkA11y(page, `the form builder (${viewport})`);
      await assertNoSideScroll(page, `the form builder (${viewport})`);

      await page.getByRole('button', { name: 'Publish' }).click();
      await page.getByText('Published: version 1.').waitFor();
      const formId = new URL(page.url()).pathname.split('/')[2];
      made.push(formId);

      // A client fills it in.
      const client = await openPage(browser, viewport);
      const cwho = await signIn(client, CLIENT);
      await client.getByRole('navigation', { name: 'Main' }).waitFor();
      await client.goto(`${cwho.host}/forms`);
      await client.getByRole('link', { name }).click();
      await client.getByLabel(/Company/).fill('Globex');
      await client.getByText(/Your answers are saved/).waitFor();
      await client.reload();
      assert.equal(await client.getByLabel(/Company/).inputValue(), 'Globex', 'the draft is resumed');
      assert.equal(await client.getByLabel(/Deadline/).count(), 0);
      await client.getByLabel('Rush job').check();
      await client.getByRole('button', { name: 'Submit' }).click();
      await client.getByText('Deadline is required.').waitFor();
      await checkA11y(client, `a form being filled (${viewport})`);
      await assertNoSideScroll(client, `a form being filled (${viewport})`);
      await client.getByLabel(/Deadline/).fill('2027-01-15');
      // A file, uploaded as it is chosen, and a typed signature.
      await client
        .getByLabel('Brief file')
        .setInputFiles({ name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from('Our brief\n') });
      await client.getByText('Uploaded').waitFor();
      await client.getByLabel('Or type your name to sign').fill('Dana Scully');
      await client.getByRole('button', { name: 'Save signature' }).click();
      await client.getByText('Your signature is saved.').waitFor();
      await checkA11y(client, `a form with a file and a signature (${viewport})`);
      await client.getByRole('button', { name: 'Submit' }).click();
      await client.getByRole('heading', { name: 'Thank you' }).waitFor();

      // The staff read the results.
      await page.goto(`${who.host}/forms/${formId}/results`);
      const figures = page.getByRole('region', { name: 'Figures' });
      await figures.getByText('Completed').waitFor();
      assert.match(await figures.locator('dl').innerText(), /Completed\s+1/);
      await page.getByRole('list', { name: 'Submissions' }).getByRole('link', { name: /Dana/ }).click();
      await page.getByText('Globex', { exact: true }).waitFor();
      await page.getByText('2027-01-15').waitFor();
      await page.getByRole('button', { name: 'Download brief.txt' }).waitFor();
      await page.getByRole('button', { name: 'Download signature.png' }).waitFor();
      await checkA11y(page, `a submission (${viewport})`);
      await assertNoSideScroll(page, `a submission (${viewport})`);
      await page.goto(`${who.host}/forms/${formId}/results`);
      await figures.getByText('Completed').waitFor();
      await checkA11y(page, `a form's results (${viewport})`);
      await assertNoSideScroll(page, `a form's results (${viewport})`);
      await page.context().close();
      await client.context().close();
    });
  }
});
