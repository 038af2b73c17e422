import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import {
  BANK_PAYMENT_ON_ITS_WAY,
  checkoutRefusal,
  isPaymentOnItsWay,
  offeredMethods,
  paymentMethodLabel,
  PAYMENT_STILL_CLEARING,
  receiptMessage,
  TEST_BANK_ACCOUNTS,
} from './payments';

const conflict = (detail: string) => new ApiError(409, { type: 'about:blank', title: 'Conflict', status: 409, detail });
const invalid = (field: string, message: string) =>
  new ApiError(422, { type: 'about:blank', title: 'Invalid', status: 422, errors: [{ field, message }] });
const onItsWay = conflict('a payment of this invoice is on its way (bank debits take a few days to clear)');

describe('bank debits (ACH)', () => {
  it('offers the ways the checkout names, card first, and a card when it names none', () => {
    expect(offeredMethods(['card', 'ach'])).toEqual(['card', 'ach']);
    expect(offeredMethods(['ach', 'card'])).toEqual(['card', 'ach']);
    expect(offeredMethods(['card'])).toEqual(['card']);
    expect(offeredMethods(['card', 'cash'])).toEqual(['card']);
    expect(offeredMethods([])).toEqual(['card']);
    expect(offeredMethods(undefined)).toEqual(['card']);
  });

  it('tells a debit still clearing from other conflicts', () => {
    expect(isPaymentOnItsWay(onItsWay)).toBe(true);
    expect(isPaymentOnItsWay(conflict('this portal does not take online payments yet'))).toBe(false);
    expect(isPaymentOnItsWay(new Error('a payment of this invoice is on its way'))).toBe(false);
    expect(isPaymentOnItsWay(undefined)).toBe(false);
  });

  it('words why a checkout did not start', () => {
    expect(checkoutRefusal(onItsWay)).toBe(PAYMENT_STILL_CLEARING);
    expect(checkoutRefusal(onItsWay, 'ach')).toBe(PAYMENT_STILL_CLEARING);
    expect(checkoutRefusal(invalid('method', 'bank debits are taken on USD invoices only'), 'ach')).toBe(
      'This invoice cannot be paid by bank account. Pay by card instead.',
    );
    expect(checkoutRefusal(invalid('save_card', 'only a card is kept'), 'ach')).toBe(
      'Only a card is kept for automatic payments: pay by card to keep one.',
    );
    expect(checkoutRefusal(conflict('this portal does not take online payments yet'))).toBe(
      'This portal does not take payments online yet. Pay as the terms on the invoice say.',
    );
  });

  it('says a debit on its way is not paid yet, and a bank account to verify', () => {
    const inv = { status: 'viewed' as const, balance: '400.00', currency: 'USD', number: 'INV-1' };
    expect(receiptMessage(inv, '400.00', false, 'processing')).toBe(BANK_PAYMENT_ON_ITS_WAY);
    expect(BANK_PAYMENT_ON_ITS_WAY).toBe(
      'Your bank payment is on its way; it takes a few days to clear. This invoice will show as paid then.',
    );
    expect(receiptMessage(inv, null, false, 'requires_action')).toMatch(/^Your bank account still needs verifying/);
  });

  it('offers Stripe’s test bank accounts locally, and names ACH payments', () => {
    expect(TEST_BANK_ACCOUNTS.map((a) => [a.value, a.label])).toEqual([
      ['pm_usBankAccount_success', 'Test account — clears'],
      ['pm_usBankAccount_processing', 'Test account — still clearing'],
      ['pm_usBankAccount_accountClosed', 'Test account — closed'],
    ]);
    expect(paymentMethodLabel('ach')).toBe('ACH bank debit');
    expect(paymentMethodLabel('card')).toBe('Card');
    expect(paymentMethodLabel('bank_transfer')).toBe('Bank transfer');
  });
});
