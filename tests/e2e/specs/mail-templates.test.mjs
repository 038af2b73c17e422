// Mail templates, at phone and desktop size: the partner opens Admin > Mail templates, picks
// "Sign-in link" (kind magic_link) and writes a subject with {{portal.name}}: the preview's
// subject says the portal's name as one types, and its plain-text part is a tab away; an unknown
// {{nope}} is shown under the subject until it is corrected; the template is saved (Customized),
// kept over a reload, then reset to the default once confirmed. Mail in's stopped addresses show
// their empty state, without errors. Every screen is checked with axe and for sideways
// scrolling. The template is reset before and after (the other specs' sign-in mails keep the
// default), so the spec stands alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiAs, checkScreen, launch, login, openPage, screenshot, signIn, until } from '../lib/portal.mjs';

const PARTNER = 'pat@acme-agency.test';
const KIND = 'magic_link';
const DEFAULT_SUBJECT = 'Your sign-in link for {{portal.name}}';

describe('mail templates', () => {
  let browser;
  let pat;
  let template;
  const reset = async () => {
    const answer = await pat.call('DELETE', template);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  };
  before(async () => {
    browser = await launch();
    pat = await apiAs(PARTNER);
    template = `/api/v1/tenants/${pat.me.user.tenant}/mail/templates/${KIND}`;
    await reset();
  });
  after(async () => {
    if (pat) await reset();
    await browser?.close();
  });

  for (const viewport of ['mobile', 'desktop']) {
    it(`a partner rewrites the sign-in link's mail with a live preview, then resets it (${viewport})`, async () => {
      const stamp = `${viewport}-${Date.now()}`;
      const portal = (await pat.call('GET', '/api/v1/me')).body.branding.portal_name;
      const host = login(PARTNER).host;
      const page = await openPage(browser, viewport);
      await signIn(page, PARTNER);
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      await page.goto(`${host}/admin`);
      await page.getByRole('link', { name: /^Mail templates/ }).click();
      await page.getByRole('heading', { level: 1, name: 'Mail templates' }).waitFor();

      // The kinds of mail, each saying whether it is the portal's own.
      const kinds = page.getByRole('navigation', { name: 'Kinds of mail' });
      const signInLink = kinds.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Sign-in link', exact: true }) });
      await signInLink.getByText('Default', { exact: true }).waitFor();
      await screenshot(page, `mail-templates-${viewport}`);
      await checkScreen(page, `Mail templates (${viewport})`);

      await kinds.getByRole('link', { name: 'Sign-in link', exact: true }).click();
      const editor = page.getByRole('article', { name: 'Sign-in link' });
      await editor.getByRole('heading', { level: 2, name: 'Sign-in link' }).waitFor();
      assert.equal(new URL(page.url()).searchParams.get('kind'), KIND);
      await editor.getByText('Default', { exact: true }).waitFor();
      const subject = editor.getByLabel('Subject', { exact: true });
      assert.equal(await subject.inputValue(), DEFAULT_SUBJECT);
      const preview = editor.getByRole('region', { name: 'Preview' });
      await preview.getByText(`Your sign-in link for ${portal}`, { exact: true }).waitFor();
      await preview.getByTitle('The “Sign-in link” mail as recipients see it').waitFor();
      await editor.getByRole('region', { name: 'Variables' }).getByText('{{link.expires}}', { exact: true }).waitFor();
      await checkScreen(page, `Mail templates, the sign-in link (${viewport})`);

      // The preview follows the typing: the portal's name in the subject.
      const mine = `Sign in to {{portal.name}} ${stamp}`;
      await subject.fill(mine);
      await preview.getByText(`Sign in to ${portal} ${stamp}`, { exact: true }).waitFor();
      await preview.getByRole('tab', { name: 'Plain text' }).click();
      await preview
        .locator('pre')
        .getByText(/Use this link to sign in\./)
        .waitFor();
      await checkScreen(page, `Mail templates, the plain-text part (${viewport})`);
      await preview.getByRole('tab', { name: 'Formatted' }).click();

      // A variable the mail does not have is shown under the subject until it is corrected.
      await subject.fill(`Sign in to {{nope}} ${stamp}`);
      await editor.getByText(/^“\{\{nope\}\}” is not a variable of this mail\. Use one of: \{\{portal\.name\}\}, /).waitFor();
      assert.equal(await subject.getAttribute('aria-invalid'), 'true');
      await screenshot(page, `mail-templates-error-${viewport}`);
      await checkScreen(page, `Mail templates, an unknown variable (${viewport})`);
      await subject.fill(mine);
      await until(async () => (await subject.getAttribute('aria-invalid')) === null);
      await preview.getByText(`Sign in to ${portal} ${stamp}`, { exact: true }).waitFor();

      // Saved: the portal's own now, kept over a reload.
      await editor.getByRole('button', { name: 'Save template' }).click();
      await editor.getByText('Saved. “Sign-in link” mail is written from your template now.').waitFor();
      await editor.getByText('Customized', { exact: true }).waitFor();
      const saved = (await pat.call('GET', template)).body;
      assert.equal(saved.customized, true);
      assert.equal(saved.subject, mine);
      await page.reload();
      await editor.getByRole('heading', { level: 2, name: 'Sign-in link' }).waitFor();
      await editor.getByText('Customized', { exact: true }).waitFor();
      await until(async () => (await subject.inputValue()) === mine);
      await preview.getByText(`Sign in to ${portal} ${stamp}`, { exact: true }).waitFor();
      if (viewport === 'mobile') {
        // On a phone the list and the editor take turns.
        assert.equal(await kinds.isVisible(), false);
        await page.getByRole('link', { name: '← All mail templates' }).click();
        await signInLink.getByText('Customized', { exact: true }).waitFor();
        await kinds.getByRole('link', { name: 'Sign-in link', exact: true }).click();
        await editor.getByRole('heading', { level: 2, name: 'Sign-in link' }).waitFor();
      } else {
        await signInLink.getByText('Customized', { exact: true }).waitFor();
      }
      await preview.getByText(`Sign in to ${portal} ${stamp}`, { exact: true }).waitFor();
      await screenshot(page, `mail-templates-saved-${viewport}`);
      await checkScreen(page, `Mail templates, a customized template (${viewport})`);

      // Reset to the default, once confirmed.
      await editor.getByRole('button', { name: 'Reset to default…' }).click();
      await editor.getByText('Your subject and body for “Sign-in link” are replaced by the default template.').waitFor();
      await checkScreen(page, `Mail templates, resetting (${viewport})`);
      await editor.getByRole('button', { name: 'Reset to the default' }).click();
      await editor.getByText('Reset. “Sign-in link” mail is written from the default template again.').waitFor();
      await editor.getByText('Default', { exact: true }).waitFor();
      assert.equal(await subject.inputValue(), DEFAULT_SUBJECT);
      await preview.getByText(`Your sign-in link for ${portal}`, { exact: true }).waitFor();
      assert.equal((await pat.call('GET', template)).body.customized, false);

      // Mail in: no address is stopped, and the list says what one would be.
      await page.goto(`${host}/admin/mail-in`);
      await page.getByRole('heading', { level: 1, name: 'Mail in' }).waitFor();
      const stopped = page.getByRole('region', { name: 'Stopped addresses' });
      await stopped.getByText(/^Mail to these addresses bounced or was reported as spam/).waitFor();
      await stopped.getByText(/^No stopped addresses\./).waitFor();
      assert.equal(await stopped.getByRole('alert').count(), 0, 'no error in the stopped addresses');
      // The rest of the screen read too, before axe looks at it.
      await page.getByRole('region', { name: 'Inbound address' }).locator('code').waitFor();
      await until(async () => (await page.getByText('Loading…').count()) === 0);
      await checkScreen(page, `Mail in, the stopped addresses (${viewport})`);
      await page.context().close();
    });
  }
});
