// The super admin's dead letters: run.sh leaves one unreadable message dead in the events queue
// (as the workers leave a message that failed five times). It shows with its reason at both
// viewports, and its Replay sends it back to the queue. Nobody else gets the screen or the API.
// The tests run in file order: the replay comes last, since the replayed message fails again
// and is back among the dead letters only after its backoff (about 30 seconds).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, checkA11y, launch, login, openPage, screenshot, signIn } from '../lib/portal.mjs';

const ADMIN = 'admin@kre8ivtech.test';
const STAFF = 'staff@kre8ivtech.test';
const MESSAGE = '01JDEADLETTERE2E0000000000';
const REPLAY = `Replay unreadable message ${MESSAGE}`;

async function openDeadLetters(page, viewport) {
  await signIn(page, ADMIN);
  await page.getByRole('heading', { level: 1, name: /Dashboard|Hello/ }).waitFor();
  await page.goto(`${login(ADMIN).host}/admin/dead-letters`);
  await page.getByRole('heading', { level: 1, name: 'Dead letters' }).waitFor();
  const events = page.getByRole('region', { name: /^Events queue/ });
  const message = events.getByRole('article', { name: 'Unreadable message' }).filter({ hasText: MESSAGE });
  await message.waitFor();
  await message
    .locator('.dead-letter__reason')
    .getByText(/not an event/)
    .waitFor();
  await message.getByRole('button', { name: REPLAY }).waitFor();
  await page.waitForLoadState('networkidle');
  await screenshot(page, `dead-letters-${viewport}`);
  await checkA11y(page, `dead letters (${viewport})`);
  return message;
}

describe('dead letters', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it('is offered to the super admin only', async () => {
    const page = await openPage(browser, 'desktop');
    await signIn(page, STAFF);
    await page.getByRole('heading', { level: 1, name: /Dashboard|Hello/ }).waitFor();
    await page.goto(`${login(STAFF).host}/admin`);
    await page.getByRole('heading', { level: 1, name: 'Admin' }).waitFor();
    await page.getByRole('link', { name: /Service levels/ }).waitFor();
    assert.equal(await page.getByRole('link', { name: /Dead letters/ }).count(), 0, 'staff are not offered dead letters');
    await page.context().close();

    const staff = await apiAs(STAFF);
    const list = await staff.call('GET', '/api/v1/operations/dead-letters');
    assert.ok([403, 404].includes(list.status), `staff list dead letters: ${list.status} ${JSON.stringify(list.body)}`);
    const replay = await staff.call('POST', '/api/v1/operations/dead-letters/replay', { queue: 'events' });
    assert.ok([403, 404].includes(replay.status), `staff replay dead letters: ${replay.status} ${JSON.stringify(replay.body)}`);

    const admin = await openPage(browser, 'desktop');
    await signIn(admin, ADMIN);
    await admin.getByRole('heading', { level: 1, name: /Dashboard|Hello/ }).waitFor();
    await admin.goto(`${login(ADMIN).host}/admin`);
    await admin.getByRole('link', { name: /Dead letters/ }).click();
    await admin.getByRole('heading', { level: 1, name: 'Dead letters' }).waitFor();
    await admin.context().close();
  });

  it('shows the unreadable message and its reason on a phone', async () => {
    const page = await openPage(browser, 'mobile');
    const message = await openDeadLetters(page, 'mobile');
    // The message, its reason and its long id wrap within the phone's width.
    const width = page.viewportSize().width;
    for (const part of [message, message.locator('.dead-letter__reason'), message.locator('.dead-letter__id')]) {
      const box = await part.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width + 0.5, `fits in ${width}px: ${JSON.stringify(box)}`);
    }
    await page.context().close();
  });

  it('replays it on a desktop', async () => {
    const page = await openPage(browser, 'desktop');
    const message = await openDeadLetters(page, 'desktop');
    await message.getByRole('button', { name: REPLAY }).click();
    await page.locator('[aria-live="polite"]').getByText('Replayed 1 message to the events queue.').waitFor();
    await page.getByRole('button', { name: REPLAY }).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.dead-letter__id', { hasText: MESSAGE }).count(), 0, 'the replayed message is no longer listed');
    await checkA11y(page, 'dead letters after a replay');
    await page.context().close();
  });
});
