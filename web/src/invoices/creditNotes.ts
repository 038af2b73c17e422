// Credit notes: issued against a sent invoice (its issuer), applied at once to that invoice's
// balance as far as it goes; what is left (`remaining`) is the party's credit, applied to their
// other open invoices in the same currency.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { listInvoices, type Invoice, type InvoiceSummary } from './api';
import { OPEN_STATUSES } from './labels';
import { formatMinor, parseDecimal, toMinor } from './money';

export type CreditNote = Schemas['CreditNoteView'];

const one = (tenantId: string, invoiceId: string) => ({ tenant_id: tenantId, invoice_id: invoiceId });

export async function listInvoiceCreditNotes(tenantId: string, invoiceId: string): Promise<CreditNote[]> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/credit-notes', { params: { path: one(tenantId, invoiceId) } }),
  ).items;
}

/** Issues a credit note; `key` makes a retry of the same request safe (it gets the note the first issued). */
export async function issueCreditNote(
  tenantId: string,
  invoiceId: string,
  body: Schemas['CreditNoteRequest'],
  key: string,
): Promise<CreditNote> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/credit-notes', {
      params: { path: one(tenantId, invoiceId), header: { 'Idempotency-Key': key } },
      body,
    }),
  );
}

/** Applies what is left of a note (or `amount` of it) to another open invoice of the same party. */
export async function applyCreditNote(tenantId: string, noteId: string, invoiceId: string, amount?: string): Promise<CreditNote> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/credit-notes/{credit_note_id}/apply', {
      params: { path: { tenant_id: tenantId, credit_note_id: noteId } },
      body: amount ? { invoice_id: invoiceId, amount } : { invoice_id: invoiceId },
    }),
  );
}

/** What can still be credited on `invoice`: its total less what notes credited already (never below 0). */
export function creditable(invoice: Pick<Invoice, 'total' | 'credited' | 'minor_units'>): string {
  const minor = invoice.minor_units;
  const read = (a: string) => {
    const d = parseDecimal(a);
    return d ? toMinor(d, minor) : 0n;
  };
  const left = read(invoice.total) - read(invoice.credited ?? '0');
  return formatMinor(left > 0n ? left : 0n, minor);
}

/** Whether a note has credit left for other invoices. */
export const hasRemaining = (note: Pick<CreditNote, 'remaining'>) => (parseDecimal(note.remaining)?.units ?? 0n) > 0n;

/** The party's other open invoices in the note's currency, with money left to pay: where its remaining credit may go. */
export async function creditTargets(tenantId: string, note: CreditNote): Promise<InvoiceSummary[]> {
  const party = note.billed.kind === 'partner' ? { partner_id: note.billed.id } : { org_id: note.billed.id };
  const pages = await Promise.all(OPEN_STATUSES.map((status) => listInvoices(tenantId, { ...party, status, limit: 100 })));
  return pages
    .flatMap((p) => p.items)
    .filter((i) => i.id !== note.invoice_id && i.currency === note.currency && (parseDecimal(i.balance)?.units ?? 0n) > 0n);
}

/** The note as a PDF (its issuer, or who is billed): a plain link, the session's cookies go with it. */
export const creditNotePdfHref = (tenantId: string, noteId: string) =>
  `/api/v1/tenants/${encodeURIComponent(tenantId)}/credit-notes/${encodeURIComponent(noteId)}/pdf`;
