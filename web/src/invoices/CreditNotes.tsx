// The credit notes of a sent invoice on its page: each note's number, day, amount and reason,
// where it was applied and the credit left, and its PDF. The issuer issues notes and applies
// what is left of one to the party's other open invoices; who is billed reads them.
import { useState } from 'preact/hooks';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { formatDay } from '../tickets/duration';
import { invoicePath, pdfName, type Invoice } from './api';
import { ApplyCreditDialog, CreditNoteDialog } from './CreditNoteDialogs';
import { creditable, creditNotePdfHref, hasRemaining, listInvoiceCreditNotes, type CreditNote } from './creditNotes';
import { formatMoney, isZeroAmount } from './money';

interface Props {
  tenantId: string;
  invoice: Invoice;
  /** After a note was issued or applied: the invoice is read again, and `said` told. */
  onChanged: (said: string) => void;
}

export function CreditNotes({ tenantId, invoice, onChanged }: Props) {
  const notes = useResource(() => listInvoiceCreditNotes(tenantId, invoice.id), [tenantId, invoice.id, invoice.version]);
  const [dialog, setDialog] = useState<{ kind: 'issue' } | { kind: 'apply'; note: CreditNote } | null>(null);
  const issuer = invoice.side === 'issuer';
  const canIssue = issuer && invoice.status !== 'draft' && invoice.status !== 'void' && !isZeroAmount(creditable(invoice));
  if (invoice.status === 'draft') return null;
  if (!issuer && notes.data && !notes.data.length) return null;
  const money = (a: string) => formatMoney(a, invoice.currency);

  return (
    <section class="panel" aria-labelledby="invoice-credit-heading">
      <h2 id="invoice-credit-heading">Credit notes</h2>
      {notes.error ? (
        <ErrorNote error={notes.error} />
      ) : !notes.data ? (
        <Loading />
      ) : !notes.data.length ? (
        <Empty>No credit notes on this invoice.</Empty>
      ) : (
        <ul class="list credit-notes">
          {notes.data.map((n) => (
            <li key={n.id} class="credit-note">
              <div class="credit-note__head">
                <strong class="mono">{n.number}</strong>
                <span>{money(n.amount)}</span>
                <span class="muted">issued {formatDay(n.issued_on)}</span>
                <a
                  class="button button--small button--secondary credit-note__pdf"
                  href={creditNotePdfHref(tenantId, n.id)}
                  download={pdfName(n.number)}
                  aria-label={`Download PDF of credit note ${n.number}`}
                >
                  PDF
                </a>
              </div>
              <p class="invoice-text__body">{n.reason}</p>
              {n.applied.length > 0 && (
                <ul class="credit-note__applied" aria-label={`Where ${n.number} was applied`}>
                  {n.applied.map((a) => (
                    <li key={`${a.invoice_id}-${a.at}`}>
                      {money(a.amount)} to{' '}
                      {a.invoice_id === invoice.id ? (
                        'this invoice'
                      ) : (
                        <a href={invoicePath(tenantId, a.invoice_id)}>{a.invoice_number ?? 'another invoice'}</a>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {hasRemaining(n) && (
                <p>
                  Credit left for other invoices: <strong>{money(n.remaining)}</strong>{' '}
                  {issuer && (
                    <button
                      type="button"
                      class="button button--small button--secondary"
                      onClick={() => setDialog({ kind: 'apply', note: n })}
                    >
                      Apply<span class="visually-hidden"> the credit left of {n.number}</span>
                    </button>
                  )}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {canIssue && (
        <div class="actions">
          <button type="button" class="button button--secondary" onClick={() => setDialog({ kind: 'issue' })}>
            Issue credit note…
          </button>
        </div>
      )}
      {dialog?.kind === 'issue' && (
        <CreditNoteDialog
          tenantId={tenantId}
          invoice={invoice}
          onClose={() => setDialog(null)}
          onDone={(note) => {
            setDialog(null);
            onChanged(`Issued ${note.number} for ${money(note.amount)}.`);
          }}
        />
      )}
      {dialog?.kind === 'apply' && (
        <ApplyCreditDialog
          tenantId={tenantId}
          note={dialog.note}
          onClose={() => setDialog(null)}
          onDone={(note) => {
            setDialog(null);
            void notes.reload();
            onChanged(`Applied credit from ${note.number}; ${money(note.remaining)} is left.`);
          }}
        />
      )}
    </section>
  );
}
