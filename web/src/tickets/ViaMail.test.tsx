import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ GET: vi.fn() }));
vi.mock('../api/client', () => ({ api }));

import type { MailOrigin } from '../mail/api';
import { ViaMail } from './ViaMail';

const answer = (status: number, body: unknown) =>
  status < 400 ? { data: body, response: new Response(null, { status }) } : { error: body, response: new Response(null, { status }) };

const origin = (change: Partial<MailOrigin['verdicts']> = {}): MailOrigin => ({
  mail_id: '01JMAIL',
  verdicts: { spf: 'none', dkim: 'none', dmarc: 'none', spam: 'none', virus: 'none', ...change },
});

afterEach(() => {
  vi.resetAllMocks();
  vi.unstubAllGlobals();
});

describe('ViaMail', () => {
  it('shows those who work tickets the mark, the verdicts (in a disclosure) and the original', () => {
    render(<ViaMail tenantId="acme" origin={origin({ spf: 'pass', dkim: 'fail' })} manages of="of this ticket" />);
    screen.getByText('By email');
    const badge = screen.getByText('Authentication: failed DKIM');
    const disclosure = badge.closest('details')!;
    expect(disclosure.open).toBe(false);
    // Said in words, not by colour alone: each check with its verdict.
    const lines = within(disclosure)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(lines).toEqual(['✓SPF passed', '!DKIM failed', '–DMARC not checked']);
    expect(badge.closest('summary')!.className).toContain('badge--warn');
    const link = screen.getByRole('link', { name: 'Original email of this ticket' });
    expect(link.getAttribute('href')).toBe('/api/v1/tenants/acme/mail/received/01JMAIL/raw');
    expect(link.getAttribute('download')).toBe('mail-01jmail.eml');
  });

  it('is neutral when nothing checked the mail', () => {
    render(<ViaMail tenantId="acme" origin={origin()} manages of="of this ticket" />);
    expect(screen.getByText('Authentication: not checked').closest('summary')!.className).toContain('badge--neutral');
  });

  it('shows clients the mark and the original of their own mail, without the verdicts', () => {
    render(<ViaMail tenantId="acme" origin={origin({ spf: 'pass' })} manages={false} own of="of this ticket" />);
    screen.getByText('By email');
    expect(screen.queryByText(/^Authentication/)).toBeNull();
    screen.getByRole('link', { name: 'Original email of this ticket' });
  });

  it('shows clients only the mark on mail someone else sent', () => {
    render(<ViaMail tenantId="acme" origin={origin()} manages={false} of="of a reply" />);
    screen.getByText('By email');
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('keeps an internal note’s original for those who work tickets', () => {
    render(<ViaMail tenantId="acme" origin={origin()} manages={false} own internal of="of a note" />);
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('asks for the download link when pressed and goes to it', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    api.GET.mockResolvedValue(answer(200, { url: 'https://blobs.test/mail-01jmail.eml?sig=x', filename: 'mail-01jmail.eml' }));
    render(<ViaMail tenantId="acme" origin={origin()} manages={false} own of="of this ticket" />);
    fireEvent.click(screen.getByRole('link', { name: 'Original email of this ticket' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://blobs.test/mail-01jmail.eml?sig=x'));
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/raw', {
      params: { path: { tenant_id: 'acme', mail_id: '01JMAIL' } },
    });
  });

  it('says when the original cannot be downloaded', async () => {
    api.GET.mockResolvedValue(answer(404, { type: 'about:blank', title: 'Not found', status: 404 }));
    render(<ViaMail tenantId="acme" origin={origin()} manages of="of this ticket" />);
    fireEvent.click(screen.getByRole('link', { name: 'Original email of this ticket' }));
    const alert = await screen.findByText(/^The original email could not be downloaded\. We couldn’t find that/);
    expect(alert.getAttribute('role')).toBe('alert');
  });
});
