// One invoice as its issuer or who is billed sees it: number, status, dates, the lines with
// their figures, taxes, total, what was paid and what is left, the early-payment discount,
// terms and notes, and the ledger. The issuer edits, sends or discards a draft, records
// payments, refunds online ones and voids a sent invoice; who is billed reads it and pays it
// online (PayDialog.tsx). Everyone who reads it downloads it as a PDF, and each payment's
// receipt. Its issuers also see the time entries it bills (BilledTime.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { ApiError, errorMessage } from '../api/problem';
import NotFound from '../app/NotFound';
import { me, role } from '../app/session';
import { branding } from '../theme/branding';
import { FormError } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { formatDay } from '../tickets/duration';
import { rememberHouse } from './access';
import {
  discardInvoice,
  getInvoice,
  invoicePdfHref,
  listPayments,
  pdfName,
  receiptHref,
  sendInvoice,
  type Entry,
  type Invoice,
  type Tagged,
} from './api';
import { ConfirmButton } from '../ui/Confirm';
import { BilledTime } from './BilledTime';
import { CreditNotes } from './CreditNotes';
import { PaymentDialog, RefundDialog, VoidDialog } from './Dialogs';
import { PayDialog } from './PayDialog';
import { PaymentPlan } from './PaymentPlan';
import { recurringPath } from './recurring';
import { invoiceMoved, pollUntil, receiptMessage } from './payments';
import { payable } from './revenue';
import { formatMoney, formatPercent, isZeroAmount } from './money';
import { StatusChip } from './StatusChip';
import { Summary } from './Summary';
import { Ledger } from './Ledger';
import { describeTerms } from './terms';
import './invoices.css';

export default function InvoicePage() {
  const { params } = useRoute();
  const { tenantId, invoiceId } = params as { tenantId: string; invoiceId: string };
  const loaded = useResource(() => getInvoice(tenantId, invoiceId), [tenantId, invoiceId]);
  const ledger = useResource(() => listPayments(tenantId, invoiceId), [tenantId, invoiceId]);
  const side = loaded.data?.value.side;

  useEffect(() => {
    // A partner's first bill from Kre8ivTech tells the list where to find the others.
    if (side === 'billed' && role.value === 'partner' && tenantId !== me.value?.user.tenant) rememberHouse(tenantId);
  }, [side, tenantId]);

  if (loaded.error instanceof ApiError && loaded.error.status === 404) return <NotFound />;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  return (
    <InvoiceView
      tenantId={tenantId}
      loaded={loaded.data}
      ledger={ledger.data}
      ledgerError={ledger.error}
      onChanged={(next) => {
        loaded.setData(next);
        void ledger.reload();
      }}
    />
  );
}

interface ViewProps {
  tenantId: string;
  loaded: Tagged<Invoice>;
  ledger: Entry[] | undefined;
  ledgerError: Error | undefined;
  onChanged: (next: Tagged<Invoice>) => void;
}

function InvoiceView({ tenantId, loaded, ledger, ledgerError, onChanged }: ViewProps) {
  const inv = loaded.value;
  const issuer = inv.side === 'issuer';
  const money = (a: string) => formatMoney(a, inv.currency);
  const [said, setSaid] = useState('');
  const own = tenantId === me.value?.user.tenant;
  const listHref = own ? '/invoices' : `/invoices?tenant=${encodeURIComponent(tenantId)}`;
  const from = issuer ? null : role.value === 'partner' && !own ? 'Kre8ivTech' : (branding.value?.tenant_name ?? null);
  const inclusive = (id: string) => inv.tax_rates.find((r) => r.id === id)?.inclusive;
  const [refunding, setRefunding] = useState<{ payment: Entry; left: string } | null>(null);

  return (
    <Page
      title={inv.number ? `Invoice ${inv.number}` : 'Draft invoice'}
      actions={
        // A named `download` (the server's Content-Disposition name wins) also keeps the router's link handling away.
        <a
          class="button button--secondary"
          href={invoicePdfHref(tenantId, inv.id)}
          download={pdfName(inv.number ?? 'draft-invoice')}
          aria-label={inv.number ? `Download PDF of invoice ${inv.number}` : 'Download PDF of this draft invoice'}
        >
          Download PDF
        </a>
      }
    >
      <p role="status" class="visually-hidden">
        {said}
      </p>
      <p>
        <a href={listHref}>{role.value === 'partner' && !own ? 'All bills from Kre8ivTech' : 'All invoices'}</a>
      </p>
      <section class="panel invoice-head" aria-label="Invoice details" tabIndex={-1}>
        <StatusChip status={inv.status} pastDue={inv.past_due} />
        <dl class="details">
          <dt>{issuer ? 'Billed to' : 'From'}</dt>
          <dd>{issuer ? (inv.billed.name ?? 'A removed party') : (from ?? 'Your portal')}</dd>
          {!issuer && inv.billed.name && (
            <>
              <dt>Billed to</dt>
              <dd>{inv.billed.name}</dd>
            </>
          )}
          <dt>Issued</dt>
          <dd>{inv.issued_on ? formatDay(inv.issued_on) : 'Not sent yet'}</dd>
          {inv.due_on && (
            <>
              <dt>Due</dt>
              <dd>
                {formatDay(inv.due_on)}
                {inv.past_due && inv.status !== 'paid' && inv.status !== 'void' ? ' (past due)' : ''}
              </dd>
            </>
          )}
          {issuer && inv.status !== 'draft' && (
            <>
              <dt>Seen by them</dt>
              <dd>{inv.viewed_at ? formatDateTime(inv.viewed_at) : 'Not yet'}</dd>
            </>
          )}
          <dt>{inv.status === 'draft' ? 'Total' : 'Balance'}</dt>
          <dd>
            <strong>{money(inv.status === 'draft' ? inv.total : inv.balance)}</strong>
          </dd>
          {!isZeroAmount(inv.credited ?? '0') && (
            <>
              <dt>Credited</dt>
              <dd>{money(inv.credited)}</dd>
            </>
          )}
          {inv.void_reason && (
            <>
              <dt>Voided because</dt>
              <dd>{inv.void_reason}</dd>
            </>
          )}
        </dl>
        {inv.recurring && (
          <p class="invoice-recurring">
            {issuer ? (
              <a href={recurringPath(tenantId, inv.recurring.schedule_id, own)}>From recurring schedule</a>
            ) : (
              'From a recurring schedule'
            )}
            , for the period from {formatDay(inv.recurring.period_on)}.
          </p>
        )}
        {inv.early_discount && inv.status !== 'paid' && inv.status !== 'void' && (
          <p class="invoice-early">
            Pay by <strong>{formatDay(inv.early_discount.deadline)}</strong> to save {formatPercent(inv.early_discount.percent)} (
            {money(inv.early_discount.amount)}).
          </p>
        )}
        {issuer ? (
          <IssuerActions tenantId={tenantId} loaded={loaded} listHref={listHref} onChanged={onChanged} say={setSaid} />
        ) : (
          <BilledActions tenantId={tenantId} invoice={inv} onChanged={onChanged} />
        )}
      </section>

      <section class="panel" aria-labelledby="invoice-lines-heading">
        <h2 id="invoice-lines-heading">Lines</h2>
        <div class="table-wrap" role="region" aria-label="Invoice lines" tabIndex={0}>
          <table class="invoice-table">
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col" class="num">
                  Quantity
                </th>
                <th scope="col" class="num">
                  Unit price
                </th>
                <th scope="col" class="num">
                  Discount
                </th>
                <th scope="col" class="num">
                  Tax
                </th>
                <th scope="col" class="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {inv.lines.map((l, i) => (
                <tr key={i}>
                  <th scope="row">
                    {l.description}
                    {l.basis && <span class="muted invoice-table__basis">{l.basis}</span>}
                  </th>
                  <td class="num">{l.quantity}</td>
                  <td class="num">{money(l.unit_price)}</td>
                  <td class="num">{isZeroAmount(l.discount_amount) ? '—' : `−${money(l.discount_amount)}`}</td>
                  <td class="num">
                    {l.taxes.length
                      ? l.taxes.map((t) => (
                          <span key={t.rate_id} class="invoice-table__tax">
                            {t.name} {formatPercent(t.percent)}: {money(t.amount)}
                            {inclusive(t.rate_id) ? ' (incl.)' : ''}
                          </span>
                        ))
                      : '—'}
                  </td>
                  <td class="num">{money(l.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Summary
          currency={inv.currency}
          subtotal={inv.subtotal}
          discount={inv.discount_total}
          taxes={inv.taxes.map((t) => ({ ...t, inclusive: inclusive(t.rate_id) }))}
          total={inv.total}
        >
          {inv.status !== 'draft' && (
            <>
              {!isZeroAmount(inv.credited ?? '0') && (
                <div>
                  <dt>Credited</dt>
                  <dd>{money(inv.credited)}</dd>
                </div>
              )}
              <div>
                <dt>{isZeroAmount(inv.credited ?? '0') ? 'Paid' : 'Paid and credited'}</dt>
                <dd>{money(inv.paid)}</dd>
              </div>
              <div class="invoice-summary__total">
                <dt>Balance</dt>
                <dd>{money(inv.balance)}</dd>
              </div>
            </>
          )}
        </Summary>
      </section>

      {issuer && inv.time_entries?.length > 0 && <BilledTime tenantId={tenantId} entries={inv.time_entries} />}

      <PaymentPlan
        tenantId={tenantId}
        loaded={loaded}
        onChanged={(next, words) => {
          onChanged(next);
          setSaid(words);
        }}
      />
      <CreditNotes
        tenantId={tenantId}
        invoice={inv}
        onChanged={(words) => {
          void getInvoice(tenantId, inv.id).then(onChanged, () => undefined);
          setSaid(words);
        }}
      />

      {(inv.terms || inv.terms_text || inv.notes) && (
        <section class="panel invoice-text" aria-labelledby="invoice-terms-heading">
          <h2 id="invoice-terms-heading">Terms and notes</h2>
          {inv.terms && (
            <>
              <h3>Payment terms: {inv.terms.name}</h3>
              <ul>
                {describeTerms(inv.terms, inv.currency).map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          )}
          {inv.terms_text && <p class="invoice-text__body">{inv.terms_text}</p>}
          {inv.notes && (
            <>
              <h3>Notes</h3>
              <p class="invoice-text__body">{inv.notes}</p>
            </>
          )}
        </section>
      )}

      {inv.status !== 'draft' && (
        <section class="panel" aria-labelledby="invoice-ledger-heading">
          <h2 id="invoice-ledger-heading">Payments</h2>
          <Ledger
            entries={ledger}
            error={ledgerError}
            currency={inv.currency}
            receipt={(payment) => ({
              href: receiptHref(tenantId, inv.id, payment.id),
              file: pdfName(`${inv.number ?? 'invoice'}-receipt-${payment.on}`),
            })}
            onRefund={issuer && role.value !== 'staff' ? (payment, left) => setRefunding({ payment, left }) : undefined}
          />
          {refunding && (
            <RefundDialog
              tenantId={tenantId}
              invoice={inv}
              payment={refunding.payment}
              left={refunding.left}
              onClose={() => setRefunding(null)}
              onDone={(next, words) => {
                setRefunding(null);
                onChanged(next);
                setSaid(words);
                // The Refund button that opened it is gone once nothing is left to refund: stay in the ledger.
                setTimeout(() => {
                  if (document.activeElement === document.body)
                    document.querySelector<HTMLElement>('[aria-label="Payments, refunds and credits"]')?.focus();
                }, 0);
              }}
            />
          )}
        </section>
      )}
    </Page>
  );
}

interface BilledProps {
  tenantId: string;
  invoice: Invoice;
  onChanged: (next: Tagged<Invoice>) => void;
}

/** Who is billed pays online, and reads what became of the payment (the provider's webhook moves the invoice). */
function BilledActions({ tenantId, invoice, onChanged }: BilledProps) {
  const { query, path, route } = useLocation();
  const [paying, setPaying] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [receipt, setReceipt] = useState<{ ok: boolean; text: string } | null>(null);
  const receiptRef = useRef<HTMLParagraphElement>(null);

  const settle = async (amount: string | null, status: string) => {
    setPaying(false);
    setWaiting(true);
    setReceipt(null);
    const before = invoice;
    try {
      const polled = await pollUntil(
        () => getInvoice(tenantId, before.id),
        (next) => invoiceMoved(before, next.value),
        // A bank debit clears (or its account is verified) days later: one look is enough.
        status === 'processing' || status === 'requires_action' ? { tries: 1 } : {},
      );
      onChanged(polled.value);
      setReceipt({ ok: true, text: receiptMessage(polled.value.value, amount, polled.changed, status) });
    } catch {
      setReceipt({ ok: true, text: receiptMessage(before, amount, false, status) });
    } finally {
      setWaiting(false);
      setTimeout(() => receiptRef.current?.focus(), 0);
    }
  };

  // Back from a payment method that left the page for its bank (Stripe adds how it went).
  useEffect(() => {
    const outcome = query.redirect_status;
    if (!outcome) return;
    route(path, true);
    if (outcome === 'failed') {
      setReceipt({ ok: false, text: 'The payment did not go through. Try again, or with another payment method.' });
      setTimeout(() => receiptRef.current?.focus(), 0);
    } else void settle(null, outcome);
  }, []);

  return (
    <div class="invoice-actions">
      {waiting && <Loading label="Payment taken; waiting for the invoice to show it…" />}
      {receipt && (
        <p
          class={receipt.ok ? 'alert alert--ok' : 'alert alert--error'}
          role={receipt.ok ? 'status' : 'alert'}
          tabIndex={-1}
          ref={receiptRef}
        >
          {receipt.text}
        </p>
      )}
      {payable(invoice) && !waiting && (
        <>
          <div class="actions">
            <button type="button" class="button" onClick={() => setPaying(true)}>
              Pay
            </button>
          </div>
          <p class="muted">By card or bank account, or as the terms below say.</p>
        </>
      )}
      {paying && <PayDialog tenantId={tenantId} invoice={invoice} onClose={() => setPaying(false)} onPaid={(a, s) => void settle(a, s)} />}
    </div>
  );
}

interface ActionsProps {
  tenantId: string;
  loaded: Tagged<Invoice>;
  listHref: string;
  onChanged: (next: Tagged<Invoice>) => void;
  say: (s: string) => void;
}

function IssuerActions({ tenantId, loaded, listHref, onChanged, say }: ActionsProps) {
  const { route } = useLocation();
  const inv = loaded.value;
  const [dialog, setDialog] = useState<'payment' | 'void' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = inv.status === 'sent' || inv.status === 'viewed' || inv.status === 'partial' || inv.status === 'overdue';
  const nothingPaid = isZeroAmount(inv.paid);

  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
      setTimeout(() => document.querySelector<HTMLElement>('.invoice-head [role="alert"]')?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };
  const done = (next: Tagged<Invoice>, said: string) => {
    setDialog(null);
    onChanged(next);
    say(said);
    // The button that opened the dialog may be gone (a paid or void invoice has none): stay in the details.
    setTimeout(() => {
      if (document.activeElement === document.body) document.querySelector<HTMLElement>('.invoice-head')?.focus();
    }, 0);
  };

  return (
    <div class="invoice-actions">
      <FormError message={error} />
      <div class="actions">
        {inv.status === 'draft' && (
          <>
            <a class="button button--secondary" href={`/invoices/${tenantId}/${inv.id}/edit`}>
              Edit draft
            </a>
            <ConfirmButton
              label="Send…"
              confirm={`Send to ${inv.billed.name ?? 'the billed party'} now`}
              disabled={busy}
              note="It takes the next invoice number and who is billed is told."
              onConfirm={() =>
                void act(async () => {
                  const next = await sendInvoice(tenantId, inv.id, loaded.etag);
                  done(next, `Sent as ${next.value.number ?? 'an invoice'}.`);
                })
              }
            />
            <ConfirmButton
              label="Discard…"
              confirm="Discard this draft for good"
              decline="Keep it"
              danger
              disabled={busy}
              onConfirm={() =>
                void act(async () => {
                  await discardInvoice(tenantId, inv.id, loaded.etag);
                  route(listHref, true);
                })
              }
            />
          </>
        )}
        {open && (
          <button type="button" class="button" onClick={() => setDialog('payment')}>
            Record payment
          </button>
        )}
        {open && nothingPaid && (
          <button type="button" class="button button--secondary" onClick={() => setDialog('void')}>
            Void…
          </button>
        )}
      </div>
      {open && !nothingPaid && <p class="muted">Money was received on this invoice, so it cannot be voided.</p>}
      {dialog === 'payment' && (
        <PaymentDialog tenantId={tenantId} invoice={inv} etag={loaded.etag} onClose={() => setDialog(null)} onDone={done} />
      )}
      {dialog === 'void' && (
        <VoidDialog tenantId={tenantId} invoice={inv} etag={loaded.etag} onClose={() => setDialog(null)} onDone={done} />
      )}
    </div>
  );
}
