// Paying online, worked out for the screens: which ledger entries the provider took (and how
// much of each is left to refund), the early-payment discount a checkout takes off, where
// Stripe sends its events, waiting for the webhook to move an invoice, and the receipt.
import { ApiError, errorMessage } from '../api/problem';
import type { Entry, Invoice, PayMethod } from './api';
import { methodLabel } from './labels';
import { formatMinor, formatMoney, parseDecimal, toMinor } from './money';
import { minorOf } from './revenue';

/** A payment the provider recorded (card or bank account, through Stripe or the local stand-in): refunded through it. */
export const isOnlinePayment = (e: Entry): boolean => e.kind === 'payment' && !e.recorded_by && e.id.startsWith('pi_');

const minor = (amount: string, digits: number) => {
  const d = parseDecimal(amount);
  return d ? toMinor(d, digits) : 0n;
};

/** The reference the portal gives a refund it made (`refund of pi_…`). */
const REFUND_OF = 'refund of ';

/**
 * What is left to refund of `payment`: its amount less the refunds of it. Refunds made here name
 * their payment in their reference; those made in Stripe's dashboard arrive without it, and
 * count against the payment when it is the invoice's only online one (the server has the last word).
 */
export function refundableLeft(entries: readonly Entry[], payment: Entry, currency: string): string {
  const digits = minorOf(
    currency,
    entries.map((e) => e.amount),
  );
  const only = entries.filter(isOnlinePayment).length === 1;
  const refunded = entries
    .filter((e) => e.kind === 'refund')
    .filter((e) => e.reference === `${REFUND_OF}${payment.id}` || (only && !e.reference.startsWith(REFUND_OF)))
    .reduce((sum, e) => sum - minor(e.amount, digits), 0n);
  const left = minor(payment.amount, digits) - refunded;
  return formatMinor(left > 0n ? left : 0n, digits);
}

/** The early-payment discount a checkout takes off the balance (`asked` is less); null when it asks the balance or part of it. */
export function discountTaken(invoice: Pick<Invoice, 'balance' | 'currency' | 'early_discount'>, asked: string): string | null {
  if (!invoice.early_discount) return null;
  const digits = minorOf(invoice.currency, [invoice.balance, asked]);
  const off = minor(invoice.balance, digits) - minor(asked, digits);
  return off > 0n ? formatMinor(off, digits) : null;
}

/** The events Stripe must send this portal (others are acknowledged and ignored). */
export const WEBHOOK_EVENTS = ['payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.refunded'] as const;

/** The webhook endpoint to give Stripe: the API's path on the address this page was opened at. */
export const webhookUrl = (path: string, origin: string = location.origin): string => new URL(path, origin).href;

/** A sentence from the provider's words ("3-D Secure authentication failed" gets its full stop). */
export function providerSentence(message: string | null | undefined, fallback: string): string {
  const t = message?.trim();
  if (!t) return fallback;
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

export interface Polled<T> {
  value: T;
  /** Whether `changed` said yes before the tries ran out. */
  changed: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface PollOptions {
  tries?: number;
  delayMs?: number;
  wait?: (ms: number) => Promise<void>;
}

/**
 * Asks `load` until `changed` says its answer moved, at most `tries` times `delayMs` apart (the
 * provider's webhook updates the invoice a moment after the payment); the last answer either way.
 */
export async function pollUntil<T>(
  load: () => Promise<T>,
  changed: (value: T) => boolean,
  { tries = 6, delayMs = 1500, wait = sleep }: PollOptions = {},
): Promise<Polled<T>> {
  let value = await load();
  for (let i = 1; i < tries && !changed(value); i++) {
    await wait(delayMs);
    value = await load();
  }
  return { value, changed: changed(value) };
}

/** Whether a payment reached an invoice: what was paid, or its status, is not what it was. */
export const invoiceMoved = (before: Pick<Invoice, 'status' | 'paid'>, after: Pick<Invoice, 'status' | 'paid'>): boolean =>
  after.status !== before.status || after.paid !== before.paid;

/**
 * What the billed party reads once the provider took `amount` (null: not known here, after
 * coming back from the provider's page): the invoice as it now stands (`moved`: the payment
 * reached it), or, for a bank debit still `processing`, that it takes days.
 */
export function receiptMessage(
  after: Pick<Invoice, 'status' | 'balance' | 'currency' | 'number'>,
  amount: string | null,
  moved: boolean,
  status = 'succeeded',
): string {
  const money = (a: string) => formatMoney(a, after.currency);
  const payment = amount === null ? 'payment' : `payment of ${money(amount)}`;
  if (status === 'processing') return BANK_PAYMENT_ON_ITS_WAY;
  if (status === 'requires_action') {
    return 'Your bank account still needs verifying: Stripe emails you how (two small deposits to confirm). The payment is taken once it is verified.';
  }
  if (!moved) {
    return `Thank you: your ${payment} went through. The invoice shows it as soon as the payment provider tells the portal; reload the page in a moment if it does not.`;
  }
  const where = after.status === 'paid' ? `${after.number ?? 'The invoice'} is paid in full.` : `${money(after.balance)} is left to pay.`;
  return `Thank you: your ${payment} was received. ${where} A receipt is in your notifications.`;
}

// Paying by US bank account (ACH) debit: offered on USD invoices of portals that take it, slow
// to clear (days), and a debit on its way blocks another payment of the invoice meanwhile.

/** How a ledger entry's method reads: a bank debit taken online (or recorded as ACH) said in full. */
export const paymentMethodLabel = (m: string | null | undefined) => (m === 'ach' ? 'ACH bank debit' : methodLabel(m));

/** What the payer reads once a bank debit is on its way (the invoice moves when it clears). */
export const BANK_PAYMENT_ON_ITS_WAY =
  'Your bank payment is on its way; it takes a few days to clear. This invoice will show as paid then.';

/** What the payer reads when a payment of the invoice is still clearing (starting another is refused). */
export const PAYMENT_STILL_CLEARING =
  'A payment of this invoice is on its way: bank debits take a few days to clear. This invoice will show as paid then.';

/** Whether starting a checkout was refused because a bank debit of the invoice is still clearing. */
export const isPaymentOnItsWay = (e: unknown): boolean =>
  e instanceof ApiError && e.status === 409 && /on its way/.test(e.problem?.detail ?? '');

/** The ways of paying online, as the pay dialog offers them. */
export const PAY_METHODS = [
  { value: 'card', label: 'Card' },
  { value: 'ach', label: 'Bank account (ACH)' },
] as const satisfies readonly { value: PayMethod; label: string }[];

/** The ways `methods` (a checkout's) lets the invoice be paid, in the dialog's order; cards when it says none. */
export function offeredMethods(methods: readonly string[] | null | undefined): PayMethod[] {
  const offered = PAY_METHODS.map((m) => m.value).filter((m) => methods?.includes(m));
  return offered.length ? offered : ['card'];
}

/** Why a checkout for `method` could not start, for people: bank debits not offered, or the server's words. */
export function checkoutRefusal(e: unknown, method: PayMethod = 'card'): string {
  if (isPaymentOnItsWay(e)) return PAYMENT_STILL_CLEARING;
  const fields = e instanceof ApiError ? (e.problem?.errors ?? []).map((x) => x.field) : [];
  if (method === 'ach' && fields.includes('method')) return 'This invoice cannot be paid by bank account. Pay by card instead.';
  if (method === 'ach' && fields.includes('save_card')) return 'Only a card is kept for automatic payments: pay by card to keep one.';
  return errorMessage(e);
}

/**
 * Stripe's test bank accounts the local stand-in takes (there is no real bank form locally), and
 * what each does: clears at once, stays on its way (as real debits do for days), or fails.
 */
export const TEST_BANK_ACCOUNTS = [
  { value: 'pm_usBankAccount_success', label: 'Test account — clears' },
  { value: 'pm_usBankAccount_processing', label: 'Test account — still clearing' },
  { value: 'pm_usBankAccount_accountClosed', label: 'Test account — closed' },
] as const;
