import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PUT: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import type { Invoice } from './api';
import { PaymentPlan } from './PaymentPlan';

const answer = (status: number, body: unknown, etag = '"4"') => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status, headers: { ETag: etag } }),
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
  due_on: '2026-05-20',
  plan: null,
} as unknown as Invoice;

const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(2026, 4, 1, 12));
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.resetAllMocks();
});

describe('PaymentPlan', () => {
  it('shows who is billed the schedule with each instalment’s status in words, and no way to change it', () => {
    const plan = [
      { due_on: '2026-04-01', amount: '100.00', status: 'paid', reminded: true },
      { due_on: '2026-04-20', amount: '69.00', status: 'late', reminded: true },
      { due_on: '2026-05-01', amount: '30.00', status: 'due', reminded: false },
      { due_on: '2026-06-01', amount: '39.00', status: 'upcoming', reminded: false },
    ];
    render(<PaymentPlan tenantId="acme" loaded={{ value: { ...invoice, side: 'billed', plan }, etag: '"3"' }} onChanged={vi.fn()} />);
    const table = screen.getByRole('region', { name: 'Instalments' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))).toEqual([
      ['1 of 4', 'Apr 1, 2026', '€100.00', 'Paid'],
      ['2 of 4', 'Apr 20, 2026', '€69.00', 'LateReminder sent'],
      ['3 of 4', 'May 1, 2026', '€30.00', 'Due today'],
      ['4 of 4', 'Jun 1, 2026', '€39.00', 'Upcoming'],
    ]);
    expect(screen.queryByRole('button')).toBeNull();
  });

  it('shows nothing to who is billed when there is no plan', () => {
    const { container } = render(
      <PaymentPlan tenantId="acme" loaded={{ value: { ...invoice, side: 'billed' }, etag: '"3"' }} onChanged={vi.fn()} />,
    );
    expect(container.textContent).toBe('');
  });

  it('lets the issuer split the balance, edit the rows, and shows the server’s errors next to their fields', async () => {
    const onChanged = vi.fn();
    render(<PaymentPlan tenantId="acme" loaded={{ value: invoice, etag: '"3"' }} onChanged={onChanged} />);
    fireEvent.click(screen.getByRole('button', { name: 'Set a payment plan…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Payment plan for INV-2026-0042' });
    const group = (n: number) => within(dialog).getByRole('group', { name: `Instalment ${n}` });
    const amount = (n: number) => within(group(n)).getByLabelText('Amount (EUR)') as HTMLInputElement;
    const due = (n: number) => within(group(n)).getByLabelText('Due on') as HTMLInputElement;
    // Three a month apart from the due day, to start with.
    expect([1, 2, 3].map((n) => [due(n).value, amount(n).value])).toEqual([
      ['2026-05-20', '79.33'],
      ['2026-06-20', '79.33'],
      ['2026-07-20', '79.34'],
    ]);
    within(dialog).getByText('Adds up to €238.00 of €238.00: the whole balance.');

    // Split into 2 every two weeks from today.
    type(within(dialog).getByLabelText('Number of instalments'), '40');
    within(dialog).getByText('Enter a whole number from 2 to 36.');
    type(within(dialog).getByLabelText('Number of instalments'), '2');
    fireEvent.change(within(dialog).getByLabelText('How often'), { target: { value: 'two-weeks' } });
    type(within(dialog).getByLabelText('First due on'), '2026-05-01');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Split' }));
    expect(within(dialog).queryByRole('group', { name: 'Instalment 3' })).toBeNull();
    expect([1, 2].map((n) => [due(n).value, amount(n).value])).toEqual([
      ['2026-05-01', '119.00'],
      ['2026-05-15', '119.00'],
    ]);

    // The app's own check first: they must add up.
    type(amount(2), '100');
    within(dialog).getByText('Adds up to €219.00 of €238.00: €19.00 left to place.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save plan' }));
    await within(dialog).findByText(/^The instalments must add up to the balance\./);
    expect(api.PUT).not.toHaveBeenCalled();

    // Then the server's, on the field it names.
    type(amount(2), '119');
    api.PUT.mockResolvedValueOnce(
      answer(422, {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [{ field: 'instalments[1].due_on', message: 'is more than three years ahead' }],
      }),
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save plan' }));
    await within(group(2)).findByText('Choose a day within three years.');
    expect(due(2).getAttribute('aria-invalid')).toBe('true');
    expect(due(1).getAttribute('aria-invalid')).toBeNull();
    expect(api.PUT).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/plan', {
      params: { path: { tenant_id: 'acme', invoice_id: 'inv1' }, header: { 'If-Match': '"3"' } },
      body: {
        instalments: [
          { due_on: '2026-05-01', amount: '119.00' },
          { due_on: '2026-05-15', amount: '119' },
        ],
      },
    });

    const plan = [
      { due_on: '2026-05-01', amount: '119.00', status: 'due', reminded: false },
      { due_on: '2026-05-15', amount: '119.00', status: 'upcoming', reminded: false },
    ];
    api.PUT.mockResolvedValueOnce(answer(200, { ...invoice, plan }, '"5"'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save plan' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(onChanged.mock.calls[0]).toEqual([{ value: { ...invoice, plan }, etag: '"5"' }, 'The balance is split into 2 instalments.']);
  });

  it('lets the issuer add and remove rows, and remove the plan', async () => {
    const plan = [
      { due_on: '2026-05-20', amount: '138.00', status: 'upcoming', reminded: false },
      { due_on: '2026-06-20', amount: '100.00', status: 'upcoming', reminded: false },
    ];
    const onChanged = vi.fn();
    render(<PaymentPlan tenantId="acme" loaded={{ value: { ...invoice, plan }, etag: '"3"' }} onChanged={onChanged} />);
    fireEvent.click(screen.getByRole('button', { name: 'Change plan…' }));
    const dialog = await screen.findByRole('dialog');
    // The plan in place covers the balance: its rows are the start.
    expect((within(dialog).getAllByLabelText('Amount (EUR)') as HTMLInputElement[]).map((i) => i.value)).toEqual(['138.00', '100.00']);
    type(within(dialog).getAllByLabelText('Amount (EUR)')[1], '80');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add instalment' }));
    // The new row takes what is left, a month after the last.
    const third = within(dialog).getByRole('group', { name: 'Instalment 3' });
    expect((within(third).getByLabelText('Due on') as HTMLInputElement).value).toBe('2026-07-20');
    expect((within(third).getByLabelText('Amount (EUR)') as HTMLInputElement).value).toBe('20.00');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove instalment 3' }));
    expect(within(dialog).queryByRole('button', { name: /^Remove instalment/ })).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    fireEvent.click(screen.getByRole('button', { name: 'Remove plan…' }));
    api.DELETE.mockResolvedValueOnce(answer(200, { ...invoice, plan: null }, '"4"'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove the plan' }));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(api.DELETE).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/plan', {
      params: { path: { tenant_id: 'acme', invoice_id: 'inv1' }, header: { 'If-Match': '"3"' } },
    });
  });

  it('offers no plan on a paid invoice', () => {
    const { container } = render(
      <PaymentPlan tenantId="acme" loaded={{ value: { ...invoice, status: 'paid', balance: '0.00' }, etag: '"3"' }} onChanged={vi.fn()} />,
    );
    expect(container.textContent).toBe('');
  });
});
