// How invoice words read in the UI, typed with the words the API takes.
import type { Option } from '../ui/options';
import { isOption } from '../ui/options';
import type { BillingSettings, InvoiceStatus, PaymentMethod } from './api';

export const STATUSES = [
  { value: 'draft', label: 'Draft' },
  { value: 'sent', label: 'Sent' },
  { value: 'viewed', label: 'Viewed' },
  { value: 'partial', label: 'Partly paid' },
  { value: 'overdue', label: 'Overdue' },
  { value: 'paid', label: 'Paid' },
  { value: 'void', label: 'Void' },
] as const satisfies readonly Option<InvoiceStatus>[];

export const isInvoiceStatus = (s: string | null | undefined): s is InvoiceStatus => isOption(STATUSES, s);
export const statusLabel = (s: string) => STATUSES.find((o) => o.value === s)?.label ?? s;

/** Statuses that still wait for money. */
export const OPEN_STATUSES: readonly InvoiceStatus[] = ['sent', 'viewed', 'partial', 'overdue'];

/** What a status's amount in the totals strip is (the API counts balances of open invoices, totals of the rest). */
export const amountMeaning = (s: InvoiceStatus) =>
  OPEN_STATUSES.includes(s) ? 'outstanding' : s === 'paid' ? 'paid' : s === 'void' ? 'voided' : 'drafted';

/** Ways a payment received outside the portal arrives (card payments come through the payment provider). */
export const MANUAL_METHODS = [
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'ach', label: 'ACH' },
  { value: 'cheque', label: 'Cheque' },
  { value: 'paypal', label: 'PayPal' },
  { value: 'cash', label: 'Cash' },
  { value: 'other', label: 'Other' },
] as const satisfies readonly Option<PaymentMethod>[];

export const isManualMethod = (m: string): m is (typeof MANUAL_METHODS)[number]['value'] => isOption(MANUAL_METHODS, m);

export const methodLabel = (m: string | null | undefined) =>
  m === 'card' ? 'Card' : (MANUAL_METHODS.find((o) => o.value === m)?.label ?? (m ? m.replace(/_/g, ' ') : ''));

const ENTRY_KINDS: Record<string, string> = {
  payment: 'Payment',
  refund: 'Refund',
  credit: 'Credit',
  early_discount: 'Early-payment discount',
};

export const entryLabel = (kind: string) => ENTRY_KINDS[kind] ?? kind.replace(/_/g, ' ');

export const DISCOUNT_KINDS = [
  { value: 'percent', label: '%' },
  { value: 'fixed', label: 'Amount' },
] as const;

// How the tenant's documents (invoice, receipt and credit-note PDFs) write dates and amounts, and
// their paper: each option shown as an example (the last day of 2026, and 1234.56).
export const DATE_FORMATS = [
  { value: 'yyyy-mm-dd', label: '2026-12-31' },
  { value: 'dd/mm/yyyy', label: '31/12/2026' },
  { value: 'mm/dd/yyyy', label: '12/31/2026' },
  { value: 'dd.mm.yyyy', label: '31.12.2026' },
  { value: 'd mmmm yyyy', label: '31 December 2026' },
  { value: 'mmmm d, yyyy', label: 'December 31, 2026' },
] as const satisfies readonly Option<BillingSettings['date_format']>[];

export const AMOUNT_STYLES = [
  { value: '1,234.56', label: '€1,234.56' },
  { value: '1.234,56', label: '1.234,56 €' },
  { value: '1 234,56', label: '1 234,56 €' },
  { value: "1'234.56", label: "CHF 1'234.56" },
] as const satisfies readonly Option<BillingSettings['amount_style']>[];

export const PAPERS = [
  { value: 'a4', label: 'A4' },
  { value: 'letter', label: 'US Letter' },
] as const satisfies readonly Option<BillingSettings['paper']>[];

export const isDateFormat = (s: string): s is BillingSettings['date_format'] => isOption(DATE_FORMATS, s);
export const isAmountStyle = (s: string): s is BillingSettings['amount_style'] => isOption(AMOUNT_STYLES, s);
export const isPaper = (s: string): s is BillingSettings['paper'] => isOption(PAPERS, s);
