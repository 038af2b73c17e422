import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';
import type { MailTemplate } from '../mail/templates';

const api = vi.hoisted(() => ({ GET: vi.fn(), PUT: vi.fn(), POST: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import MailTemplates from './MailTemplates';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  status < 400
    ? { data: body, response: new Response(null, { status, headers }) }
    : { error: body, response: new Response(null, { status, headers }) };

const VARIABLES = [
  { name: 'portal.name', description: "the portal's name, e.g. Acme Support" },
  { name: 'recipient.first_name', description: "the recipient's first name" },
  { name: 'link.expires', description: 'how long the link works, e.g. 15 minutes' },
];
const template = (kind: string, change: Partial<MailTemplate> = {}): MailTemplate => ({
  kind,
  label: kind === 'magic_link' ? 'Sign-in link' : kind === 'ticket_reply' ? 'Reply on a ticket' : 'Invitation',
  subject: 'Your sign-in link for {{portal.name}}',
  body: 'Hello {{recipient.first_name}},\n\nUse this link to sign in.',
  customized: false,
  notification: kind === 'ticket_reply',
  variables: VARIABLES,
  updated_at: null,
  updated_by: null,
  ...change,
});
const LIST = [template('invitation'), template('magic_link'), template('ticket_reply', { customized: true })];

/** The preview the server writes from `{ subject, body }` (the portal is Acme Agency). */
const written = ({ subject, body }: { subject: string; body: string }) => ({
  from: 'Acme Agency <no-reply@localhost>',
  subject: subject.replace('{{portal.name}}', 'Acme Agency'),
  html: `<!doctype html><html><body><p>${body}</p></body></html>`,
  text: `${subject}\n\n${body.replace('{{recipient.first_name}}', 'Dana')}\n`,
});
const invalid = (field: string, message: string) =>
  answer(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors: [{ field, message }] });

/** Answers the reads: the list, one kind with its version, and previews of whatever is sent. */
function serve(one: MailTemplate = template('magic_link'), etag = '"0"') {
  api.GET.mockImplementation(async (path: string) => {
    if (path === '/api/v1/tenants/{tenant_id}/mail/templates') return answer(200, { items: LIST });
    if (path === '/api/v1/tenants/{tenant_id}/mail/templates/{kind}') return answer(200, one, { ETag: etag });
    throw new Error(`unexpected GET ${path}`);
  });
  api.POST.mockImplementation(async (_path: string, { body }: { body: { subject: string; body: string } }) => {
    if (body.subject.includes('{{nope}}'))
      return invalid('subject', '{{nope}} is not a variable of this mail; use portal.name, recipient.first_name, link.expires');
    return answer(200, written(body));
  });
}

function open(url = '/admin/mail-templates', role: Me['user']['role'] = 'partner') {
  history.replaceState(null, '', url);
  me.value = { user: { id: 'u1', role, tenant: 'acme', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
  render(
    <LocationProvider>
      <MailTemplates />
    </LocationProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

const subjectField = () => screen.getByLabelText('Subject') as HTMLInputElement;
const previewRegion = () => screen.getByRole('region', { name: 'Preview' });

describe('Mail templates', () => {
  it('lists every kind of mail, grouped, with whether it is the tenant’s own', async () => {
    serve();
    open();
    const list = await screen.findByRole('navigation', { name: 'Kinds of mail' });
    const groups = within(list)
      .getAllByRole('heading', { level: 3 })
      .map((h) => h.textContent);
    expect(groups).toEqual(['Account and other mail', 'Notifications']);
    const items = within(list)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual(['Invitation Default', 'Sign-in link Default', 'Reply on a ticket Customized']);
    expect(within(list).getByRole('link', { name: 'Sign-in link' }).getAttribute('href')).toBe('/admin/mail-templates?kind=magic_link');
    screen.getByText('Choose a kind of mail to change its template.');
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/templates', { params: { path: { tenant_id: 'acme' } } });
  });

  it('opens a kind with its variables and the preview of the mail it writes', async () => {
    serve();
    open();
    fireEvent.click(await screen.findByRole('link', { name: 'Sign-in link' }));
    const heading = await screen.findByRole('heading', { level: 2, name: 'Sign-in link' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    expect(location.search).toBe('?kind=magic_link');
    expect(screen.getByRole('link', { name: 'Sign-in link' }).getAttribute('aria-current')).toBe('page');
    expect(subjectField().value).toBe('Your sign-in link for {{portal.name}}');
    const variables = screen.getByRole('region', { name: 'Variables' });
    within(variables).getByText('{{link.expires}}');
    within(variables).getByText('how long the link works, e.g. 15 minutes');

    const preview = previewRegion();
    await within(preview).findByText('Your sign-in link for Acme Agency');
    within(preview).getByText('Acme Agency <no-reply@localhost>');
    const frame = within(preview).getByTitle('The “Sign-in link” mail as recipients see it') as HTMLIFrameElement;
    expect(frame.getAttribute('sandbox')).toBe('');
    expect(frame.srcdoc).toContain('Use this link to sign in.');
    fireEvent.click(within(preview).getByRole('tab', { name: 'Plain text' }));
    expect(within(preview).getByRole('tabpanel').querySelector('pre')?.textContent).toContain('Hello Dana,');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/templates/{kind}/preview', {
      params: { path: { tenant_id: 'acme', kind: 'magic_link' } },
      body: { subject: 'Your sign-in link for {{portal.name}}', body: 'Hello {{recipient.first_name}},\n\nUse this link to sign in.' },
      signal: expect.any(AbortSignal),
    });
  });

  it('previews as one types, and shows a mistake under its field until it is corrected', async () => {
    serve();
    open('/admin/mail-templates?kind=magic_link');
    await within(await screen.findByRole('region', { name: 'Preview' })).findByText('Your sign-in link for Acme Agency');
    fireEvent.input(subjectField(), { target: { value: 'Sign in to {{portal.name}} now' } });
    await within(previewRegion()).findByText('Sign in to Acme Agency now');
    fireEvent.input(subjectField(), { target: { value: 'Sign in to {{nope}}' } });
    await screen.findByText(
      '“{{nope}}” is not a variable of this mail. Use one of: {{portal.name}}, {{recipient.first_name}}, {{link.expires}}.',
    );
    expect(subjectField().getAttribute('aria-invalid')).toBe('true');
    within(previewRegion()).getByText('The preview waits for the mistakes marked in the form to be corrected.');
    // The last good preview stays.
    within(previewRegion()).getByText('Sign in to Acme Agency now');
    fireEvent.input(subjectField(), { target: { value: 'Sign in to {{portal.name}}' } });
    await within(previewRegion()).findByText('Sign in to Acme Agency');
    expect(subjectField().getAttribute('aria-invalid')).toBeNull();
  });

  it('inserts a variable where the cursor is', async () => {
    serve();
    open('/admin/mail-templates?kind=magic_link');
    await screen.findByRole('heading', { level: 2, name: 'Sign-in link' });
    const subject = subjectField();
    fireEvent.input(subject, { target: { value: 'Hello, welcome' } });
    fireEvent.focus(subject);
    subject.setSelectionRange(7, 7);
    const variables = screen.getByRole('region', { name: 'Variables' });
    fireEvent.click(within(variables).getByRole('button', { name: 'Insert {{recipient.first_name}} into the subject' }));
    await waitFor(() => expect(subjectField().value).toBe('Hello, {{recipient.first_name}} welcome'));
    screen.getByText('Inserted {{recipient.first_name}} into the subject.');
    // A field never entered gets it at its end.
    fireEvent.click(within(variables).getByRole('button', { name: 'Insert {{portal.name}} into the subject' }));
    const body = screen.getByLabelText('Body') as HTMLTextAreaElement;
    fireEvent.focus(body);
    body.setSelectionRange(0, 0);
    fireEvent.click(within(variables).getByRole('button', { name: 'Insert {{link.expires}} into the body' }));
    await waitFor(() => expect(body.value).toBe('{{link.expires}} Hello {{recipient.first_name}},\n\nUse this link to sign in.'));
  });

  it('saves under the version read, and the list says it is customized', async () => {
    serve(template('magic_link'), '"0"');
    api.PUT.mockImplementation(async (_path: string, { body }: { body: { subject: string; body: string } }) =>
      answer(200, template('magic_link', { ...body, customized: true, updated_at: '2026-12-06T10:00:00Z' }), { ETag: '"1"' }),
    );
    open('/admin/mail-templates?kind=magic_link');
    await screen.findByRole('heading', { level: 2, name: 'Sign-in link' });
    fireEvent.input(subjectField(), { target: { value: 'Welcome back to {{portal.name}}' } });
    screen.getByText('Changes not saved yet.');
    fireEvent.click(screen.getByRole('button', { name: 'Save template' }));
    await screen.findByText('Saved. “Sign-in link” mail is written from your template now.');
    expect(api.PUT).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/templates/{kind}', {
      params: { path: { tenant_id: 'acme', kind: 'magic_link' }, header: { 'If-Match': '"0"' } },
      body: { subject: 'Welcome back to {{portal.name}}', body: 'Hello {{recipient.first_name}},\n\nUse this link to sign in.' },
    });
    const article = screen.getByRole('article', { name: 'Sign-in link' });
    within(article).getByText('Customized');
    const list = screen.getByRole('navigation', { name: 'Kinds of mail' });
    expect(within(list).getByRole('link', { name: 'Sign-in link' }).parentElement?.textContent).toBe('Sign-in link Customized');
    expect(screen.queryByText('Changes not saved yet.')).toBeNull();

    // The next save goes under the version saved; then reset, once confirmed, under that one too.
    api.DELETE.mockResolvedValue(answer(200, template('magic_link'), { ETag: '"0"' }));
    fireEvent.click(within(article).getByRole('button', { name: 'Reset to default…' }));
    const ask = within(article).getByRole('group', { name: 'Reset to default' });
    within(ask).getByText('Your subject and body for “Sign-in link” are replaced by the default template.');
    fireEvent.click(within(ask).getByRole('button', { name: 'Reset to the default' }));
    await screen.findByText('Reset. “Sign-in link” mail is written from the default template again.');
    expect(api.DELETE).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/templates/{kind}', {
      params: { path: { tenant_id: 'acme', kind: 'magic_link' }, header: { 'If-Match': '"1"' } },
    });
    expect(subjectField().value).toBe('Your sign-in link for {{portal.name}}');
    within(article).getByText('Default');
    expect(within(article).queryByRole('button', { name: 'Reset to default…' })).toBeNull();
  });

  it('shows the server’s refusal of a save under its field', async () => {
    serve();
    api.PUT.mockResolvedValue(invalid('body', 'is required'));
    open('/admin/mail-templates?kind=magic_link');
    await within(await screen.findByRole('region', { name: 'Preview' })).findByText('Your sign-in link for Acme Agency');
    fireEvent.click(screen.getByRole('button', { name: 'Save template' }));
    await screen.findByText('Write the body of the mail.');
    screen.getByText('Please correct the fields marked below.');
    const body = screen.getByLabelText('Body');
    expect(body.getAttribute('aria-invalid')).toBe('true');
    await waitFor(() => expect(document.activeElement).toBe(body));
  });

  it('explains a save over someone else’s change, and reloads their version', async () => {
    serve();
    api.PUT.mockResolvedValue(answer(412, { type: 'about:blank', title: 'Precondition failed', status: 412 }));
    open('/admin/mail-templates?kind=magic_link');
    await screen.findByRole('heading', { level: 2, name: 'Sign-in link' });
    fireEvent.input(subjectField(), { target: { value: 'Mine' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save template' }));
    await screen.findByText(/^Someone else changed this template since you opened it\./);
    expect((screen.getByRole('button', { name: 'Save template' }) as HTMLButtonElement).disabled).toBe(true);
    serve(template('magic_link', { subject: 'Theirs {{portal.name}}', customized: true }), '"2"');
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    await waitFor(() => expect(subjectField().value).toBe('Theirs {{portal.name}}'));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Sign-in link' })));
    expect((screen.getByRole('button', { name: 'Save template' }) as HTMLButtonElement).disabled).toBe(false);
    api.PUT.mockResolvedValue(
      answer(200, template('magic_link', { subject: 'Theirs {{portal.name}}', customized: true }), { ETag: '"3"' }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save template' }));
    await screen.findByText(/^Saved\./);
    expect(api.PUT).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/mail/templates/{kind}', {
      params: { path: { tenant_id: 'acme', kind: 'magic_link' }, header: { 'If-Match': '"2"' } },
      body: { subject: 'Theirs {{portal.name}}', body: 'Hello {{recipient.first_name}},\n\nUse this link to sign in.' },
    });
  });

  it('is not found for those who may not configure the portal', async () => {
    api.GET.mockResolvedValue(answer(404, { type: 'about:blank', title: 'Not found', status: 404 }));
    open('/admin/mail-templates', 'partner_staff');
    await screen.findByRole('heading', { level: 1, name: 'Not found' });
  });
});
