import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import InvoiceList from './InvoiceList';
import type { InvoiceSummary } from './api';
import { loadPage } from './listing';

const answer = (body: unknown) => ({ data: body, response: new Response(null, { status: 200 }) });

const row = (id: string, change: Partial<InvoiceSummary> = {}): InvoiceSummary => ({
  id,
  number: `INV-2026-00${id}`,
  status: 'sent',
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  total: '1234.50',
  paid: '0.00',
  balance: '1234.50',
  past_due: false,
  issued_on: '2026-03-01',
  due_on: '2026-03-31',
  created_at: '2026-03-01T10:00:00Z',
  ...change,
});

function open(role: string, url: string, organizations: { id: string; name: string }[] = []) {
  me.value = { user: { id: 'u1', role, tenant: 'acme', name: 'Pat' }, organizations } as unknown as Me;
  history.replaceState(null, '', url);
  render(
    <LocationProvider>
      <Router>
        <Route path="/invoices" component={InvoiceList} />
        <Route default component={() => <h1>Elsewhere</h1>} />
      </Router>
    </LocationProvider>,
  );
}

const listCalls = () => api.GET.mock.calls.filter(([path]) => path === '/api/v1/tenants/{tenant_id}/invoices').map(([, o]) => o.params);

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

describe('InvoiceList', () => {
  it('shows an issuer the totals per status, the invoices and a status filter', async () => {
    api.GET.mockImplementation(async (path: string) => {
      if (path.endsWith('/totals'))
        return answer({
          totals: [
            { status: 'overdue', currency: 'EUR', count: 2, amount: '300.00' },
            { status: 'overdue', currency: 'USD', count: 1, amount: '50.00' },
            { status: 'paid', currency: 'EUR', count: 0, amount: '0.00' },
          ],
        });
      if (path.endsWith('/orgs')) return answer({ items: [{ id: 'globex', name: 'Globex' }] });
      return answer({
        items: [row('01', { status: 'overdue', past_due: true }), row('02', { status: 'draft', number: null })],
        next_cursor: null,
      });
    });
    open('partner', '/invoices');
    await screen.findByRole('link', { name: 'INV-2026-0001 Globex' });
    screen.getByRole('link', { name: 'New invoice' });
    const totals = screen.getByRole('region', { name: 'Totals by status' });
    expect(
      within(totals)
        .getAllByRole('term')
        .map((t) => t.textContent),
    ).toEqual(['Overdue (3)']);
    within(totals).getByText('€300.00');
    within(totals).getByText('$50.00');
    screen.getByRole('link', { name: 'Draft Globex' });
    screen.getByText(/Issued Mar 1, 2026 · due Mar 31, 2026 · balance €1,234.50/);

    fireEvent.click(screen.getByRole('button', { name: 'Overdue' }));
    await waitFor(() => expect(listCalls().at(-1)?.query).toMatchObject({ status: 'overdue', limit: 25 }));
    expect(screen.getByRole('button', { name: 'Overdue' }).getAttribute('aria-pressed')).toBe('true');
    expect(location.search).toBe('?status=overdue');
  });

  it('lists a client’s organizations one at a time, never offering drafts', async () => {
    api.GET.mockResolvedValue(answer({ items: [], next_cursor: null }));
    open('client', '/invoices', [
      { id: 'o1', name: 'Globex' },
      { id: 'o2', name: 'Initech' },
    ]);
    await screen.findByText('No invoices yet.');
    expect(listCalls()[0]).toEqual({ path: { tenant_id: 'acme' }, query: { org_id: 'o1', limit: 25, cursor: undefined } });
    expect(screen.queryByRole('button', { name: 'Draft' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'New invoice' })).toBeNull();
    fireEvent.change(screen.getByLabelText('Organization'), { target: { value: 'o2' } });
    await waitFor(() => expect(listCalls().at(-1)?.query.org_id).toBe('o2'));
  });

  it('gives Kre8ivTech staff a way to draft, and no list', async () => {
    open('staff', '/invoices');
    screen.getByRole('link', { name: 'New invoice' });
    expect(api.GET).not.toHaveBeenCalled();
  });

  it('reads past pages the filters emptied', async () => {
    const read = vi
      .fn()
      .mockResolvedValueOnce({ items: [], next_cursor: 'c1' })
      .mockResolvedValueOnce({ items: [row('03')], next_cursor: 'c2' });
    const page = await loadPage('house', { status: 'paid' }, undefined, read);
    expect(page).toEqual({ items: [row('03')], next_cursor: 'c2' });
    expect(read.mock.calls[1]).toEqual(['house', { status: 'paid', limit: 25, cursor: 'c1' }]);
  });
});
