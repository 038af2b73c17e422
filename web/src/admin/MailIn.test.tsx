import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';
import type { ReceivedMail, StoppedAddress } from '../mail/api';

const api = vi.hoisted(() => ({ GET: vi.fn(), PUT: vi.fn(), POST: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import MailIn from './MailIn';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  status < 400
    ? { data: body, response: new Response(null, { status, headers }) }
    : { error: body, response: new Response(null, { status, headers }) };

const verdicts = { spf: 'none', dkim: 'none', dmarc: 'none', spam: 'none', virus: 'none' };
const mail = (id: string, change: Partial<ReceivedMail> = {}): ReceivedMail => ({
  id,
  status: 'held',
  reason: 'the sender is not a person of this portal',
  reason_code: 'unknown_sender',
  attempts: 0,
  from_name: 'Nia Newbie',
  from_email: 'nia@prospect.test',
  recipient: 'acme@in.localhost',
  subject: `Subject ${id}`,
  automation: 'person',
  verdicts,
  size: 1200,
  internal: false,
  received_at: '2026-12-01T10:00:00Z',
  ...change,
});

const settings = { address: 'acme@in.localhost', unknown_senders: 'hold', forwarded_from: ['support@acme.test'] };
type Pages = Partial<Record<'all' | 'held' | 'failed', { items: ReceivedMail[]; next_cursor?: string | null }[]>>;
type StoppedPages = { items: StoppedAddress[]; next_cursor?: string | null }[];

/** Answers the screen's reads: the settings (version 3), the lists page by page, the organizations, the stopped addresses. */
function serve(pages: Pages, inbound = settings, stopped: StoppedPages = [{ items: [] }]) {
  const served: Record<string, number> = {};
  api.GET.mockImplementation(async (path: string, { params }: { params: { query?: { list?: string } } }) => {
    if (path === '/api/v1/tenants/{tenant_id}/mail/inbound') return answer(200, inbound, { ETag: '"3"' });
    if (path === '/api/v1/tenants/{tenant_id}/orgs')
      return answer(200, {
        items: [
          { id: 'org-globex', name: 'Globex' },
          { id: 'org-initech', name: 'Initech' },
        ],
      });
    if (path === '/api/v1/tenants/{tenant_id}/mail/received') {
      const list = (params.query?.list ?? 'all') as keyof Pages;
      const n = served[list] ?? 0;
      served[list] = n + 1;
      return answer(200, pages[list]?.[n] ?? pages[list]?.[pages[list]!.length - 1] ?? { items: [] });
    }
    if (path === '/api/v1/tenants/{tenant_id}/mail/stopped') {
      const n = served.stopped ?? 0;
      served.stopped = n + 1;
      return answer(200, stopped[Math.min(n, stopped.length - 1)]);
    }
    if (path === '/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/raw')
      return answer(200, { url: 'https://blobs.test/m.eml', filename: 'm.eml' });
    throw new Error(`unexpected GET ${path}`);
  });
}

function open(url = '/admin/mail-in', role: Me['user']['role'] = 'partner') {
  history.replaceState(null, '', url);
  me.value = { user: { id: 'u1', role, tenant: 'acme', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
  render(
    <LocationProvider>
      <MailIn />
    </LocationProvider>,
  );
}

beforeEach(() => history.replaceState(null, '', '/admin/mail-in'));
afterEach(() => {
  // Unmounted first: the screen reads who is signed in while it is shown.
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

describe('Mail in: the inbound address and the policy', () => {
  it('shows the address prominently and copies it', async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    serve({ held: [{ items: [] }] });
    open();
    const panel = await screen.findByRole('region', { name: 'Inbound address' });
    within(panel).getByText('acme@in.localhost');
    within(panel).getByText(/Forward your own support address/);
    fireEvent.click(within(panel).getByRole('button', { name: 'Copy address' }));
    await within(panel).findByText('Copied acme@in.localhost.');
    expect(writeText).toHaveBeenCalledWith('acme@in.localhost');
  });

  it('saves the policy and the forwarding addresses under the version read', async () => {
    serve({ held: [{ items: [] }] });
    api.PUT.mockResolvedValue(
      answer(200, { ...settings, unknown_senders: 'refuse', forwarded_from: ['support@acme.test', 'help@acme.test'] }, { ETag: '"4"' }),
    );
    open();
    const form = await screen.findByRole('region', { name: 'Unknown senders and forwarding' });
    expect((within(form).getByLabelText('Hold it for review') as HTMLInputElement).checked).toBe(true);
    expect((within(form).getByLabelText('Forwarding address 1') as HTMLInputElement).value).toBe('support@acme.test');
    fireEvent.click(within(form).getByLabelText('Refuse it with a branded answer'));
    fireEvent.click(within(form).getByRole('button', { name: 'Add an address' }));
    // Empty rows are left out.
    fireEvent.click(within(form).getByRole('button', { name: 'Add an address' }));
    fireEvent.input(within(form).getByLabelText('Forwarding address 3'), { target: { value: ' help@acme.test ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    await within(form).findByText('Saved. Mail from unknown senders is refused with a branded answer.');
    expect(api.PUT).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/inbound', {
      params: { path: { tenant_id: 'acme' }, header: { 'If-Match': '"3"' } },
      body: { unknown_senders: 'refuse', forwarded_from: ['support@acme.test', 'help@acme.test'] },
    });
    // The saved list replaces the rows (the empty one is gone).
    expect(within(form).queryByLabelText('Forwarding address 3')).toBeNull();
    expect((within(form).getByLabelText('Forwarding address 2') as HTMLInputElement).value).toBe('help@acme.test');
  });

  it('puts an address the server refused at its own field', async () => {
    serve({ held: [{ items: [] }] });
    api.PUT.mockResolvedValue(
      answer(422, {
        type: 'about:blank',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'forwarded_from[1]', message: 'is not an email address' }],
      }),
    );
    open();
    const form = await screen.findByRole('region', { name: 'Unknown senders and forwarding' });
    fireEvent.click(within(form).getByRole('button', { name: 'Add an address' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Add an address' }));
    // Row 2 stays empty (not sent): the second address sent is row 3.
    fireEvent.input(within(form).getByLabelText('Forwarding address 3'), { target: { value: 'not an address' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    const field = within(form).getByLabelText('Forwarding address 3');
    await waitFor(() => expect(field.getAttribute('aria-invalid')).toBe('true'));
    within(form).getByText('Enter an email address such as support@example.com.');
    within(form).getByText('Please correct the fields marked below.');
    expect(within(form).getByLabelText('Forwarding address 2').getAttribute('aria-invalid')).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(field));
  });

  it('explains a save over someone else’s change, and reloads their version', async () => {
    serve({ held: [{ items: [] }] });
    api.PUT.mockResolvedValue(answer(412, { type: 'about:blank', title: 'Precondition failed', status: 412 }));
    open();
    const form = await screen.findByRole('region', { name: 'Unknown senders and forwarding' });
    fireEvent.click(within(form).getByLabelText('Refuse it with a branded answer'));
    fireEvent.click(within(form).getByRole('button', { name: 'Save settings' }));
    await within(form).findByText(/Someone else changed these settings since you opened them/);
    expect((within(form).getByRole('button', { name: 'Save settings' }) as HTMLButtonElement).disabled).toBe(true);
    serve({ held: [{ items: [] }] }, { ...settings, unknown_senders: 'refuse', forwarded_from: [] });
    fireEvent.click(within(form).getByRole('button', { name: 'Reload' }));
    await screen.findByText('None listed.');
    expect((screen.getByLabelText('Refuse it with a branded answer') as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Unknown senders and forwarding' })));
    expect((screen.getByRole('button', { name: 'Save settings' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('Mail in: the lists', () => {
  it('lists held mail for review, with the reason and the checks', async () => {
    serve({
      held: [
        {
          items: [
            mail('m1'),
            mail('m2', {
              reason: "the sender's domain did not authenticate it (DMARC failed)",
              reason_code: 'dmarc_failed',
              verdicts: { ...verdicts, dmarc: 'fail', spf: 'pass' },
            }),
          ],
        },
      ],
    });
    open();
    const tab = await screen.findByRole('tab', { name: 'Review' });
    expect(tab.getAttribute('aria-selected')).toBe('true');
    const first = await screen.findByRole('article', { name: 'Subject m1' });
    within(first).getByText('Nia Newbie <nia@prospect.test>');
    within(first).getByText('The sender is not a person of this portal.');
    within(first).getByText('Not checked: SPF, DKIM, DMARC, Spam check and Virus check');
    within(first).getByRole('button', { name: 'Accept… Subject m1' });
    const second = screen.getByRole('article', { name: 'Subject m2' });
    within(second).getByText('SPF passed');
    within(second).getByText('DMARC failed');
    within(second).getByRole('button', { name: 'Accept Subject m2' });
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received', {
      params: { path: { tenant_id: 'acme' }, query: { list: 'held', limit: 25, cursor: undefined } },
    });
  });

  it('asks for the organization of an unknown sender, accepts, and takes the mail off the list', async () => {
    serve({ held: [{ items: [mail('m1'), mail('m2')] }] });
    api.POST.mockResolvedValue(answer(200, mail('m1', { status: 'filed', ticket_ref: 'ACME-1042', ticket_id: 't1' })));
    open();
    const item = await screen.findByRole('article', { name: 'Subject m1' });
    fireEvent.click(within(item).getByRole('button', { name: 'Accept… Subject m1' }));
    const form = await within(item).findByRole('form', { name: 'Accept Subject m1' });
    within(form).getByText(/Nia Newbie is not a person of this portal yet/);
    // Nothing chosen yet: said at the field, nothing sent.
    fireEvent.click(within(form).getByRole('button', { name: 'Accept and invite' }));
    await within(form).findByText('Choose the organization the sender joins as a client.');
    expect(api.POST).not.toHaveBeenCalled();
    fireEvent.change(within(form).getByRole('combobox', { name: 'Organization' }), { target: { value: 'org-globex' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Accept and invite' }));
    await screen.findByText('“Subject m1” is filed as ACME-1042. Nia Newbie is invited to the portal as a client of Globex.');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/accept', {
      params: { path: { tenant_id: 'acme', mail_id: 'm1' } },
      body: { org_id: 'org-globex' },
    });
    expect(screen.queryByRole('article', { name: 'Subject m1' })).toBeNull();
    screen.getByRole('article', { name: 'Subject m2' });
  });

  it('accepts mail of a known sender at once', async () => {
    serve({ held: [{ items: [mail('m1', { reason_code: 'dmarc_failed', reason: 'DMARC failed' })] }] });
    api.POST.mockResolvedValue(answer(200, mail('m1', { status: 'replied', ticket_ref: 'ACME-1001' })));
    open();
    fireEvent.click(await screen.findByRole('button', { name: 'Accept Subject m1' }));
    await screen.findByText('“Subject m1” is added to ACME-1001.');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/accept', {
      params: { path: { tenant_id: 'acme', mail_id: 'm1' } },
      body: {},
    });
  });

  it('asks for the organization when the server finds the sender unknown after all', async () => {
    serve({ held: [{ items: [mail('m1', { reason_code: 'dmarc_failed', reason: 'DMARC failed' })] }] });
    api.POST.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'org_id', message: 'name the organization the new client belongs to' }],
      }),
    );
    open();
    fireEvent.click(await screen.findByRole('button', { name: 'Accept Subject m1' }));
    const form = await screen.findByRole('form', { name: 'Accept Subject m1' });
    await within(form).findByRole('combobox', { name: 'Organization' });
    api.POST.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Some fields are not valid',
        status: 422,
        errors: [{ field: 'org_id', message: 'is not an organization of this portal' }],
      }),
    );
    fireEvent.change(within(form).getByRole('combobox', { name: 'Organization' }), { target: { value: 'org-initech' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Accept and invite' }));
    await within(form).findByText('Choose an organization from the list.');
    expect(within(form).getByRole('combobox', { name: 'Organization' }).getAttribute('aria-invalid')).toBe('true');
  });

  it('discards only once confirmed', async () => {
    serve({ held: [{ items: [mail('m1')] }] });
    api.POST.mockResolvedValue(answer(200, mail('m1', { status: 'discarded' })));
    open();
    const item = await screen.findByRole('article', { name: 'Subject m1' });
    fireEvent.click(within(item).getByRole('button', { name: 'Discard… Subject m1' }));
    const ask = within(item).getByRole('group', { name: 'Discard Subject m1' });
    within(ask).getByText(/stays in All mail, with its original/);
    fireEvent.click(within(ask).getByRole('button', { name: 'Keep it' }));
    expect(api.POST).not.toHaveBeenCalled();
    fireEvent.click(within(item).getByRole('button', { name: 'Discard… Subject m1' }));
    fireEvent.click(within(item).getByRole('button', { name: 'Discard this mail' }));
    await screen.findByText('“Subject m1” is discarded. It stays in All mail, with its original.');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/discard', {
      params: { path: { tenant_id: 'acme', mail_id: 'm1' } },
    });
    await screen.findByText(/^Nothing to review\./);
  });

  it('says when a held mail was dealt with meanwhile, and reloads the list', async () => {
    serve({ held: [{ items: [mail('m1', { reason_code: 'spam', reason: 'the spam check failed' })] }, { items: [] }] });
    api.POST.mockResolvedValue(
      answer(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'this mail is filed, not held' }),
    );
    open();
    fireEvent.click(await screen.findByRole('button', { name: 'Accept Subject m1' }));
    await screen.findByText(/is no longer held for review/);
    await screen.findByText(/^Nothing to review\./);
  });

  it('retries a failed mail: one that fails again stays with its new error', async () => {
    serve({
      failed: [{ items: [mail('f1', { status: 'failed', error: 'store unavailable', attempts: 3, reason: null, reason_code: null })] }],
    });
    open('/admin/mail-in?list=failed');
    const item = await screen.findByRole('article', { name: 'Subject f1' });
    expect(screen.getByRole('tab', { name: 'Failed' }).getAttribute('aria-selected')).toBe('true');
    within(item).getByText('store unavailable');
    within(item).getByText('3');
    api.POST.mockResolvedValueOnce(answer(200, mail('f1', { status: 'failed', error: 'still unavailable', attempts: 4 })));
    fireEvent.click(within(item).getByRole('button', { name: 'Retry Subject f1' }));
    await screen.findByText('“Subject f1” failed again: still unavailable.');
    within(screen.getByRole('article', { name: 'Subject f1' })).getByText('4');
    api.POST.mockResolvedValueOnce(answer(200, mail('f1', { status: 'filed', ticket_ref: 'ACME-9' })));
    fireEvent.click(screen.getByRole('button', { name: 'Retry Subject f1' }));
    await screen.findByText('“Subject f1” is filed as ACME-9.');
    expect(screen.queryByRole('article', { name: 'Subject f1' })).toBeNull();
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/retry', {
      params: { path: { tenant_id: 'acme', mail_id: 'f1' } },
    });
  });

  it('logs all mail with its status and ticket, and loads more', async () => {
    serve({
      all: [
        { items: [mail('a1', { status: 'filed', ticket_ref: 'ACME-1042', ticket_id: 't1', reason: null })], next_cursor: 'c2' },
        { items: [mail('a2', { status: 'refused', reason: 'the sender is not a person of this portal' })], next_cursor: null },
      ],
    });
    open('/admin/mail-in?list=all');
    const first = await screen.findByRole('article', { name: 'Subject a1' });
    within(first).getByText('Filed');
    expect(within(first).getByRole('link', { name: 'ACME-1042 (the ticket of Subject a1)' }).getAttribute('href')).toBe('/tickets/acme/t1');
    within(first).getByRole('link', { name: 'Original email of Subject a1' });
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    const second = await screen.findByRole('article', { name: 'Subject a2' });
    within(second).getByText('Refused');
    within(second).getByText('Refused because');
    within(second).getByText('The sender is not a person of this portal.');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received', {
      params: { path: { tenant_id: 'acme' }, query: { list: 'all', limit: 25, cursor: 'c2' } },
    });
  });

  it('moves between the lists from the tabs, also with the arrow keys', async () => {
    serve({ held: [{ items: [] }], failed: [{ items: [] }], all: [{ items: [] }] });
    open();
    await screen.findByText(/^Nothing to review\./);
    fireEvent.click(screen.getByRole('tab', { name: 'Failed' }));
    await screen.findByText(/^No failed mail\./);
    expect(location.search).toBe('?list=failed');
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Failed' }), { key: 'ArrowRight' });
    await screen.findByText(/^No mail received yet\. Mail sent or forwarded to acme@in.localhost appears here/);
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'All mail' }));
  });

  it('works on the tenant a staff member names in the URL', async () => {
    serve({ held: [{ items: [] }] });
    open('/admin/mail-in?tenant=globex-tenant', 'staff');
    await screen.findByText(/^Nothing to review\./);
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/inbound', { params: { path: { tenant_id: 'globex-tenant' } } });
  });

  it('is not found for those who may not see it', async () => {
    api.GET.mockResolvedValue(answer(404, { type: 'about:blank', title: 'Not found', status: 404 }));
    open('/admin/mail-in', 'client');
    await screen.findByRole('heading', { level: 1, name: 'Not found' });
  });
});

describe('Mail in: the stopped addresses', () => {
  const stop = (email: string, change: Partial<StoppedAddress> = {}): StoppedAddress => ({
    email,
    reason: 'bounce',
    detail: 'smtp; 550 5.1.1 user unknown',
    stopped_at: '2026-12-01T10:00:00Z',
    can_start_again: true,
    ...change,
  });

  it('says what a stopped address is, and when there is none', async () => {
    serve({ held: [{ items: [] }] });
    open();
    const section = await screen.findByRole('region', { name: 'Stopped addresses' });
    within(section).getByText(/^Mail to these addresses bounced or was reported as spam, so the portal stopped sending there/);
    await within(section).findByText(/^No stopped addresses\./);
    expect(within(section).queryByRole('alert')).toBeNull();
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/stopped', {
      params: { path: { tenant_id: 'acme' }, query: { limit: 25, cursor: undefined } },
    });
  });

  it('starts mail again to an address that bounced, and loads more', async () => {
    serve({ held: [{ items: [] }] }, settings, [
      { items: [stop('gone@example.com')], next_cursor: 'c2' },
      {
        items: [stop('angry@example.com', { reason: 'complaint', detail: 'abuse', can_start_again: false })],
        next_cursor: null,
      },
    ]);
    api.DELETE.mockResolvedValue(answer(204, undefined));
    open();
    const section = await screen.findByRole('region', { name: 'Stopped addresses' });
    const bounced = await within(section).findByRole('article', { name: 'gone@example.com' });
    within(bounced).getByText('Bounced');
    within(bounced).getByText('Server’s reply');
    within(bounced).getByText('smtp; 550 5.1.1 user unknown');
    fireEvent.click(within(section).getByRole('button', { name: 'Load more stopped addresses' }));
    const complained = await within(section).findByRole('article', { name: 'angry@example.com' });
    within(complained).getByText('Reported as spam');
    within(complained).getByText(/^Only its owner can start mail again/);
    expect(within(complained).queryByRole('button')).toBeNull();
    fireEvent.click(within(bounced).getByRole('button', { name: 'Start mail again to gone@example.com' }));
    await within(section).findByText('Mail to gone@example.com starts again.');
    expect(api.DELETE).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/stopped/{email}', {
      params: { path: { tenant_id: 'acme', email: 'gone@example.com' } },
    });
    expect(within(section).queryByRole('article', { name: 'gone@example.com' })).toBeNull();
  });

  it('shows why the server refused to start mail again', async () => {
    serve({ held: [{ items: [] }] }, settings, [{ items: [stop('gone@example.com')] }]);
    api.DELETE.mockResolvedValue(
      answer(409, {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'its owner reported our mail as spam: only they can start it again, by confirming the address from their settings',
      }),
    );
    open();
    const item = await screen.findByRole('article', { name: 'gone@example.com' });
    fireEvent.click(within(item).getByRole('button', { name: 'Start mail again to gone@example.com' }));
    await within(item).findByText(
      'Its owner reported our mail as spam: only they can start it again, by confirming the address from their settings.',
    );
  });
});
