import { fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn() }));
vi.mock('../api/client', () => ({ api, XHR: { header: { 'X-Requested-With': 'kt-portal' } }, onSignedOut: () => () => {} }));

import { MailAddress } from './MailAddress';

const answer = (status: number, body?: unknown) =>
  status < 400 ? { data: body, response: new Response(null, { status }) } : { error: body, response: new Response(null, { status }) };
const stopped = {
  email: 'dana@globex.test',
  stopped: { reason: 'bounce', text: 'mail to it bounced', stopped_at: '2026-12-06T12:00:00Z' },
};

afterEach(() => vi.resetAllMocks());

describe('mail to one’s own address', () => {
  it('says nothing while mail flows', async () => {
    api.GET.mockResolvedValue(answer(200, { email: 'dana@globex.test', stopped: null }));
    const { container } = render(<MailAddress />);
    await vi.waitFor(() => expect(api.GET).toHaveBeenCalledWith('/api/v1/auth/mail-address'));
    await new Promise((r) => setTimeout(r));
    expect(container.textContent).toBe('');
  });

  it('says when and why it stopped, and mails a link to confirm the address', async () => {
    api.GET.mockResolvedValue(answer(200, stopped));
    api.POST.mockResolvedValue(answer(202, { message: 'A link is on its way to dana@globex.test. It works for 24 hours.' }));
    render(<MailAddress />);
    const notice = await screen.findByRole('region', { name: 'Mail to you stopped' });
    within(notice).getByText('Mail to dana@globex.test stopped on Dec 6, 2026: mail to it bounced.');
    fireEvent.click(within(notice).getByRole('button', { name: 'Send a confirmation link' }));
    const said = await within(notice).findByText('A link is on its way to dana@globex.test. It works for 24 hours.');
    expect(said.getAttribute('role')).toBe('status');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/auth/mail-address/confirm', { params: { header: { 'X-Requested-With': 'kt-portal' } } });
  });

  it('shows why a link was not sent', async () => {
    api.GET.mockResolvedValue(answer(200, stopped));
    api.POST.mockResolvedValue(
      answer(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'mail to your address was not stopped' }),
    );
    render(<MailAddress />);
    fireEvent.click(await screen.findByRole('button', { name: 'Send a confirmation link' }));
    await screen.findByText('Mail to your address was not stopped.');
    expect(screen.getByRole('alert').textContent).toBe('Mail to your address was not stopped.');
  });
});
