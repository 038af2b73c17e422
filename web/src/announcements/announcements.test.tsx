import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';
import type { Announcement } from './live';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PUT: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import { Announcements } from './AnnouncementBar';
import AnnouncementsAdmin from './AnnouncementsAdmin';
import { liveAnnouncements } from './live';

const answer = (status: number, body?: unknown) =>
  status < 400 ? { data: body, response: new Response(null, { status }) } : { error: body, response: new Response(null, { status }) };

const item = (id: string, change: Partial<Announcement> = {}): Announcement => ({
  id,
  tenant_id: 't1',
  title: `Title ${id}`,
  body: 'Body',
  html: '<p>The portal is <strong>offline</strong> on Saturday.</p>',
  severity: 'warning',
  display: ['banner'],
  audience: 'tenant',
  roles: [],
  starts_at: '2026-12-05T10:00:00.000Z',
  state: 'live',
  created_by: 'u9',
  created_at: '2026-12-05T09:00:00.000Z',
  read: false,
  ...change,
});

afterEach(() => {
  vi.resetAllMocks();
  liveAnnouncements.value = [];
});

describe('announcements in the shell', () => {
  it('shows unread banners one at a time, and dismissing marks one read and shows the next', async () => {
    api.GET.mockResolvedValue(answer(200, { items: [item('a1'), item('a2', { severity: 'critical' }), item('a3', { read: true })] }));
    api.POST.mockResolvedValue(answer(204));
    render(<Announcements />);
    const banner = await screen.findByRole('region', { name: 'Announcement' });
    expect(within(banner).getByText(/Warning/, { selector: 'strong' }).textContent).toBe('Warning:');
    within(banner).getByRole('link', { name: 'Title a1' });
    within(banner).getByText('1 of 2');
    fireEvent.click(within(banner).getByRole('button', { name: 'Next announcement' }));
    within(banner).getByText(/Important/, { selector: 'strong' });
    fireEvent.click(within(banner).getByRole('button', { name: /Dismiss/ }));
    await waitFor(() =>
      expect(api.POST).toHaveBeenCalledWith('/api/v1/announcements/{announcement_id}/read', {
        params: { path: { announcement_id: 'a2' } },
      }),
    );
    await waitFor(() => expect(screen.getByRole('region', { name: 'Announcement' }).textContent).toContain('Title a1'));
    expect(screen.queryByText('1 of 2')).toBeNull();
    expect(screen.queryByText('Title a3')).toBeNull();
  });

  it('opens an unread modal announcement once, and "Got it" marks it read', async () => {
    api.GET.mockResolvedValue(answer(200, { items: [item('m1', { display: ['modal'], title: 'New billing address' })] }));
    api.POST.mockResolvedValue(answer(204));
    render(<Announcements />);
    const dialog = await screen.findByRole('dialog', { name: 'New billing address' });
    within(dialog).getByText('offline');
    expect(screen.queryByRole('region', { name: 'Announcement' })).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Got it' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.POST).toHaveBeenCalledWith('/api/v1/announcements/{announcement_id}/read', { params: { path: { announcement_id: 'm1' } } });
  });
});

describe('the announcement editor', () => {
  const open = () => {
    me.value = { user: { id: 'u1', role: 'partner', tenant: 't1', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
    render(
      <LocationProvider>
        <AnnouncementsAdmin />
      </LocationProvider>,
    );
  };

  it('lists announcements with their state and read counts', async () => {
    api.GET.mockImplementation(async (path: string) =>
      path.endsWith('/announcements')
        ? answer(200, {
            items: [item('a1', { reads: 12, reached: 40, display: ['banner', 'email'] }), item('a2', { state: 'scheduled', reads: 0 })],
          })
        : answer(200, { items: [] }),
    );
    open();
    const list = await screen.findByRole('list', { name: 'Announcements' });
    const [first, second] = within(list).getAllByRole('listitem');
    within(first).getByText('12 read · 40 sent');
    within(first).getByText(/Live · Warning · This portal/);
    within(second).getByText('0 read');
    within(second).getByText(/Scheduled/);
    expect(screen.queryByText(/Everyone on the platform/)).toBeNull();
  });

  it('publishes what was written and shows the server’s field errors next to their fields', async () => {
    api.GET.mockImplementation(async (path: string) =>
      path.endsWith('/announcements') ? answer(200, { items: [] }) : answer(200, { items: [{ id: 'o1', name: 'Globex' }] }),
    );
    api.POST.mockResolvedValueOnce(
      answer(422, { status: 422, title: 'Some fields are not valid', errors: [{ field: 'ends_at', message: 'must be after the start' }] }),
    );
    open();
    fireEvent.click(await screen.findByRole('button', { name: 'New announcement' }));
    fireEvent.input(screen.getByLabelText('Title'), { target: { value: 'Maintenance' } });
    fireEvent.input(screen.getByLabelText(/Message/), { target: { value: 'Saturday **22:00**' } });
    fireEvent.click(screen.getByLabelText('Email'));
    fireEvent.click(screen.getByLabelText('One client organization'));
    await screen.findByRole('option', { name: 'Globex' });
    fireEvent.change(screen.getByLabelText('Organization'), { target: { value: 'o1' } });
    fireEvent.click(screen.getByLabelText('Client'));
    fireEvent.click(screen.getByRole('button', { name: 'Publish' }));
    await screen.findByText('Choose an end after the start.');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/announcements', {
      params: { path: { tenant_id: 't1' } },
      body: expect.objectContaining({
        title: 'Maintenance',
        body: 'Saturday **22:00**',
        display: ['banner', 'email'],
        audience: 'organization',
        org_id: 'o1',
        roles: ['client'],
        severity: 'info',
      }),
    });
  });
});
