import { render, screen } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn() }));
vi.mock('../api/client', () => ({ api, XHR: { header: { 'X-Requested-With': 'kt-portal' } }, onSignedOut: () => () => {} }));

import ConfirmAddress from './ConfirmAddress';

const answer = (status: number, body?: unknown) =>
  status < 400 ? { data: body, response: new Response(null, { status }) } : { error: body, response: new Response(null, { status }) };

function open(url: string) {
  history.replaceState(null, '', url);
  render(
    <LocationProvider>
      <ConfirmAddress />
    </LocationProvider>,
  );
}

afterEach(() => {
  vi.resetAllMocks();
  me.value = undefined;
});

describe('the link that confirms one’s address', () => {
  it('confirms the address, and mail starts again', async () => {
    me.value = null;
    api.POST.mockResolvedValue(answer(204));
    open('/auth/confirm-address?token=t0k3n');
    await screen.findByText('Your address is confirmed: mail to it starts again.');
    screen.getByRole('heading', { level: 1, name: 'Address confirmed' });
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toBe('/sign-in');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/auth/mail-address/confirmed', {
      params: { header: { 'X-Requested-With': 'kt-portal' } },
      body: { token: 't0k3n' },
    });
  });

  it('says a used or expired link does not work, and where to ask for a new one', async () => {
    me.value = null;
    api.POST.mockResolvedValue(answer(401, { type: 'about:blank', title: 'Unauthenticated', status: 401 }));
    open('/auth/confirm-address?token=old');
    await screen.findByRole('heading', { level: 1, name: 'This link does not work' });
    screen.getByText(/^This link was already used, or it expired/);
    expect(screen.getByRole('link', { name: 'Sign in to ask for a new link' }).getAttribute('href')).toBe('/sign-in?next=%2Fsettings');
  });

  it('sends someone signed in to their settings for a new link, and asks nothing without a token', async () => {
    me.value = { user: { id: 'u1', role: 'client', tenant: 'acme', name: 'Dana' }, organizations: [] } as unknown as Me;
    open('/auth/confirm-address');
    await screen.findByRole('heading', { level: 1, name: 'This link does not work' });
    screen.getByText(/^The link is incomplete\./);
    expect(screen.getByRole('link', { name: 'Go to your account settings' }).getAttribute('href')).toBe('/settings');
    expect(api.POST).not.toHaveBeenCalled();
  });
});
