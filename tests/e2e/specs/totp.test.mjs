// Two-step sign-in: a client turns on an authenticator app in their account (the code computed
// here from the shown key), saves the recovery codes, and signs in again with a fresh code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, launch, login, nextTotpStep, openPage, signIn, totp } from '../lib/portal.mjs';

describe('sign-in with an authenticator app', () => {
  let browser;
  before(async () => (browser = await launch()));
  after(async () => browser?.close());

  it('sets up TOTP and signs in with it', async () => {
    const email = 'ivy@initech.test';
    const page = await openPage(browser, 'mobile');
    await signIn(page, email);
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();

    await page.goto(`${login(email).host}/settings`);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const secret = await page.getByLabel('Set-up key').innerText();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    await checkA11y(page, 'authenticator set-up');
    await page.getByLabel('Code from the app').fill(totp(secret));
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    assert.ok((await codes.count()) >= 5, 'recovery codes are shown');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByText('Authenticator app: on').waitFor();

    await page.getByRole('button', { name: /Ivy/ }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();

    await signIn(page, email);
    await page.getByRole('heading', { level: 1, name: 'Two-step sign-in' }).waitFor();
    await checkA11y(page, 'second step');
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: /\S/ }).waitFor();

    await nextTotpStep();
    await page.getByLabel('Code from your authenticator app').fill(totp(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: /^Hello/ }).waitFor();
    await page.context().close();
  });
});
