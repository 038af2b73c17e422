import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));
// Stripe.js is never fetched here: only a failed load is played.
const stripe = vi.hoisted(() => ({ loadStripe: vi.fn() }));
vi.mock('./stripe', () => stripe);

import InvoicePage from './InvoicePage';
import type { Checkout, Invoice } from './api';

const answer = (status: number, body: unknown, etag = '"3"') => ({
  data: status < 300 ? body : undefined,
  error: status < 300 ? undefined : body,
  response: new Response(null, { status, headers: { ETag: etag } }),
});
const invalid = (field: string, message: string) =>
  answer(422, { type: 'about:blank', title: 'Invalid', status: 422, errors: [{ field, message }] });

const invoice: Invoice = {
  id: 'inv1',
  number: 'INV-2026-0042',
  status: 'viewed',
  side: 'billed',
  billed: { kind: 'org', id: 'globex', name: 'Globex' },
  currency: 'EUR',
  minor_units: 2,
  lines: [],
  subtotal: '200.00',
  discount_total: '0.00',
  taxes: [],
  total: '238.00',
  paid: '0.00',
  balance: '238.00',
  credited: '0.00',
  tax_rates: [],
  notes: '',
  terms_text: '',
  terms: { name: 'Net 15', due_days: 15, early_discount: { percent: '2', days: 7 } },
  issued_on: '2026-03-01',
  due_on: '2026-03-16',
  past_due: false,
  early_discount: { percent: '2', deadline: '2026-03-08', amount: '4.76' },
  ticket_ids: [],
  time_entries: [],
  created_at: '2026-02-28T10:00:00Z',
  updated_at: '2026-03-01T10:00:00Z',
  version: 3,
};
const checkout: Checkout = {
  provider: 'local',
  publishable_key: 'pk_local_1',
  intent_id: 'pi_local_1',
  client_secret: 'pi_local_1_secret_x',
  amount: '233.24',
  currency: 'EUR',
  method: 'card',
  methods: ['card'],
};

let current: Invoice;

function open(inv: Invoice = invoice) {
  current = inv;
  me.value = { user: { id: 'u9', role: 'client', tenant: 'acme', name: 'Dana' }, organizations: [] } as unknown as Me;
  api.GET.mockImplementation(async (path: string) => (path.endsWith('/payments') ? answer(200, { items: [] }) : answer(200, current)));
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

async function startPaying() {
  await screen.findByRole('heading', { level: 1, name: 'Invoice INV-2026-0042' });
  fireEvent.click(screen.getByRole('button', { name: 'Pay' }));
  return screen.findByRole('dialog', { name: 'Pay INV-2026-0042' });
}

afterEach(() => {
  vi.resetAllMocks();
  me.value = undefined;
});

describe('paying an invoice', () => {
  it('pays what is due now by the local card form: declined, then 3-D Secure approved', async () => {
    api.POST.mockResolvedValueOnce(answer(201, checkout));
    open();
    const dialog = await startPaying();
    await within(dialog).findByText('€233.24');
    within(dialog).getByText(/less the early-payment discount of €4.76 \(2%\)/);
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout', {
      params: { path: { tenant_id: 'acme', invoice_id: 'inv1' } },
      body: { save_card: false },
    });
    expect((within(dialog).getByLabelText('Keep this card for automatic payments') as HTMLInputElement).checked).toBe(false);
    const cardField = within(dialog).getByLabelText('Card number');
    await waitFor(() => expect(document.activeElement).toBe(cardField));
    within(dialog).getByText(/4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined, and 4000 0027 6000 3184 asks for 3-D Secure/);

    // Nothing typed: said before anything is sent.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay €233.24' }));
    await within(dialog).findByText('Enter a card number.');
    expect(api.POST).toHaveBeenCalledTimes(1);

    api.POST.mockResolvedValueOnce(answer(200, { status: 'requires_payment_method', message: 'Your card was declined.' }));
    fireEvent.input(cardField, { target: { value: '4000 0000 0000 0002' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay €233.24' }));
    await within(dialog).findByText('Your card was declined. Try again, or with another card.');

    api.POST.mockResolvedValueOnce(answer(200, { status: 'requires_action', message: null }));
    fireEvent.input(within(dialog).getByLabelText('Card number'), { target: { value: '4000 0027 6000 3184' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay €233.24' }));
    const challenge = await within(dialog).findByRole('region', { name: 'Confirm with your bank (3-D Secure)' });
    await waitFor(() => expect(document.activeElement).toBe(challenge));
    within(challenge).getByRole('button', { name: 'Fail' });

    api.POST.mockImplementationOnce(async () => {
      current = { ...invoice, status: 'paid', paid: '238.00', balance: '0.00', version: 4 };
      return answer(200, { status: 'succeeded', message: null });
    });
    fireEvent.click(within(challenge).getByRole('button', { name: 'Approve' }));
    const receipt = await screen.findByText(
      'Thank you: your payment of €233.24 was received. INV-2026-0042 is paid in full. A receipt is in your notifications.',
    );
    await waitFor(() => expect(document.activeElement).toBe(receipt));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pay' })).toBeNull();
    within(screen.getByRole('region', { name: 'Invoice details' })).getByText('Paid');
    const cards = api.POST.mock.calls.slice(1).map(([path, init]) => [path, init.params.path.intent_id, init.body.card]);
    const local = '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout/{intent_id}/local';
    expect(cards).toEqual([
      [local, 'pi_local_1', '4000 0000 0000 0002'],
      [local, 'pi_local_1', '4000 0027 6000 3184'],
      [local, 'pi_local_1', '3ds:approve'],
    ]);
  });

  it('goes back to the card after a failed 3-D Secure check', async () => {
    api.POST.mockResolvedValueOnce(answer(201, { ...checkout, amount: '238.00' }));
    open({ ...invoice, early_discount: null });
    const dialog = await startPaying();
    within(
      await within(dialog)
        .findByText('€238.00')
        .then((e) => e.closest('.pay')! as HTMLElement),
    ).getByText('The whole balance.');
    api.POST.mockResolvedValueOnce(answer(200, { status: 'requires_action' }));
    fireEvent.input(within(dialog).getByLabelText('Card number'), { target: { value: '4000002760003184' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay €238.00' }));
    api.POST.mockResolvedValueOnce(answer(200, { status: 'requires_payment_method', message: '3-D Secure authentication failed' }));
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Fail' }));
    await within(dialog).findByText('3-D Secure authentication failed. Try again, or with another card.');
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByLabelText('Card number')));
  });

  it('pays part of the balance, with the server’s error on the amount', async () => {
    api.POST.mockResolvedValueOnce(answer(201, checkout));
    open();
    const dialog = await startPaying();
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Pay a different amount' }));
    const amount = within(dialog).getByLabelText('Amount to pay (EUR)') as HTMLInputElement;
    expect(amount.value).toBe('233.24');
    within(dialog).getByText(/The early-payment discount applies only when you pay €233.24, all that is due./);
    fireEvent.input(amount, { target: { value: '500' } });
    api.POST.mockResolvedValueOnce(invalid('amount', 'pay more than 0 and at most the balance of 238.00'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use this amount' }));
    await within(dialog).findByText('Enter an amount above 0 and at most the balance, 238.00.');

    fireEvent.input(amount, { target: { value: '100' } });
    api.POST.mockResolvedValueOnce(answer(201, { ...checkout, intent_id: 'pi_local_2', amount: '100.00' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use this amount' }));
    await within(dialog).findByText('Part of the balance of €238.00.');
    within(dialog).getByText('Paying now', { exact: false });
    expect(api.POST.mock.calls[2][1].body).toEqual({ amount: '100', save_card: false });

    api.POST.mockImplementationOnce(async () => {
      current = { ...invoice, status: 'partial', paid: '100.00', balance: '138.00', version: 4 };
      return answer(200, { status: 'succeeded' });
    });
    fireEvent.input(within(dialog).getByLabelText('Card number'), { target: { value: '4242 4242 4242 4242' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay €100.00' }));
    await screen.findByText('Thank you: your payment of €100.00 was received. €138.00 is left to pay. A receipt is in your notifications.');
    expect(api.POST.mock.calls[3][1].params.path.intent_id).toBe('pi_local_2');
    // Still open: it can be paid again.
    screen.getByRole('button', { name: 'Pay' });
  });

  it('keeps the card for automatic payments when asked: the checkout starts again with save_card', async () => {
    api.POST.mockResolvedValueOnce(answer(201, checkout));
    open();
    const dialog = await startPaying();
    const keep = (await within(dialog).findByLabelText('Keep this card for automatic payments')) as HTMLInputElement;
    expect(keep.checked).toBe(false);
    expect(keep.getAttribute('aria-describedby')).toBeTruthy();
    within(dialog).getByText('Recurring invoices set to be charged automatically are then paid with it.');
    const cardField = within(dialog).getByLabelText('Card number');
    await waitFor(() => expect(document.activeElement).toBe(cardField));

    // Ticked: what is due now is asked again (the server works out the discount), keeping the card.
    api.POST.mockResolvedValueOnce(answer(201, { ...checkout, intent_id: 'pi_local_2' }));
    keep.focus();
    fireEvent.click(keep);
    await waitFor(() => expect(api.POST).toHaveBeenCalledTimes(2));
    expect(api.POST.mock.calls[1]).toEqual([
      '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout',
      { params: { path: { tenant_id: 'acme', invoice_id: 'inv1' } }, body: { save_card: true } },
    ]);
    await waitFor(() => expect(keep.checked).toBe(true));
    // Focus stays on the box just ticked.
    expect(document.activeElement).toBe(keep);

    // A different amount keeps the choice.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay a different amount' }));
    fireEvent.input(within(dialog).getByLabelText('Amount to pay (EUR)'), { target: { value: '100' } });
    api.POST.mockResolvedValueOnce(answer(201, { ...checkout, intent_id: 'pi_local_3', amount: '100.00' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use this amount' }));
    await within(dialog).findByText('Part of the balance of €238.00.');
    expect(api.POST.mock.calls[2][1].body).toEqual({ amount: '100', save_card: true });
    expect((within(dialog).getByLabelText('Keep this card for automatic payments') as HTMLInputElement).checked).toBe(true);

    // The card is paid on the intent that keeps it.
    api.POST.mockResolvedValueOnce(answer(200, { status: 'requires_payment_method', message: 'Your card was declined.' }));
    fireEvent.input(within(dialog).getByLabelText('Card number'), { target: { value: '4000 0000 0000 0002' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay €100.00' }));
    await within(dialog).findByText('Your card was declined. Try again, or with another card.');
    expect(api.POST.mock.calls[3][1].params.path.intent_id).toBe('pi_local_3');

    // Unticked again, on the amount chosen; a failure is said and the box stays as it was.
    api.POST.mockResolvedValueOnce(answer(503, { type: 'about:blank', title: 'Unavailable', status: 503 }));
    fireEvent.click(within(dialog).getByLabelText('Keep this card for automatic payments'));
    await within(dialog).findByText('The portal is not available for a moment. Try again shortly.');
    expect(api.POST.mock.calls[4][1].body).toEqual({ amount: '100.00', save_card: false });
    expect((within(dialog).getByLabelText('Keep this card for automatic payments') as HTMLInputElement).checked).toBe(true);
  });

  it('says when the portal takes no online payments', async () => {
    api.POST.mockResolvedValueOnce(
      answer(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'this portal does not take online payments yet' }),
    );
    open();
    const dialog = await startPaying();
    await within(dialog).findByText('This portal does not take payments online yet. Pay as the terms on the invoice say.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('explains a Stripe.js that does not load, and tries again', async () => {
    stripe.loadStripe.mockRejectedValue(new Error('Stripe’s secure payment form could not be loaded.'));
    api.POST.mockResolvedValueOnce(answer(201, { ...checkout, provider: 'stripe', publishable_key: 'pk_test_1' }));
    open();
    const dialog = await startPaying();
    await within(dialog).findByText('Stripe’s secure payment form could not be loaded.');
    expect(stripe.loadStripe).toHaveBeenCalledTimes(1);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Try loading it again' }));
    await waitFor(() => expect(stripe.loadStripe).toHaveBeenCalledTimes(2));
    await within(dialog).findByText('Stripe’s secure payment form could not be loaded.');
    within(dialog).getByRole('button', { name: 'Cancel' });
  });
});

describe('paying by bank account (ACH)', () => {
  const usd: Invoice = { ...invoice, currency: 'USD', early_discount: null, balance: '238.00' };
  const both: Checkout = { ...checkout, currency: 'USD', amount: '238.00', methods: ['card', 'ach'] };
  const checkoutPath = '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout';
  const localPath = '/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout/{intent_id}/local';
  const conflict = (detail: string) => answer(409, { type: 'about:blank', title: 'Conflict', status: 409, detail });

  it('offers no choice when only a card is taken', async () => {
    api.POST.mockResolvedValueOnce(answer(201, checkout));
    open();
    const dialog = await startPaying();
    await within(dialog).findByLabelText('Card number');
    expect(within(dialog).queryByRole('group', { name: 'Pay with' })).toBeNull();
    expect(within(dialog).queryByLabelText('Bank account (ACH)')).toBeNull();
  });

  it('chooses the bank account: a checkout of its own, a closed account refused, then a debit on its way', async () => {
    api.POST.mockResolvedValueOnce(answer(201, both));
    open(usd);
    const dialog = await startPaying();
    const choice = await within(dialog).findByRole('group', { name: 'Pay with' });
    const card = within(choice).getByLabelText('Card') as HTMLInputElement;
    const bank = within(choice).getByLabelText('Bank account (ACH)') as HTMLInputElement;
    expect([card.type, card.checked, bank.checked]).toEqual(['radio', true, false]);
    const cardField = within(dialog).getByLabelText('Card number');
    await waitFor(() => expect(document.activeElement).toBe(cardField));

    api.POST.mockResolvedValueOnce(answer(201, { ...both, intent_id: 'pi_local_2', method: 'ach' }));
    bank.focus();
    fireEvent.click(bank);
    const form = await within(dialog).findByRole('form', { name: 'Pay by bank account' });
    expect(api.POST.mock.calls[1]).toEqual([
      checkoutPath,
      { params: { path: { tenant_id: 'acme', invoice_id: 'inv1' } }, body: { save_card: false, method: 'ach' } },
    ]);
    expect(bank.checked).toBe(true);
    // The keyboard stays on the choice; only a card is kept, so the box is gone with the card form.
    expect(document.activeElement).toBe(bank);
    expect(within(dialog).queryByLabelText('Keep this card for automatic payments')).toBeNull();
    expect(within(dialog).queryByLabelText('Card number')).toBeNull();
    within(form).getByText(/^Test payments only: no bank account is debited/);

    // Nothing chosen: said before anything is sent.
    fireEvent.click(within(form).getByRole('button', { name: 'Pay $238.00' }));
    await within(form).findByText('Choose a bank account.');
    expect(api.POST).toHaveBeenCalledTimes(2);

    api.POST.mockResolvedValueOnce(answer(200, { status: 'requires_payment_method', message: 'The bank account is closed.' }));
    fireEvent.click(within(form).getByLabelText('Test account — closed'));
    fireEvent.click(within(form).getByRole('button', { name: 'Pay $238.00' }));
    await within(form).findByText('The bank account is closed. Try again, or with another account.');

    api.POST.mockResolvedValueOnce(answer(200, { status: 'processing' }));
    fireEvent.click(within(form).getByLabelText('Test account — still clearing'));
    fireEvent.click(within(form).getByRole('button', { name: 'Pay $238.00' }));
    const onItsWay = await screen.findByText(
      'Your bank payment is on its way; it takes a few days to clear. This invoice will show as paid then.',
    );
    expect(onItsWay.getAttribute('role')).toBe('status');
    expect(onItsWay.className).not.toContain('alert--error');
    expect(api.POST.mock.calls.slice(2).map(([path, init]) => [path, init.params.path.intent_id, init.body.card])).toEqual([
      [localPath, 'pi_local_2', 'pm_usBankAccount_accountClosed'],
      [localPath, 'pi_local_2', 'pm_usBankAccount_processing'],
    ]);
    // Not paid until it clears; paying again is refused meanwhile, and said so, not as an error.
    within(screen.getByRole('region', { name: 'Invoice details' })).getByText('Viewed');
    api.POST.mockResolvedValueOnce(conflict('a payment of this invoice is on its way (bank debits take a few days to clear)'));
    fireEvent.click(screen.getByRole('button', { name: 'Pay' }));
    const again = await screen.findByRole('dialog', { name: 'Pay INV-2026-0042' });
    const note = await within(again).findByText(
      'A payment of this invoice is on its way: bank debits take a few days to clear. This invoice will show as paid then.',
    );
    expect(note.getAttribute('role')).toBe('status');
    expect(within(again).queryByRole('alert')).toBeNull();
  });

  it('pays with the account that clears, and the invoice is paid', async () => {
    api.POST.mockResolvedValueOnce(answer(201, both)).mockResolvedValueOnce(
      answer(201, { ...both, intent_id: 'pi_local_2', method: 'ach' }),
    );
    open(usd);
    const dialog = await startPaying();
    fireEvent.click(await within(dialog).findByLabelText('Bank account (ACH)'));
    const form = await within(dialog).findByRole('form', { name: 'Pay by bank account' });
    api.POST.mockImplementationOnce(async () => {
      current = { ...usd, status: 'paid', paid: '238.00', balance: '0.00', version: 4 };
      return answer(200, { status: 'succeeded' });
    });
    fireEvent.click(within(form).getByLabelText('Test account — clears'));
    fireEvent.click(within(form).getByRole('button', { name: 'Pay $238.00' }));
    await screen.findByText(/^Thank you: your payment of \$238.00 was received. INV-2026-0042 is paid in full./);
    expect(api.POST.mock.calls[2][1].body).toEqual({ card: 'pm_usBankAccount_success' });
  });

  it('keeps the bank account for a different amount, and goes back to the card with the card kept', async () => {
    api.POST.mockResolvedValueOnce(answer(201, both));
    open(usd);
    const dialog = await startPaying();
    // The card is to be kept; a bank debit keeps nothing, and going back to the card keeps it again.
    api.POST.mockResolvedValueOnce(answer(201, { ...both, intent_id: 'pi_local_2' }));
    fireEvent.click(await within(dialog).findByLabelText('Keep this card for automatic payments'));
    await waitFor(() => expect(api.POST).toHaveBeenCalledTimes(2));
    api.POST.mockResolvedValueOnce(answer(201, { ...both, intent_id: 'pi_local_3', method: 'ach' }));
    fireEvent.click(within(dialog).getByLabelText('Bank account (ACH)'));
    await within(dialog).findByRole('form', { name: 'Pay by bank account' });
    expect(api.POST.mock.calls[2][1].body).toEqual({ save_card: false, method: 'ach' });

    fireEvent.click(within(dialog).getByRole('button', { name: 'Pay a different amount' }));
    fireEvent.input(within(dialog).getByLabelText('Amount to pay (USD)'), { target: { value: '100' } });
    api.POST.mockResolvedValueOnce(answer(201, { ...both, intent_id: 'pi_local_4', method: 'ach', amount: '100.00' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use this amount' }));
    await within(dialog).findByRole('button', { name: 'Pay $100.00' });
    expect(api.POST.mock.calls[3][1].body).toEqual({ amount: '100', save_card: false, method: 'ach' });

    api.POST.mockResolvedValueOnce(answer(201, { ...both, intent_id: 'pi_local_5', amount: '100.00' }));
    fireEvent.click(within(dialog).getByLabelText('Card'));
    await within(dialog).findByLabelText('Card number');
    expect(api.POST.mock.calls[4][1].body).toEqual({ amount: '100.00', save_card: true });
    expect((within(dialog).getByLabelText('Keep this card for automatic payments') as HTMLInputElement).checked).toBe(true);
  });

  it('says when the bank account cannot be chosen, and stays with the card', async () => {
    api.POST.mockResolvedValueOnce(answer(201, both));
    open(usd);
    const dialog = await startPaying();
    api.POST.mockResolvedValueOnce(invalid('method', 'bank debits are taken on USD invoices only'));
    fireEvent.click(await within(dialog).findByLabelText('Bank account (ACH)'));
    await within(dialog).findByText('This invoice cannot be paid by bank account. Pay by card instead.');
    expect((within(dialog).getByLabelText('Card') as HTMLInputElement).checked).toBe(true);
    expect((within(dialog).getByLabelText('Bank account (ACH)') as HTMLInputElement).checked).toBe(false);
    within(dialog).getByLabelText('Card number');
  });

  it('through Stripe, mounts the Payment Element again for the bank debit’s own intent', async () => {
    const secrets: string[] = [];
    const element = { mount: vi.fn(), destroy: vi.fn(), on: vi.fn() };
    const factory = () => ({
      elements: ({ clientSecret }: { clientSecret: string }) => {
        secrets.push(clientSecret);
        return { create: () => element };
      },
      confirmPayment: vi.fn(async () => ({ paymentIntent: { id: 'pi_2', status: 'processing' } })),
    });
    stripe.loadStripe.mockResolvedValue(factory);
    api.POST.mockResolvedValueOnce(
      answer(201, { ...both, provider: 'stripe', publishable_key: 'pk_test_1', client_secret: 'pi_1_secret' }),
    );
    open(usd);
    const dialog = await startPaying();
    await waitFor(() => expect(secrets).toEqual(['pi_1_secret']));
    api.POST.mockResolvedValueOnce(
      answer(201, {
        ...both,
        provider: 'stripe',
        publishable_key: 'pk_test_1',
        intent_id: 'pi_2',
        client_secret: 'pi_2_secret',
        method: 'ach',
      }),
    );
    fireEvent.click(within(dialog).getByLabelText('Bank account (ACH)'));
    await waitFor(() => expect(secrets).toEqual(['pi_1_secret', 'pi_2_secret']));
    expect(element.destroy).toHaveBeenCalledTimes(1);
    expect(within(dialog).queryByLabelText('Keep this card for automatic payments')).toBeNull();
    expect(api.POST.mock.calls[1][1].body).toEqual({ save_card: false, method: 'ach' });
  });
});
