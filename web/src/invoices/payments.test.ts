import { describe, expect, it, vi } from 'vitest';
import type { Entry, StatusTotal } from './api';
import {
  discountTaken,
  invoiceMoved,
  isOnlinePayment,
  pollUntil,
  providerSentence,
  receiptMessage,
  refundableLeft,
  webhookUrl,
} from './payments';
import { payable, revenueByCurrency } from './revenue';

const entry = (e: Partial<Entry> & Pick<Entry, 'id' | 'kind' | 'amount'>): Entry => ({ on: '2026-03-02', reference: '', at: '', ...e });
const card = entry({ id: 'pi_local_1', kind: 'payment', amount: '238.00', method: 'card', reference: 'pi_local_1' });

describe('online payments', () => {
  it('tells the provider’s payments from those recorded by hand', () => {
    expect(isOnlinePayment(card)).toBe(true);
    expect(isOnlinePayment({ ...card, recorded_by: 'u1' })).toBe(false);
    expect(isOnlinePayment({ ...card, id: '01JD0000', recorded_by: null })).toBe(false);
    expect(isOnlinePayment({ ...card, kind: 'refund', amount: '-10.00' })).toBe(false);
  });

  it('leaves to refund what the refunds of a payment did not take', () => {
    const other = entry({ id: 'pi_local_2', kind: 'payment', amount: '50.00' });
    const ours = entry({ id: 're_1', kind: 'refund', amount: '-38.00', reference: 'refund of pi_local_1', recorded_by: 'u1' });
    const theirs = entry({ id: 're_2', kind: 'refund', amount: '-10.00', reference: 'refund of pi_local_2', recorded_by: 'u1' });
    expect(refundableLeft([card], card, 'EUR')).toBe('238.00');
    expect(refundableLeft([card, other, ours, theirs], card, 'EUR')).toBe('200.00');
    expect(refundableLeft([card, other, ours, theirs], other, 'EUR')).toBe('40.00');
    // Refunded in Stripe's dashboard (no payment named): the only online payment's.
    const dashboard = entry({ id: 're_3', kind: 'refund', amount: '-0.50', reference: 're_3' });
    expect(refundableLeft([card, ours, dashboard], card, 'EUR')).toBe('199.50');
    expect(refundableLeft([card, other, dashboard], card, 'EUR')).toBe('238.00');
    expect(refundableLeft([card, entry({ id: 're_4', kind: 'refund', amount: '-300.00', reference: 're_4' })], card, 'EUR')).toBe('0.00');
    expect(refundableLeft([{ ...card, amount: '5000' }], { ...card, amount: '5000' }, 'JPY')).toBe('5000');
  });

  it('shows the early-payment discount a checkout takes off', () => {
    const inv = { balance: '238.00', currency: 'EUR', early_discount: { percent: '2', deadline: '2026-03-08', amount: '4.76' } };
    expect(discountTaken(inv, '233.24')).toBe('4.76');
    expect(discountTaken(inv, '238.00')).toBeNull();
    expect(discountTaken({ ...inv, early_discount: null }, '233.24')).toBeNull();
  });

  it('puts the webhook path on the page’s origin', () => {
    expect(webhookUrl('/api/v1/webhooks/stripe/t1', 'https://acme.portal.test')).toBe('https://acme.portal.test/api/v1/webhooks/stripe/t1');
  });

  it('makes sentences of the provider’s words', () => {
    expect(providerSentence('3-D Secure authentication failed', 'x')).toBe('3-D Secure authentication failed.');
    expect(providerSentence('Your card was declined.', 'x')).toBe('Your card was declined.');
    expect(providerSentence(null, 'It did not go through.')).toBe('It did not go through.');
  });

  it('asks again until the invoice moved, a few times at most', async () => {
    const wait = vi.fn(async () => {});
    const answers = ['sent', 'sent', 'paid'];
    const load = vi.fn(async () => answers.shift() ?? 'paid');
    await expect(pollUntil(load, (s) => s === 'paid', { wait, delayMs: 10 })).resolves.toEqual({ value: 'paid', changed: true });
    expect(load).toHaveBeenCalledTimes(3);
    expect(wait).toHaveBeenCalledWith(10);

    const still = vi.fn(async () => 'sent');
    await expect(pollUntil(still, (s) => s === 'paid', { wait, tries: 4 })).resolves.toEqual({ value: 'sent', changed: false });
    expect(still).toHaveBeenCalledTimes(4);
    expect(invoiceMoved({ status: 'viewed', paid: '0.00' }, { status: 'viewed', paid: '0.00' })).toBe(false);
    expect(invoiceMoved({ status: 'viewed', paid: '0.00' }, { status: 'partial', paid: '50.00' })).toBe(true);
  });

  it('offers paying on open invoices with a balance', () => {
    expect(payable({ status: 'viewed', balance: '10.00' })).toBe(true);
    expect(payable({ status: 'overdue', balance: '0.01' })).toBe(true);
    expect(payable({ status: 'partial', balance: '0.00' })).toBe(false);
    expect(payable({ status: 'paid', balance: '0.00' })).toBe(false);
    expect(payable({ status: 'void', balance: '10.00' })).toBe(false);
    expect(payable({ status: 'draft', balance: '10.00' })).toBe(false);
  });

  it('words the receipt by where the invoice stands', () => {
    const paid = { status: 'paid' as const, balance: '0.00', currency: 'EUR', number: 'INV-7' };
    expect(receiptMessage(paid, '233.24', true)).toBe(
      'Thank you: your payment of €233.24 was received. INV-7 is paid in full. A receipt is in your notifications.',
    );
    expect(receiptMessage({ ...paid, status: 'partial', balance: '138.00' }, '100', true)).toBe(
      'Thank you: your payment of €100.00 was received. €138.00 is left to pay. A receipt is in your notifications.',
    );
    expect(receiptMessage(paid, '1', false)).toMatch(/^Thank you: your payment of €1.00 went through. The invoice shows it as soon/);
    expect(receiptMessage(paid, null, true, 'processing')).toMatch(/^Your bank payment is on its way/);
  });

  it('sums paid, outstanding and overdue per currency, exactly', () => {
    const totals: StatusTotal[] = [
      { status: 'draft', currency: 'EUR', count: 2, amount: '99.00' },
      { status: 'sent', currency: 'EUR', count: 1, amount: '0.10' },
      { status: 'partial', currency: 'EUR', count: 1, amount: '0.20' },
      { status: 'overdue', currency: 'EUR', count: 2, amount: '1000000000.05' },
      { status: 'paid', currency: 'EUR', count: 3, amount: '300.00' },
      { status: 'void', currency: 'EUR', count: 1, amount: '5.00' },
      { status: 'paid', currency: 'JPY', count: 1, amount: '5000' },
      { status: 'viewed', currency: 'USD', count: 0, amount: '0.00' },
    ];
    expect(revenueByCurrency(totals)).toEqual([
      {
        currency: 'EUR',
        paid: { count: 3, amount: '300.00' },
        outstanding: { count: 4, amount: '1000000000.35' },
        overdue: { count: 2, amount: '1000000000.05' },
      },
      {
        currency: 'JPY',
        paid: { count: 1, amount: '5000' },
        outstanding: { count: 0, amount: '0' },
        overdue: { count: 0, amount: '0' },
      },
    ]);
    expect(revenueByCurrency([])).toEqual([]);
  });
});
