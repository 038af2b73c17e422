import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import InvoiceEditor from './InvoiceEditor';
import type { BillingSettings } from './api';

const answer = (status: number, body: unknown, etag = '"1"') => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status, headers: { ETag: etag } }),
});

const settings: BillingSettings = {
  number_format: 'INV-{YYYY}-{SEQ:4}',
  next_number: 'INV-2026-0007',
  credit_note_format: 'CN-{YYYY}-{SEQ:4}',
  next_credit_note_number: 'CN-2026-0001',
  currency: 'EUR',
  tax_rates: [
    { id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false },
    { id: 'eco', name: 'Eco levy', percent: '2', inclusive: true, compound: false },
  ],
  platform_terms: { name: 'Net 30', due_days: 30 },
  presets: [],
  reminders: [],
  footer: '',
  address: '',
  tax_id: '',
  date_format: 'yyyy-mm-dd',
  amount_style: '1,234.56',
  paper: 'a4',
  version: 1,
};

function open(url: string) {
  history.replaceState(null, '', url);
  render(
    <LocationProvider>
      <Router>
        <Route path="/invoices/new" component={InvoiceEditor} />
        <Route path="/invoices/:tenantId/:invoiceId/edit" component={InvoiceEditor} />
        <Route path="/invoices/:tenantId/:invoiceId" component={() => <h1>The invoice page</h1>} />
        <Route default component={() => <p>Elsewhere</p>} />
      </Router>
    </LocationProvider>,
  );
}

beforeEach(() => {
  me.value = { user: { id: 'u1', role: 'partner', tenant: 'acme', name: 'Pat' }, organizations: [] } as unknown as Me;
  api.GET.mockImplementation(async (path: string) => {
    if (path.endsWith('/billing/settings')) return answer(200, settings);
    if (path.endsWith('/orgs')) return answer(200, { items: [{ id: 'globex', name: 'Globex' }] });
    throw new Error(`unexpected GET ${path}`);
  });
});

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

const totals = () => screen.getByRole('region', { name: 'Totals' }).querySelector('dl')!;
const line = (n: number) => screen.getByRole('group', { name: `Line ${n}` });
const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

describe('InvoiceEditor', () => {
  it('computes the totals as the user types, by the server’s rules', async () => {
    open('/invoices/new');
    await screen.findByRole('heading', { level: 1, name: 'New invoice' });
    fireEvent.change(screen.getByLabelText('Bill to'), { target: { value: 'org:globex' } });
    type(within(line(1)).getByLabelText('Description'), 'Design');
    type(within(line(1)).getByLabelText('Quantity'), '3');
    type(within(line(1)).getByLabelText('Unit price (EUR)'), '19.99');
    fireEvent.click(within(line(1)).getByLabelText('VAT 19%'));
    fireEvent.click(screen.getByRole('button', { name: 'Add line' }));
    type(within(line(2)).getByLabelText('Quantity'), '1.5');
    type(within(line(2)).getByLabelText('Unit price (EUR)'), '80');

    const said = (dl: Element) => [...dl.querySelectorAll('div')].map((d) => d.textContent);
    // The new line took the taxes of the one before.
    expect((within(line(2)).getByLabelText('VAT 19%') as HTMLInputElement).checked).toBe(true);
    expect(said(totals())).toEqual(['Subtotal€179.97', 'VAT 19%€34.19', 'Total€214.16']);

    fireEvent.click(within(line(1)).getByLabelText('Eco levy 2% (included in prices)'));
    fireEvent.change(screen.getByLabelText('Invoice discount'), { target: { value: 'fixed' } });
    type(screen.getByLabelText('Invoice discount (EUR)'), '10');
    // 59.97 and 120 share 10.00 as 3.33 and 6.67; the eco levy comes out of line 1's 56.64.
    expect(said(within(line(1)).getByText('Line total').closest('dl')!)).toEqual([
      'Amount€59.97',
      'Discount−€3.33',
      'Eco levy€1.11',
      'VAT€10.55',
      'Line total€67.19',
    ]);
    expect(said(totals())).toEqual(['Subtotal€179.97', 'Discounts−€10.00', 'Eco levy 2% (included)€1.11', 'VAT 19%€32.08', 'Total€202.05']);
  });

  it('saves the draft once, with its key, and shows the server’s errors next to their fields', async () => {
    open('/invoices/new');
    await screen.findByRole('heading', { level: 1, name: 'New invoice' });
    fireEvent.change(screen.getByLabelText('Bill to'), { target: { value: 'org:globex' } });
    type(within(line(1)).getByLabelText('Description'), 'Design');
    type(within(line(1)).getByLabelText('Quantity'), '0');
    type(within(line(1)).getByLabelText('Unit price (EUR)'), '10.999');
    api.POST.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'lines[0].quantity', message: 'use a quantity above 0 and under 1,000,000, with at most 4 decimals' },
          { field: 'lines[0].unit_price', message: 'EUR amounts have at most 2 decimals' },
        ],
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    const quantity = within(line(1)).getByLabelText('Quantity');
    await within(line(1)).findByText('Enter a quantity above 0 and under 1,000,000, with at most 4 decimals.');
    within(line(1)).getByText('Enter EUR amounts with at most 2 decimals.');
    expect(quantity.getAttribute('aria-invalid')).toBe('true');
    expect((quantity as HTMLInputElement).value).toBe('0');
    await waitFor(() => expect(document.activeElement).toBe(quantity));
    screen.getByText('Please correct the fields marked below.');

    const [, first] = api.POST.mock.calls[0];
    expect(first.body).toEqual({
      billed: { org_id: 'globex' },
      currency: 'EUR',
      lines: [{ description: 'Design', quantity: '0', unit_price: '10.999', discount: null, tax_rate_ids: [] }],
      discount: null,
      notes: '',
      terms_text: '',
    });
    const key = first.params.header['Idempotency-Key'];
    expect(key).toBeTruthy();
    // A partner bills no time: no tickets to link, and nothing about them sent.
    expect(screen.queryByRole('region', { name: 'Tickets' })).toBeNull();

    type(quantity, '2');
    expect(within(line(1)).queryByText(/Enter a quantity/)).toBeNull();
    type(within(line(1)).getByLabelText('Unit price (EUR)'), '11');
    api.POST.mockResolvedValueOnce(answer(201, { id: 'inv1', status: 'draft' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await screen.findByRole('heading', { level: 1, name: 'The invoice page' });
    expect(location.pathname).toBe('/invoices/acme/inv1');
    expect(api.POST.mock.calls[1][1].params.header['Idempotency-Key']).toBe(key);
  });

  it('sends after saving, once confirmed', async () => {
    open('/invoices/new');
    await screen.findByRole('heading', { level: 1, name: 'New invoice' });
    fireEvent.change(screen.getByLabelText('Bill to'), { target: { value: 'org:globex' } });
    type(within(line(1)).getByLabelText('Description'), 'Design');
    type(within(line(1)).getByLabelText('Unit price (EUR)'), '100');
    fireEvent.click(screen.getByRole('button', { name: 'Send…' }));
    const confirm = screen.getByRole('button', { name: 'Send to Globex now' });
    await waitFor(() => expect(document.activeElement).toBe(confirm));
    screen.getByText(/next invoice number \(INV-2026-0007\)/);
    api.POST.mockResolvedValueOnce(answer(201, { id: 'inv2', status: 'draft' }, '"1"')).mockResolvedValueOnce(
      answer(200, { id: 'inv2', status: 'sent' }, '"2"'),
    );
    fireEvent.click(confirm);
    await screen.findByRole('heading', { level: 1, name: 'The invoice page' });
    expect(api.POST.mock.calls[1]).toEqual([
      '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/send',
      { params: { path: { tenant_id: 'acme', invoice_id: 'inv2' }, header: { 'If-Match': '"1"' } } },
    ]);
  });

  it('edits a saved draft under its version, and removing a line takes its errors along', async () => {
    api.GET.mockImplementation(async (path: string) => {
      if (path.endsWith('/billing/settings')) return answer(200, settings);
      if (path.endsWith('/orgs')) return answer(200, { items: [{ id: 'globex', name: 'Globex' }] });
      return answer(
        200,
        {
          id: 'inv3',
          status: 'draft',
          side: 'issuer',
          billed: { kind: 'org', id: 'globex', name: 'Globex' },
          currency: 'EUR',
          lines: [
            { description: 'A', quantity: '1', unit_price: '10.00', tax_rate_ids: ['old'], discount: null },
            { description: 'B', quantity: '2', unit_price: '5.00', tax_rate_ids: [], discount: { kind: 'percent', value: '10' } },
          ],
          discount: { kind: 'percent', value: '5' },
          tax_rates: [{ id: 'old', name: 'Old tax', percent: '7', inclusive: false, compound: false }],
          notes: 'Thanks',
          terms_text: '',
        },
        '"4"',
      );
    });
    open('/invoices/acme/inv3/edit');
    await screen.findByRole('heading', { level: 1, name: 'Edit draft for Globex' });
    expect((within(line(1)).getByLabelText('Old tax 7% (no longer offered)') as HTMLInputElement).checked).toBe(true);
    expect((within(line(2)).getByLabelText('Line discount (%)') as HTMLInputElement).value).toBe('10');
    api.PATCH.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'lines[0].tax_rate_ids[0]', message: "is not one of this tenant's tax rates" },
          { field: 'lines[1].description', message: 'use 1 to 500 characters' },
        ],
      }),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await within(line(1)).findByText('Choose tax rates from the list; this one is no longer offered.');
    expect(api.PATCH.mock.calls[0][1].params.header).toEqual({ 'If-Match': '"4"' });
    expect(api.PATCH.mock.calls[0][1].body.discount).toEqual({ kind: 'percent', value: '5' });
    fireEvent.click(within(line(1)).getByRole('button', { name: 'Remove line 1' }));
    // Line 2 became line 1, with its error.
    within(line(1)).getByText('Write a description of at most 500 characters.');
    expect(within(line(1)).queryByText(/no longer offered\.$/)).toBeNull();

    fireEvent.change(screen.getByLabelText('Invoice discount'), { target: { value: '' } });
    api.PATCH.mockResolvedValueOnce(answer(200, { id: 'inv3', status: 'draft' }, '"5"'));
    fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
    await screen.findByRole('heading', { level: 1, name: 'The invoice page' });
    expect(api.PATCH.mock.calls[1][1].body.discount).toBeNull();
  });

  describe('billing time (Kre8ivTech staff)', () => {
    const sheet = {
      entries: [
        { id: 'e1', user_id: 'u1', minutes: 90, work_date: '2026-12-01', note: 'Migration', billable: true, created_at: '' },
        { id: 'e2', user_id: 'u1', minutes: 30, work_date: '2026-12-02', note: 'Coffee', billable: false, created_at: '' },
        { id: 'e3', user_id: 'u1', minutes: 60, work_date: '2026-12-03', note: 'DNS', billable: true, created_at: '', invoice_id: 'inv9' },
      ],
      total_minutes: 180,
      billable_minutes: 150,
    };
    const shop = { id: 't1', tenant_id: 'kt', number: 'KT-1001', subject: 'Migrate the shop', org_id: 'direct' };

    beforeEach(() => {
      me.value = { user: { id: 'u1', role: 'staff', tenant: 'kt', name: 'Sam' }, organizations: [] } as unknown as Me;
      api.GET.mockImplementation(async (path: string) => {
        if (path.endsWith('/billing/settings')) return answer(200, { ...settings, currency: 'USD' });
        if (path.endsWith('/orgs')) return answer(200, { items: [{ id: 'direct', name: 'Direct Client Co' }] });
        if (path.endsWith('/time-entries')) return answer(200, sheet);
        if (path.endsWith('/tickets/{ticket_id}')) return answer(200, shop);
        if (path.endsWith('/tickets')) return answer(200, { items: [shop, { ...shop, id: 't2', number: 'KT-1002', subject: 'Logo' }] });
        throw new Error(`unexpected GET ${path}`);
      });
    });

    it('links a ticket, ticks its billable time, adds the line to price, and shows faults at the entry', async () => {
      open('/invoices/new');
      await screen.findByRole('heading', { level: 1, name: 'New invoice' });
      const tickets = screen.getByRole('region', { name: 'Tickets' });
      within(tickets).getByText('Bill a client organization to link its tickets and bill the time logged on them.');
      fireEvent.change(screen.getByLabelText('Bill to'), { target: { value: 'org:direct' } });
      const pick = (await within(tickets).findByLabelText('Link a ticket')) as HTMLSelectElement;
      expect([...pick.options].map((o) => o.textContent)).toEqual(['Choose a ticket', 'KT-1001: Migrate the shop', 'KT-1002: Logo']);
      expect((within(tickets).getByRole('button', { name: 'Link ticket' }) as HTMLButtonElement).disabled).toBe(true);
      fireEvent.change(pick, { target: { value: 't1' } });
      fireEvent.click(within(tickets).getByRole('button', { name: 'Link ticket' }));
      within(within(tickets).getByRole('list', { name: 'Linked tickets' })).getByRole('link', { name: 'KT-1001' });
      expect([...pick.options].map((o) => o.textContent)).toEqual(['Choose a ticket', 'KT-1002: Logo']);

      const time = await screen.findByRole('region', { name: 'Billable time' });
      const sheetGroup = await within(time).findByRole('group', { name: 'KT-1001: Migrate the shop' });
      const billable = (await within(sheetGroup).findByLabelText(/^1 h 30 min on Dec 1, 2026 · Migration/)) as HTMLInputElement;
      // Unbillable time is not offered; time billed on another invoice is shown, and cannot be ticked.
      expect(within(sheetGroup).queryByText(/Coffee/)).toBeNull();
      const elsewhere = within(sheetGroup).getByLabelText(/^1 h on Dec 3, 2026 · DNS/) as HTMLInputElement;
      expect(elsewhere.disabled).toBe(true);
      expect(document.getElementById(elsewhere.getAttribute('aria-describedby')!)?.textContent).toBe('Billed on another invoice');
      const add = within(time).getByRole('button', { name: 'Add a line for the chosen time' }) as HTMLButtonElement;
      expect(add.disabled).toBe(true);

      fireEvent.click(billable);
      expect(time.textContent).toContain('Chosen: 1 h 30 min (1.5 h)');
      fireEvent.click(add);
      // The blank first line became the time's, its price to fill in (and the keyboard there).
      expect(screen.queryByRole('group', { name: 'Line 2' })).toBeNull();
      expect((within(line(1)).getByLabelText('Description') as HTMLInputElement).value).toBe('Time: Migrate the shop, 1.5 h');
      expect((within(line(1)).getByLabelText('Quantity') as HTMLInputElement).value).toBe('1.50');
      const price = within(line(1)).getByLabelText('Unit price (USD)');
      await waitFor(() => expect(document.activeElement).toBe(price));
      type(price, '120');

      api.POST.mockResolvedValueOnce(
        answer(422, {
          type: 'about:blank',
          title: 'Invalid',
          status: 422,
          errors: [{ field: 'time_entry_ids[0]', message: 'is billed on another invoice already' }],
        }),
      );
      fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
      await within(sheetGroup).findByText('Billed on another invoice: untick it.');
      screen.getByText('Please correct the fields marked below.');
      expect(billable.getAttribute('aria-invalid')).toBe('true');
      await waitFor(() => expect(document.activeElement).toBe(billable));
      expect(api.POST.mock.calls[0][1].body).toEqual({
        billed: { org_id: 'direct' },
        currency: 'USD',
        lines: [{ description: 'Time: Migrate the shop, 1.5 h', quantity: '1.50', unit_price: '120', discount: null, tax_rate_ids: [] }],
        discount: null,
        notes: '',
        terms_text: '',
        ticket_ids: ['t1'],
        time_entry_ids: ['e1'],
      });

      // Unticked, the fault goes; saved with the ticket and no time.
      fireEvent.click(billable);
      expect(within(sheetGroup).queryByText('Billed on another invoice: untick it.')).toBeNull();
      api.POST.mockResolvedValueOnce(answer(201, { id: 'inv1', status: 'draft' }));
      fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
      await screen.findByRole('heading', { level: 1, name: 'The invoice page' });
      expect(api.POST.mock.calls[1][1].body).toMatchObject({ ticket_ids: ['t1'], time_entry_ids: [] });
    });

    it('keeps a draft’s time ticked (its own, not another invoice’s), and unlinking a ticket drops its time', async () => {
      api.GET.mockImplementation(async (path: string) => {
        if (path.endsWith('/billing/settings')) return answer(200, settings);
        if (path.endsWith('/orgs')) return answer(200, { items: [{ id: 'direct', name: 'Direct Client Co' }] });
        if (path.endsWith('/time-entries'))
          return answer(200, { ...sheet, entries: sheet.entries.map((e) => (e.id === 'e1' ? { ...e, invoice_id: 'inv3' } : e)) });
        if (path.endsWith('/tickets/{ticket_id}')) return answer(200, shop);
        if (path.endsWith('/tickets')) return answer(200, { items: [shop] });
        return answer(
          200,
          {
            id: 'inv3',
            status: 'draft',
            side: 'issuer',
            billed: { kind: 'org', id: 'direct', name: 'Direct Client Co' },
            currency: 'USD',
            lines: [{ description: 'Time', quantity: '1.5', unit_price: '100.00', tax_rate_ids: [], discount: null }],
            tax_rates: [],
            notes: '',
            terms_text: '',
            ticket_ids: ['t1'],
            time_entries: [{ ticket_id: 't1', entry_id: 'e1', minutes: 90, work_date: '2026-12-01' }],
          },
          '"4"',
        );
      });
      open('/invoices/kt/inv3/edit');
      await screen.findByRole('heading', { level: 1, name: 'Edit draft for Direct Client Co' });
      const time = await screen.findByRole('region', { name: 'Billable time' });
      const own = (await within(time).findByLabelText(/^1 h 30 min on Dec 1, 2026/)) as HTMLInputElement;
      expect([own.checked, own.disabled]).toEqual([true, false]);
      expect(time.textContent).toContain('Chosen: 1 h 30 min (1.5 h)');

      fireEvent.click(screen.getByRole('button', { name: 'Unlink KT-1001' }));
      expect(screen.queryByRole('region', { name: 'Billable time' })).toBeNull();
      await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Tickets' })));
      api.PATCH.mockResolvedValueOnce(answer(200, { id: 'inv3', status: 'draft' }, '"5"'));
      fireEvent.click(screen.getByRole('button', { name: 'Save draft' }));
      await screen.findByRole('heading', { level: 1, name: 'The invoice page' });
      expect(api.PATCH.mock.calls[0][1].body).toMatchObject({ ticket_ids: [], time_entry_ids: [] });
    });

    it('links nothing on a bill to a partner', async () => {
      me.value = { user: { id: 'u1', role: 'super_admin', tenant: 'kt', name: 'Ada' }, organizations: [] } as unknown as Me;
      const base = api.GET.getMockImplementation()!;
      api.GET.mockImplementation(async (path: string, init: unknown) =>
        path === '/api/v1/tenants'
          ? answer(200, {
              items: [
                { id: 'kt', name: 'Kre8ivTech', kind: 'house', slug: 'kt' },
                { id: 'acme', name: 'Acme', kind: 'partner', slug: 'acme' },
              ],
            })
          : base(path, init),
      );
      open('/invoices/new');
      await screen.findByRole('heading', { level: 1, name: 'New invoice' });
      fireEvent.change(await screen.findByLabelText('Bill to'), { target: { value: 'partner:acme' } });
      expect((screen.getByLabelText('Bill to') as HTMLSelectElement).value).toBe('partner:acme');
      within(screen.getByRole('region', { name: 'Tickets' })).getByText(/^Bill a client organization to link its tickets/);
      expect(screen.queryByLabelText('Link a ticket')).toBeNull();
    });
  });
});
