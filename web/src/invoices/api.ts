// Invoice and billing-settings reads and writes shared by the screens. Edits carry the ETag
// they were read under (If-Match), so a concurrent change answers 412 instead of being lost.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';

export type Invoice = Schemas['InvoiceView'];
export type InvoiceSummary = Schemas['Paginated_InvoiceSummaryView']['items'][number];
export type InvoiceStatus = Invoice['status'];
export type Entry = Schemas['EntryView'];
export type PaymentMethod = Schemas['PaymentRequest']['method'];
export type StatusTotal = Schemas['StatusTotalView'];
export type BillingSettings = Schemas['BillingSettingsView'];
export type Terms = Schemas['TermsBody'];
export type PartyTerms = Schemas['PartyTermsView'];
export type NewInvoice = Schemas['NewInvoiceRequest'];
export type InvoiceUpdate = Schemas['InvoiceUpdate'];

export interface InvoiceQuery {
  status?: InvoiceStatus;
  org_id?: string;
  partner_id?: string;
  limit?: number;
  cursor?: string;
}

import { ifMatch, requestKey, tagged, type Tagged } from '../api/edits';

export { ifMatch, requestKey, tagged, type Tagged };

export const invoicePath = (tenantId: string, invoiceId: string) => `/invoices/${tenantId}/${invoiceId}`;

export async function listInvoices(tenantId: string, query: InvoiceQuery) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/invoices', { params: { path: { tenant_id: tenantId }, query } }));
}

export async function invoiceTotals(tenantId: string): Promise<StatusTotal[]> {
  const answer = unwrap(await api.GET('/api/v1/tenants/{tenant_id}/invoices/totals', { params: { path: { tenant_id: tenantId } } }));
  return answer.totals;
}

const one = (tenantId: string, invoiceId: string) => ({ tenant_id: tenantId, invoice_id: invoiceId });

// PDFs are plain links (the session's cookies go with them): the browser downloads what the
// server names in Content-Disposition.
const invoiceUrl = (tenantId: string, invoiceId: string) =>
  `/api/v1/tenants/${encodeURIComponent(tenantId)}/invoices/${encodeURIComponent(invoiceId)}`;

/**
 * A PDF's file name from `stem` as the server makes them (`INV-2026-0042.pdf`). A link's
 * `download` needs one: an empty one would leave the click to the router.
 */
export const pdfName = (stem: string) => `${stem.replace(/[^A-Za-z0-9._-]/g, '-')}.pdf`;

/** The invoice as a PDF (its issuer, drafts too, or who is billed). */
export const invoicePdfHref = (tenantId: string, invoiceId: string) => `${invoiceUrl(tenantId, invoiceId)}/pdf`;

/** The receipt of one payment entry of the invoice's ledger, as a PDF (refunds and credits have none). */
export const receiptHref = (tenantId: string, invoiceId: string, paymentId: string) =>
  `${invoiceUrl(tenantId, invoiceId)}/payments/${encodeURIComponent(paymentId)}/receipt`;

export async function getInvoice(tenantId: string, invoiceId: string): Promise<Tagged<Invoice>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}', { params: { path: one(tenantId, invoiceId) } }));
}

/** Drafts an invoice; `key` makes a retry of the same request safe (it gets the draft the first made). */
export async function createInvoice(tenantId: string, body: NewInvoice, key: string): Promise<Tagged<Invoice>> {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices', {
      params: { path: { tenant_id: tenantId }, header: { 'Idempotency-Key': key } },
      body,
    }),
  );
}

export async function updateInvoice(tenantId: string, invoiceId: string, etag: string | null, body: InvoiceUpdate) {
  return tagged(
    await api.PATCH('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}', {
      params: { path: one(tenantId, invoiceId), header: ifMatch(etag) },
      body,
    }),
  );
}

export async function discardInvoice(tenantId: string, invoiceId: string, etag: string | null): Promise<void> {
  unwrap(
    await api.DELETE('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}', {
      params: { path: one(tenantId, invoiceId), header: ifMatch(etag) },
    }),
  );
}

export async function sendInvoice(tenantId: string, invoiceId: string, etag: string | null) {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/send', {
      params: { path: one(tenantId, invoiceId), header: ifMatch(etag) },
    }),
  );
}

export async function voidInvoice(tenantId: string, invoiceId: string, etag: string | null, reason: string) {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/void', {
      params: { path: one(tenantId, invoiceId), header: ifMatch(etag) },
      body: { reason },
    }),
  );
}

export async function listPayments(tenantId: string, invoiceId: string): Promise<Entry[]> {
  const ledger = unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/payments', { params: { path: one(tenantId, invoiceId) } }),
  );
  return ledger.items;
}

export async function recordPayment(tenantId: string, invoiceId: string, body: Schemas['PaymentRequest']) {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/payments', { params: { path: one(tenantId, invoiceId) }, body }),
  );
}

export async function getBillingSettings(tenantId: string): Promise<Tagged<BillingSettings>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/billing/settings', { params: { path: { tenant_id: tenantId } } }));
}

export async function updateBillingSettings(tenantId: string, etag: string | null, body: Schemas['BillingSettingsUpdate']) {
  return tagged(
    await api.PATCH('/api/v1/tenants/{tenant_id}/billing/settings', {
      params: { path: { tenant_id: tenantId }, header: ifMatch(etag) },
      body,
    }),
  );
}

export async function listPartyTerms(tenantId: string): Promise<PartyTerms[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/billing/terms', { params: { path: { tenant_id: tenantId } } })).items;
}

/** The path word of a billed party's kind (`org` -> `orgs`). */
const partyKind = (kind: string) => (kind === 'partner' ? 'partners' : 'orgs');

export async function setPartyTerms(tenantId: string, kind: string, partyId: string, terms: Terms | null): Promise<void> {
  const params = { path: { tenant_id: tenantId, party_kind: partyKind(kind), party_id: partyId } };
  unwrap(
    terms
      ? await api.PUT('/api/v1/tenants/{tenant_id}/billing/terms/{party_kind}/{party_id}', { params, body: terms })
      : await api.DELETE('/api/v1/tenants/{tenant_id}/billing/terms/{party_kind}/{party_id}', { params }),
  );
}

// Paying online: the billed party's checkout, the local stand-in's card form, the issuer's
// refunds and the tenant's connection to its payment provider.

export type Checkout = Schemas['CheckoutView'];
export type LocalCardResult = Schemas['LocalCardView'];
export type StripeConnection = Schemas['StripeConnectionView'];
export type StripeKeys = Schemas['StripeKeysRequest'];
/** How an online payment is made: by card, or by US bank account (ACH) debit. */
export type PayMethod = Schemas['PayMethod'];

/**
 * Starts paying (who is billed): for `amount`, or by default what is due now (the early-payment
 * discount taken off while it holds). `saveCard` keeps the card for automatic payments of
 * recurring invoices; `method` `ach` pays by US bank account instead of card (the default).
 */
export async function startCheckout(
  tenantId: string,
  invoiceId: string,
  amount?: string,
  saveCard = false,
  method?: PayMethod,
): Promise<Checkout> {
  const body: Schemas['CheckoutRequest'] = amount === undefined ? { save_card: saveCard } : { amount, save_card: saveCard };
  if (method) body.method = method;
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout', { params: { path: one(tenantId, invoiceId) }, body }),
  );
}

/**
 * The local stand-in's payment form: a test card number, or `3ds:approve` / `3ds:fail` answering
 * 3-D Secure; for a bank debit, one of Stripe's test bank accounts (`pm_usBankAccount_success`…).
 */
export async function payWithLocalCard(tenantId: string, invoiceId: string, intentId: string, card: string): Promise<LocalCardResult> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout/{intent_id}/local', {
      params: { path: { ...one(tenantId, invoiceId), intent_id: intentId } },
      body: { card },
    }),
  );
}

/** Gives (part of) an online payment back through the provider (the issuer). */
export async function refundPayment(tenantId: string, invoiceId: string, paymentId: string, amount: string) {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/refunds', {
      params: { path: one(tenantId, invoiceId) },
      body: { payment_id: paymentId, amount },
    }),
  );
}

export async function getStripeConnection(tenantId: string): Promise<StripeConnection> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/billing/stripe', { params: { path: { tenant_id: tenantId } } }));
}

export async function connectStripe(tenantId: string, keys: StripeKeys): Promise<StripeConnection> {
  return unwrap(await api.PUT('/api/v1/tenants/{tenant_id}/billing/stripe', { params: { path: { tenant_id: tenantId } }, body: keys }));
}

export async function disconnectStripe(tenantId: string): Promise<void> {
  unwrap(await api.DELETE('/api/v1/tenants/{tenant_id}/billing/stripe', { params: { path: { tenant_id: tenantId } } }));
}
