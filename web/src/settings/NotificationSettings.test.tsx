import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Preferences, Setting } from '../notifications/preferences';

const api = vi.hoisted(() => ({ GET: vi.fn(), PATCH: vi.fn() }));
vi.mock('../api/client', () => ({ api }));
// The Browser push panel has its own tests.
vi.mock('../notifications/PushOptIn', () => ({ PushOptIn: () => null }));

import { NotificationSettings } from './NotificationSettings';

const ok = (body: unknown, status = 200) => ({ data: body, response: new Response(null, { status }) });
const problem = (errors: { field: string; message: string }[]) => ({
  error: { type: 'about:blank', title: 'Invalid', status: 422, errors },
  response: new Response(null, { status: 422 }),
});

const setting = (kind: Setting['kind'], source: Setting['source'], change: Partial<Setting> = {}): Setting => ({
  kind,
  in_app: true,
  email: true,
  sms: false,
  push: false,
  delivery: 'instant',
  source,
  ...change,
});

const prefs = (change: Partial<Preferences> = {}): Preferences => ({
  kinds: [setting('ticket_reply', 'platform'), setting('message', 'person', { email: false })],
  time_zone: 'UTC',
  quiet_hours: null,
  phone_hint: null,
  push_devices: 0,
  ...change,
});

const delivery = (id: string, title: string) => ({
  id,
  kind: 'ticket_reply',
  title,
  link: `/tickets/acme/${id}`,
  created_at: '2026-03-01T10:00:00Z',
  source: 'platform',
  channels: [{ channel: 'email', outcome: 'held', hold: 'daily_digest', until: '2026-03-02T08:00:00Z' }],
  explanation: ['Email: held for your daily digest.', 'Text message: off.'],
});

function serve(settings: Preferences, pages: unknown[] = [{ items: [] }]) {
  let page = 0;
  api.GET.mockImplementation(async (path: string) => {
    if (path === '/api/v1/notifications/preferences') return ok(settings);
    if (path === '/api/v1/notifications/deliveries') return ok(pages[Math.min(page++, pages.length - 1)]);
    throw new Error(`unexpected GET ${path}`);
  });
}

afterEach(() => vi.resetAllMocks());

describe('NotificationSettings', () => {
  it('shows each kind by channel, whose choice it is, and where texts and pushes go', async () => {
    serve(prefs({ phone_hint: '•••• 4567' }));
    render(<NotificationSettings />);
    const grid = await screen.findByRole('table', { name: 'Notifications by kind and channel' });
    expect(within(grid).getByRole('checkbox', { name: 'Replies by email' })).toHaveProperty('checked', true);
    expect(within(grid).getByRole('checkbox', { name: 'New messages by email' })).toHaveProperty('checked', false);
    expect(within(grid).getByRole('combobox', { name: 'Replies: email delivery' })).toHaveProperty('value', 'instant');
    const replies = within(grid).getByRole('row', { name: /^Replies/ });
    within(replies).getByText('Default');
    expect(within(replies).queryByRole('button')).toBeNull();
    const messages = within(grid).getByRole('row', { name: /^New messages/ });
    within(messages).getByText('Your choice');
    within(messages).getByRole('button', { name: 'Use default for New messages' });
    screen.getByText('Text messages go to •••• 4567, the phone verified for two-step sign-in.');
    screen.getByText(/^No browser has push turned on yet/);
    const sms = within(grid).getByRole('checkbox', { name: 'Replies by text message' });
    expect(sms.getAttribute('aria-describedby')).toBe('sms-note');
  });

  it('saves a change at once, sending only what changed, and says so', async () => {
    serve(prefs());
    const after = prefs({
      kinds: [setting('ticket_reply', 'person', { delivery: 'daily' }), setting('message', 'person', { email: false })],
    });
    api.PATCH.mockResolvedValue(ok(after));
    render(<NotificationSettings />);
    const select = await screen.findByRole('combobox', { name: 'Replies: email delivery' });
    fireEvent.change(select, { target: { value: 'daily' } });
    await screen.findByText('Saved: email of Replies comes in a daily digest.');
    expect(api.PATCH).toHaveBeenCalledWith('/api/v1/notifications/preferences', {
      body: { kinds: [{ kind: 'ticket_reply', delivery: 'daily' }] },
    });
    within(screen.getByRole('row', { name: /^Replies/ })).getByRole('button', { name: 'Use default for Replies' });
  });

  it('sends a kind back to the default', async () => {
    serve(prefs());
    api.PATCH.mockResolvedValue(ok(prefs({ kinds: [setting('ticket_reply', 'platform'), setting('message', 'platform')] })));
    render(<NotificationSettings />);
    fireEvent.click(await screen.findByRole('button', { name: 'Use default for New messages' }));
    await screen.findByText('Saved: New messages back to the default.');
    expect(api.PATCH).toHaveBeenCalledWith('/api/v1/notifications/preferences', { body: { reset: ['message'] } });
    expect(screen.queryByRole('button', { name: /^Use default/ })).toBeNull();
  });

  it('puts a refused change on its kind and shows what is saved again', async () => {
    serve(prefs());
    api.PATCH.mockResolvedValue(problem([{ field: 'kinds[0].delivery', message: 'use instant, hourly, daily or weekly' }]));
    render(<NotificationSettings />);
    const select = await screen.findByRole('combobox', { name: 'Replies: email delivery' });
    fireEvent.change(select, { target: { value: 'weekly' } });
    await screen.findByText('Choose at once or a digest from the list.');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain('That change was not saved: the kind marked below says why.');
    await waitFor(() => expect(select).toHaveProperty('value', 'instant'));
    expect(select.getAttribute('aria-describedby')).toBe('kind-error-ticket_reply');
  });

  it('saves the time zone and quiet hours together, with errors next to their field', async () => {
    serve(prefs());
    api.PATCH.mockResolvedValueOnce(
      problem([{ field: 'quiet_hours', message: 'start and end must be different times of day' }]),
    ).mockResolvedValueOnce(ok(prefs({ time_zone: 'Europe/Berlin', quiet_hours: { start: '22:00', end: '06:00' } })));
    render(<NotificationSettings />);
    const zone = await screen.findByRole('combobox', { name: /^Time zone/ });
    fireEvent.change(zone, { target: { value: 'Europe/Berlin' } });
    const start = screen.getByLabelText('Quiet from');
    expect(start).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Quiet hours' }));
    expect(start).toHaveProperty('disabled', false);
    fireEvent.input(screen.getByLabelText('Quiet until'), { target: { value: '22:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save time zone and quiet hours' }));
    await screen.findByText('Choose quiet hours that end at another time than they start.');
    expect(api.PATCH).toHaveBeenLastCalledWith('/api/v1/notifications/preferences', {
      body: { time_zone: 'Europe/Berlin', quiet_hours: { start: '22:00', end: '22:00' } },
    });
    expect(screen.getByRole('checkbox', { name: 'Quiet hours' }).getAttribute('aria-invalid')).toBe('true');

    fireEvent.input(screen.getByLabelText('Quiet until'), { target: { value: '06:00' } });
    expect(screen.queryByText('Choose quiet hours that end at another time than they start.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save time zone and quiet hours' }));
    await screen.findByText('Saved: quiet from 22:00 to 06:00, Europe/Berlin time.');
    expect(screen.queryByText('Choose quiet hours that end at another time than they start.')).toBeNull();
  });

  it('lists recent deliveries with their explanation, and loads more', async () => {
    serve(prefs(), [
      { items: [delivery('d1', 'Reply on KT-1')], next_cursor: 'c1' },
      { items: [delivery('d2', 'Reply on KT-2')], next_cursor: null },
    ]);
    render(<NotificationSettings />);
    const link = await screen.findByRole('link', { name: 'Reply on KT-1' });
    expect(link.getAttribute('href')).toBe('/tickets/acme/d1');
    screen.getByText('Email: held for your daily digest.');
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('link', { name: 'Reply on KT-2' });
    expect(api.GET).toHaveBeenLastCalledWith('/api/v1/notifications/deliveries', { params: { query: { limit: 10, cursor: 'c1' } } });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });
});
