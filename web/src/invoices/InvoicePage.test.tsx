import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import InvoicePage from './InvoicePage';
import type { Entry, Invoice } from './api';

const answer = (status: number, body: unknown, etag = '"3"') => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status, headers: { ETag: etag } }),
});

const invoice: Invoice = {
  id: 'inv1',
  number: 'INV-2026-0042',
  status: 'overdue',
  side: 'issuer',
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  minor_units: 2,
  lines: [
    {
      description: 'Website care, March',
      quantity: '2',
      unit_price: '100.00',
      tax_rate_ids: ['vat'],
      amount: '200.00',
      discount_amount: '0.00',
      taxes: [{ rate_id: 'vat', name: 'VAT', percent: '19', amount: '38.00' }],
      total: '238.00',
    },
  ],
  subtotal: '200.00',
  discount_total: '0.00',
  taxes: [{ rate_id: 'vat', name: 'VAT', percent: '19', amount: '38.00' }],
  total: '238.00',
  paid: '0.00',
  balance: '238.00',
  credited: '0.00',
  tax_rates: [{ id: 'vat', name: 'VAT', percent: '19', inclusive: false, compound: false }],
  notes: 'Thank you.',
  terms_text: '',
  terms: { name: 'Net 15', due_days: 15, late_fee: { kind: 'percent', value: '1.5', grace_days: 7, repeat_days: 30 } },
  issued_on: '2026-03-01',
  due_on: '2026-03-16',
  past_due: true,
  early_discount: null,
  ticket_ids: [],
  time_entries: [],
  created_at: '2026-02-28T10:00:00Z',
  updated_at: '2026-03-01T10:00:00Z',
  version: 3,
};
const payment: Entry = {
  id: 'p1',
  kind: 'payment',
  amount: '100.00',
  on: '2026-03-20',
  reference: 'Wire 7',
  method: 'bank_transfer',
  at: '',
};

function open(as: string, inv: Invoice, ledger: Entry[] = []) {
  me.value = { user: { id: 'u1', role: as, tenant: 'acme', name: 'Pat' }, organizations: [] } as unknown as Me;
  api.GET.mockImplementation(async (path: string, init?: { params: { path: { ticket_id?: string } } }) =>
    path.endsWith('/payments')
      ? answer(200, { items: ledger })
      : path.endsWith('/credit-notes')
        ? answer(200, { items: [] })
        : path.endsWith('/tickets/{ticket_id}')
          ? init?.params.path.ticket_id === 't1'
            ? answer(200, { id: 't1', tenant_id: 'acme', number: 'ACME-1001', subject: 'Migrate the shop' })
            : answer(404, { type: 'about:blank', title: 'Not found', status: 404 })
          : answer(200, inv),
  );
  history.replaceState(null, '', `/invoices/acme/${inv.id}`);
  render(
    <LocationProvider>
      <Router>
        <Route path="/invoices/:tenantId/:invoiceId" component={InvoicePage} />
        <Route default component={() => <h1>Elsewhere</h1>} />
      </Router>
    </LocationProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

describe('InvoicePage', () => {
  it('shows the issuer the figures, terms and ledger, and records a payment', async () => {
    open('partner', { ...invoice, paid: '100.00', balance: '138.00' }, [payment]);
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    const head = screen.getByRole('region', { name: 'Invoice details' });
    within(head).getByText('Overdue');
    within(head).getByText('Globex');
    within(head).getByText(/\(past due\)/);
    const lines = screen.getByRole('region', { name: 'Invoice lines' });
    within(lines).getByRole('columnheader', { name: 'Unit price' });
    within(lines).getByRole('rowheader', { name: 'Website care, March' });
    screen.getByText('A late fee of 1.5% of the overdue balance, 7 days after the due date, then every 30 days while overdue.');
    const ledger = await screen.findByRole('region', { name: 'Payments, refunds and credits' });
    within(ledger).getByText('Bank transfer · Wire 7');
    // The invoice and each payment's receipt download as PDFs, named for what they are.
    const pdf = screen.getByRole('link', { name: 'Download PDF of invoice INV-2026-0042' });
    expect(pdf.textContent).toBe('Download PDF');
    expect(pdf.getAttribute('href')).toBe('/api/v1/tenants/acme/invoices/inv1/pdf');
    // Named: an empty `download` would leave the click to the router.
    expect(pdf.getAttribute('download')).toBe('INV-2026-0042.pdf');
    // The click is the browser's (the router leaves it); the test stops it there.
    let routed: boolean | undefined;
    const browser = (e: Event) => {
      routed = e.defaultPrevented;
      e.preventDefault();
    };
    addEventListener('click', browser);
    fireEvent.click(pdf);
    removeEventListener('click', browser);
    expect(routed).toBe(false);
    expect(location.pathname).toBe('/invoices/acme/inv1');
    const receipt = within(ledger).getByRole('link', { name: 'Download receipt for the payment of €100.00 on Mar 20, 2026' });
    expect(receipt.textContent).toBe('Receipt');
    expect(receipt.getAttribute('href')).toBe('/api/v1/tenants/acme/invoices/inv1/payments/p1/receipt');
    expect(receipt.getAttribute('download')).toBe('INV-2026-0042-receipt-2026-03-20.pdf');
    // Money was received: it is settled, not voided.
    expect(screen.queryByRole('button', { name: 'Void…' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Record payment' }));
    const dialog = await screen.findByRole('dialog', { name: 'Record a payment on INV-2026-0042' });
    expect((within(dialog).getByLabelText('Amount (EUR)') as HTMLInputElement).value).toBe('138.00');
    fireEvent.input(within(dialog).getByLabelText('Amount (EUR)'), { target: { value: '500' } });
    api.POST.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [{ field: 'amount', message: 'is more than the balance of 138.00' }],
      }),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Record payment' }));
    await within(dialog).findByText('Enter at most the balance, 138.00.');

    fireEvent.input(within(dialog).getByLabelText('Amount (EUR)'), { target: { value: '138' } });
    fireEvent.change(within(dialog).getByLabelText('Method'), { target: { value: 'cheque' } });
    const paid = { ...invoice, status: 'paid' as const, paid: '238.00', balance: '0.00' };
    api.POST.mockResolvedValueOnce(answer(201, { entry: { ...payment, amount: '138.00' }, invoice: paid }, '"4"'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Record payment' }));
    await screen.findByText('Recorded a payment of €138.00.');
    expect(api.POST.mock.calls[1][1].body).toMatchObject({ amount: '138', method: 'cheque', reference: '' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    within(head).getByText('Paid');
    expect(screen.queryByRole('button', { name: 'Record payment' })).toBeNull();
  });

  it('voids a sent invoice nothing was paid on, with a reason', async () => {
    const sent = { ...invoice, status: 'sent' as const, past_due: false };
    open('partner', sent);
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    fireEvent.click(screen.getByRole('button', { name: 'Void…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Void INV-2026-0042' });
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'Billed twice' } });
    api.POST.mockResolvedValueOnce(answer(200, { ...sent, status: 'void', void_reason: 'Billed twice' }, '"4"'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Void invoice' }));
    await screen.findByText('Billed twice', { selector: 'dd' });
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/void', {
      params: { path: { tenant_id: 'acme', invoice_id: 'inv1' }, header: { 'If-Match': '"3"' } },
      body: { reason: 'Billed twice' },
    });
  });

  it('lets the issuer edit, send or discard a draft', async () => {
    const draft = { ...invoice, number: null, status: 'draft' as const, issued_on: null, due_on: null, past_due: false, terms: null };
    open('partner', draft);
    await screen.findByRole('heading', { level: 1, name: 'Draft invoice' });
    expect(screen.getByRole('link', { name: 'Edit draft' }).getAttribute('href')).toBe('/invoices/acme/inv1/edit');
    // A draft downloads too (marked DRAFT by the server).
    const pdf = screen.getByRole('link', { name: 'Download PDF of this draft invoice' });
    expect(pdf.getAttribute('href')).toBe('/api/v1/tenants/acme/invoices/inv1/pdf');
    expect(pdf.getAttribute('download')).toBe('draft-invoice.pdf');
    expect(screen.queryByRole('region', { name: 'Payments, refunds and credits' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Send…' }));
    api.POST.mockResolvedValueOnce(answer(200, { ...draft, status: 'sent', number: 'INV-2026-0043' }, '"4"'));
    fireEvent.click(screen.getByRole('button', { name: 'Send to Globex now' }));
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0043' });
    screen.getByText('Sent as INV-2026-0043.');
  });

  it('shows who is billed a read-only invoice, with Pay while money is left to pay', async () => {
    open('client', { ...invoice, side: 'billed', status: 'viewed', past_due: false });
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    expect(screen.getAllByRole('button').map((b) => b.textContent)).toEqual(['Pay']);
    expect(screen.queryByRole('link', { name: 'Edit draft' })).toBeNull();
    screen.getByRole('link', { name: 'Download PDF of invoice INV-2026-0042' });
    screen.getByText('By card or bank account, or as the terms below say.');
  });

  it('offers no payment on a paid invoice', async () => {
    open('client', { ...invoice, side: 'billed', status: 'paid', paid: '238.00', balance: '0.00', past_due: false });
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('refunds an online payment, with the server’s errors next to the amount', async () => {
    const online: Entry = {
      id: 'pi_local_1',
      kind: 'payment',
      amount: '238.00',
      on: '2026-03-05',
      reference: 'pi_local_1',
      method: 'card',
      at: '',
    };
    const refund: Entry = {
      id: 're_1',
      kind: 'refund',
      amount: '-38.00',
      on: '2026-03-06',
      reference: 'refund of pi_local_1',
      recorded_by: 'u1',
      at: '',
    };
    const partly = { ...invoice, status: 'partial' as const, paid: '200.00', balance: '38.00', past_due: false };
    open('partner', partly, [{ ...payment, recorded_by: 'u1' }, online, refund]);
    const ledger = await screen.findByRole('region', { name: 'Payments, refunds and credits' });
    const buttons = await within(ledger).findAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual([expect.stringMatching(/^Refund the payment of €238.00 on /)]);
    // Each payment has its receipt; the refund has none.
    expect(
      within(ledger)
        .getAllByRole('link')
        .map((a) => [a.getAttribute('aria-label'), a.getAttribute('href')]),
    ).toEqual([
      ['Download receipt for the payment of €100.00 on Mar 20, 2026', '/api/v1/tenants/acme/invoices/inv1/payments/p1/receipt'],
      ['Download receipt for the payment of €238.00 on Mar 5, 2026', '/api/v1/tenants/acme/invoices/inv1/payments/pi_local_1/receipt'],
    ]);

    fireEvent.click(buttons[0]);
    const dialog = await screen.findByRole('dialog', { name: 'Refund a payment on INV-2026-0042' });
    const amount = within(dialog).getByLabelText('Amount to refund (EUR)') as HTMLInputElement;
    expect(amount.value).toBe('200.00');
    api.POST.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [{ field: 'amount', message: 'refund more than 0 and at most 200.00' }],
      }),
    );
    fireEvent.input(amount, { target: { value: '250' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Refund' }));
    await within(dialog).findByText('Enter an amount above 0 and at most 200.00, what is left of this payment.');
    expect(amount.getAttribute('aria-invalid')).toBe('true');

    fireEvent.input(amount, { target: { value: '50' } });
    api.POST.mockResolvedValueOnce(answer(200, { ...partly, paid: '150.00', balance: '88.00' }, '"5"'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Refund' }));
    await screen.findByText(/^Refunded €50.00 of the payment of /);
    expect(api.POST).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/refunds', {
      params: { path: { tenant_id: 'acme', invoice_id: 'inv1' } },
      body: { payment_id: 'pi_local_1', amount: '50' },
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.GET.mock.calls.filter(([path]) => String(path).endsWith('/payments'))).toHaveLength(2);
  });

  it('offers Kre8ivTech staff no refunds', async () => {
    const online: Entry = { id: 'pi_local_1', kind: 'payment', amount: '238.00', on: '2026-03-05', reference: '', method: 'card', at: '' };
    open('staff', { ...invoice, status: 'paid', paid: '238.00', balance: '0.00' }, [online]);
    const ledger = await screen.findByRole('region', { name: 'Payments, refunds and credits' });
    within(ledger).getByText('Card');
    expect(within(ledger).queryByRole('button')).toBeNull();
    within(ledger).getByRole('link', { name: 'Download receipt for the payment of €238.00 on Mar 5, 2026' });
  });

  it('shows what credit notes credited, the payment plan and the recurring schedule it came from', async () => {
    const plan = [
      { due_on: '2026-03-16', amount: '100.00', status: 'late', reminded: true },
      { due_on: '2026-04-16', amount: '88.00', status: 'upcoming', reminded: false },
    ];
    const recurring = { schedule_id: 'r1', period: 2, period_on: '2026-03-01' };
    open('partner', { ...invoice, credited: '50.00', paid: '50.00', balance: '188.00', plan, recurring });
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    const head = screen.getByRole('region', { name: 'Invoice details' });
    expect(within(head).getByText('Credited').nextElementSibling?.textContent).toBe('€50.00');
    expect(within(head).getByRole('link', { name: 'From recurring schedule' }).getAttribute('href')).toBe('/invoices/recurring/r1');
    const summary = screen.getByRole('region', { name: 'Invoice lines' }).parentElement!.querySelector('.invoice-summary')!;
    within(summary as HTMLElement).getByText('Paid and credited');
    const schedule = screen.getByRole('region', { name: 'Instalments' });
    within(schedule).getByText('Late');
    screen.getByRole('button', { name: 'Change plan…' });
    await screen.findByText('No credit notes on this invoice.');
    screen.getByRole('button', { name: 'Issue credit note…' });
  });

  it('tells who is billed the invoice came from a schedule, without a link they could not open', async () => {
    open('client', { ...invoice, side: 'billed', status: 'viewed', recurring: { schedule_id: 'r1', period: 0, period_on: '2026-03-01' } });
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    screen.getByText(/^From a recurring schedule, for the period from Mar 1, 2026\./);
    expect(screen.queryByRole('link', { name: /recurring/ })).toBeNull();
  });

  it('lists the time an invoice bills, for its issuer: each ticket linked, the day, the duration and the total', async () => {
    const time_entries = [
      { ticket_id: 't1', entry_id: 'e1', minutes: 90, work_date: '2026-02-20' },
      { ticket_id: 't1', entry_id: 'e2', minutes: 45, work_date: '2026-02-21' },
      { ticket_id: 't2', entry_id: 'e3', minutes: 15, work_date: '2026-02-22' },
    ];
    open('staff', { ...invoice, ticket_ids: ['t1', 't2'], time_entries });
    const time = await screen.findByRole('region', { name: 'Billed time' });
    const rows = within(within(time).getByRole('region', { name: 'Time entries billed' }))
      .getAllByRole('row')
      .slice(1);
    await within(rows[0]).findByRole('link', { name: 'ACME-1001' });
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))).toEqual([
      ['ACME-1001Migrate the shop', 'Feb 20, 2026', '1 h 30 min'],
      ['ACME-1001Migrate the shop', 'Feb 21, 2026', '45 min'],
      // A ticket that cannot be read is still linked.
      ['Ticket', 'Feb 22, 2026', '15 min'],
    ]);
    expect(within(rows[0]).getByRole('link').getAttribute('href')).toBe('/tickets/acme/t1');
    expect(within(rows[2]).getByRole('link').getAttribute('href')).toBe('/tickets/acme/t2');
    within(time).getByText('2 h 30 min');
    expect(time.textContent).toContain('Total: 2 h 30 min (2.5 h)');
  });

  it('shows no time where the invoice bills none (and who is billed never gets any)', async () => {
    open('client', { ...invoice, side: 'billed', status: 'viewed', past_due: false });
    await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
    expect(screen.queryByRole('region', { name: 'Billed time' })).toBeNull();
  });
});
