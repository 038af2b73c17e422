import { fireEvent, render, screen, within } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';
import type { Setting } from '../notifications/preferences';

const api = vi.hoisted(() => ({ GET: vi.fn(), PATCH: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import NotificationDefaults from './NotificationDefaults';

const ok = (body: unknown) => ({ data: body, response: new Response(null, { status: 200 }) });

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

function open(role: 'partner' | 'super_admin', tenant: string) {
  me.value = { user: { id: 'u1', role, tenant, name: 'Pat Partner' }, organizations: [] } as unknown as Me;
  render(
    <LocationProvider>
      <NotificationDefaults />
    </LocationProvider>,
  );
}

afterEach(() => vi.resetAllMocks());

describe('NotificationDefaults', () => {
  it('offers a partner tenant’s roles, clients first, and changes a default', async () => {
    api.GET.mockImplementation(async (_path: string, { params }: { params: { path: { role: string } } }) =>
      ok({ role: params.path.role, kinds: [setting('ticket_reply', 'platform'), setting('invoice_issued', 'tenant', { email: false })] }),
    );
    api.PATCH.mockResolvedValue(
      ok({ role: 'client', kinds: [setting('ticket_reply', 'tenant', { sms: true }), setting('invoice_issued', 'tenant')] }),
    );
    open('partner', 'acme');
    const role = screen.getByRole('combobox', { name: 'Role' });
    expect([...(role as HTMLSelectElement).options].map((o) => o.value)).toEqual(['partner', 'partner_staff', 'client']);
    expect(role).toHaveProperty('value', 'client');

    const grid = await screen.findByRole('region', { name: 'Defaults for clients' });
    const replies = within(grid).getByRole('row', { name: /^Replies/ });
    within(replies).getByText('Platform default');
    expect(within(replies).queryByRole('button')).toBeNull();
    within(grid).getByRole('button', { name: 'Use platform default for New invoices' });

    fireEvent.click(within(grid).getByRole('checkbox', { name: 'Replies by text message' }));
    await screen.findByText('Saved: Replies by text message: on.');
    expect(api.PATCH).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/notification-defaults/{role}', {
      params: { path: { tenant_id: 'acme', role: 'client' } },
      body: { kinds: [{ kind: 'ticket_reply', sms: true }] },
    });
    within(replies).getByText('Set for this portal');

    fireEvent.change(role, { target: { value: 'partner_staff' } });
    await screen.findByRole('region', { name: 'Defaults for partner staff' });
    expect(api.GET).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/notification-defaults/{role}', {
      params: { path: { tenant_id: 'acme', role: 'partner_staff' } },
    });
  });

  it('offers the house tenant’s roles to a super admin on it', async () => {
    api.GET.mockImplementation(async (path: string) =>
      path === '/api/v1/tenants' ? ok({ items: [] }) : ok({ role: 'client', kinds: [setting('ticket_reply', 'platform')] }),
    );
    open('super_admin', 'kt');
    const role = await screen.findByRole('combobox', { name: 'Role' });
    expect([...(role as HTMLSelectElement).options].map((o) => o.value)).toEqual(['super_admin', 'staff', 'client']);
    await screen.findByRole('region', { name: 'Defaults for clients' });
  });
});
