import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import type { Invoice } from './api';
import { CreditNotes } from './CreditNotes';
import { creditable, hasRemaining, type CreditNote } from './creditNotes';

const answer = (status: number, body: unknown) => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status }),
});

const invoice = {
  id: 'inv1',
  number: 'INV-2026-0042',
  status: 'sent',
  side: 'issuer',
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  minor_units: 2,
  total: '238.00',
  paid: '0.00',
  balance: '238.00',
  credited: '0.00',
  version: 3,
} as unknown as Invoice;

const note: CreditNote = {
  id: 'cn1',
  number: 'CN-2026-0001',
  invoice_id: 'inv1',
  invoice_number: 'INV-2026-0042',
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  minor_units: 2,
  amount: '50.00',
  applied: [
    { invoice_id: 'inv1', invoice_number: 'INV-2026-0042', amount: '30.00', at: '2026-05-01T10:00:00Z' },
    { invoice_id: 'inv2', invoice_number: 'INV-2026-0043', amount: '5.00', at: '2026-05-02T10:00:00Z' },
  ],
  remaining: '15.00',
  reason: 'Two hours billed twice',
  issued_on: '2026-05-01',
  side: 'issuer',
  created_at: '2026-05-01T10:00:00Z',
};

const invalid = (errors: { field: string; message: string }[]) =>
  answer(422, { type: 'about:blank', title: 'Invalid', status: 422, errors });

function mockGets(notes: CreditNote[]) {
  api.GET.mockImplementation(async (path: string, init: { params: { query?: { status?: string } } }) => {
    if (path.endsWith('/credit-notes')) return answer(200, { items: notes });
    if (path.endsWith('/invoices')) {
      const items =
        init.params.query?.status === 'sent'
          ? [
              { id: 'inv3', number: 'INV-2026-0050', status: 'sent', currency: 'EUR', balance: '80.00' },
              { id: 'inv4', number: 'INV-2026-0051', status: 'sent', currency: 'USD', balance: '80.00' },
              { id: 'inv1', number: 'INV-2026-0042', status: 'sent', currency: 'EUR', balance: '208.00' },
            ]
          : [];
      return answer(200, { items });
    }
    throw new Error(`unexpected GET ${path}`);
  });
}

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
});

describe('credit notes', () => {
  it('count what is left to credit and whether a note has credit left, in minor units', () => {
    expect(creditable({ total: '238.00', credited: '50.00', minor_units: 2 })).toBe('188.00');
    expect(creditable({ total: '238.00', credited: '238', minor_units: 2 })).toBe('0.00');
    expect(hasRemaining({ remaining: '0.00' })).toBe(false);
    expect(hasRemaining({ remaining: '0.01' })).toBe(true);
  });

  it('lists an invoice’s notes: where each went and the credit left', async () => {
    mockGets([note]);
    render(<CreditNotes tenantId="acme" invoice={{ ...invoice, credited: '50.00' }} onChanged={vi.fn()} />);
    const item = (await screen.findByText('CN-2026-0001')).closest('li')!;
    within(item).getByText('Two hours billed twice');
    const applied = within(item).getByRole('list', { name: 'Where CN-2026-0001 was applied' });
    expect(
      within(applied)
        .getAllByRole('listitem')
        .map((l) => l.textContent),
    ).toEqual(['€30.00 to this invoice', '€5.00 to INV-2026-0043']);
    expect(within(applied).getByRole('link', { name: 'INV-2026-0043' }).getAttribute('href')).toBe('/invoices/acme/inv2');
    within(item).getByText('€15.00');
    within(item).getByRole('button', { name: 'Apply the credit left of CN-2026-0001' });
    const pdf = within(item).getByRole('link', { name: 'Download PDF of credit note CN-2026-0001' });
    expect(pdf.textContent).toBe('PDF');
    expect(pdf.getAttribute('href')).toBe('/api/v1/tenants/acme/credit-notes/cn1/pdf');
    expect(pdf.getAttribute('download')).toBe('CN-2026-0001.pdf');
  });

  it('issues a note once per dialog, with the server’s errors next to their fields', async () => {
    mockGets([]);
    const onChanged = vi.fn();
    render(<CreditNotes tenantId="acme" invoice={invoice} onChanged={onChanged} />);
    await screen.findByText('No credit notes on this invoice.');
    fireEvent.click(screen.getByRole('button', { name: 'Issue credit note…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Issue a credit note on INV-2026-0042' });
    const amount = within(dialog).getByLabelText('Amount (EUR)') as HTMLInputElement;
    expect(amount.value).toBe('238.00');

    fireEvent.input(amount, { target: { value: '300' } });
    api.POST.mockResolvedValueOnce(
      invalid([
        { field: 'amount', message: 'is more than the 238.00 left to credit on this invoice' },
        { field: 'reason', message: 'say why, in 1 to 500 characters' },
      ]),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    await within(dialog).findByText('Enter at most 238.00, what is left to credit on this invoice.');
    within(dialog).getByText('Say why, in at most 500 characters.');
    expect(amount.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getByLabelText('Reason').getAttribute('aria-invalid')).toBe('true');

    fireEvent.input(amount, { target: { value: ' 20 ' } });
    fireEvent.input(within(dialog).getByLabelText('Reason'), { target: { value: 'Goodwill' } });
    api.POST.mockResolvedValueOnce(answer(201, { ...note, amount: '20.00', applied: [], remaining: '0.00' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Issue credit note' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith('Issued CN-2026-0001 for €20.00.'));
    const [first, second] = api.POST.mock.calls;
    expect(second[0]).toBe('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/credit-notes');
    expect(second[1].body).toEqual({ amount: '20', reason: 'Goodwill' });
    // The retry after an error carries the same key: the server issues one note.
    expect(second[1].params.header['Idempotency-Key']).toBeTruthy();
    expect(second[1].params.header['Idempotency-Key']).toBe(first[1].params.header['Idempotency-Key']);
  });

  it('applies the credit left to another open invoice of the same party and currency', async () => {
    mockGets([note]);
    const onChanged = vi.fn();
    render(<CreditNotes tenantId="acme" invoice={invoice} onChanged={onChanged} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Apply the credit left of CN-2026-0001' }));
    const dialog = await screen.findByRole('dialog', { name: 'Apply credit from CN-2026-0001' });
    const select = (await within(dialog).findByLabelText('Invoice')) as HTMLSelectElement;
    // Not the credited invoice, not another currency.
    expect([...select.options].map((o) => o.textContent)).toEqual(['Choose an invoice', 'INV-2026-0050 · balance €80.00']);
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/invoices', {
      params: { path: { tenant_id: 'acme' }, query: { org_id: 'globex', status: 'overdue', limit: 100 } },
    });

    fireEvent.change(select, { target: { value: 'inv3' } });
    api.POST.mockResolvedValueOnce(invalid([{ field: 'amount', message: "is more than the invoice's balance of 80.00" }]));
    fireEvent.input(within(dialog).getByLabelText('Amount (EUR, optional)'), { target: { value: '90' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply credit' }));
    await within(dialog).findByText('Enter at most the invoice’s balance, 80.00.');

    fireEvent.input(within(dialog).getByLabelText('Amount (EUR, optional)'), { target: { value: '' } });
    api.POST.mockResolvedValueOnce(answer(200, { ...note, remaining: '0.00' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply credit' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledWith('Applied credit from CN-2026-0001; €0.00 is left.'));
    expect(api.POST).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/credit-notes/{credit_note_id}/apply', {
      params: { path: { tenant_id: 'acme', credit_note_id: 'cn1' } },
      body: { invoice_id: 'inv3' },
    });
  });

  it('shows who is billed their notes, with nothing to issue or apply, and nothing at all when there are none', async () => {
    mockGets([{ ...note, side: 'billed' }]);
    render(<CreditNotes tenantId="acme" invoice={{ ...invoice, side: 'billed' }} onChanged={vi.fn()} />);
    await screen.findByText('CN-2026-0001');
    expect(screen.queryByRole('button')).toBeNull();
    screen.getByRole('link', { name: 'Download PDF of credit note CN-2026-0001' });
    cleanup();

    mockGets([]);
    const { container } = render(<CreditNotes tenantId="acme" invoice={{ ...invoice, side: 'billed' }} onChanged={vi.fn()} />);
    await waitFor(() => expect(api.GET).toHaveBeenCalled());
    await waitFor(() => expect(container.textContent).toBe(''));
  });
});
