// A quote on its branded page: its items (required, optional ones to tick, packages to choose
// from) with the totals of the choice; the client accepts it by typing their name (or declines
// it); the issuer sends, revises or withdraws it; an accepted quote shows its acceptance record
// (who, when, from where, the SHA-256 of what was accepted) and the invoices it made (with a
// deposit, the deposit's and the balance's). Anyone who reads it downloads it as a PDF.
import { useState } from 'preact/hooks';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { pdfName } from '../invoices/api';
import { minorUnits } from '../invoices/money';
import { totals } from '../invoices/totals';
import { TextArea, TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  acceptQuote,
  balanceTerms,
  chosenItems,
  declineQuote,
  depositTerms,
  getQuote,
  issuesHere,
  packagesOf,
  QUOTE_STATUS,
  quotePdfHref,
  stepQuote,
  type Quote,
  type QuoteChoice,
  type Step,
} from './api';
import './quotes.css';

export default function QuotePage({ tenantId, quoteId }: { tenantId: string; quoteId: string }) {
  const got = useResource(() => getQuote(tenantId, quoteId), [tenantId, quoteId]);
  if (got.error)
    return (
      <Page title="Quote">
        <ErrorNote error={got.error} />
      </Page>
    );
  if (!got.data)
    return (
      <Page title="Quote">
        <Loading />
      </Page>
    );
  return <QuoteView key={quoteId} initial={got.data.value} etag={got.data.etag} />;
}

/** The figures of a choice, as the server computes them (the invoicing rounding). */
export function choiceTotal(q: Quote, c: QuoteChoice): string {
  const minor = minorUnits(q.currency) ?? 2;
  const lines = chosenItems(q, c).map((i) => ({ quantity: i.quantity, unit_price: i.unit_price, tax_rate_ids: i.tax_rate_ids }));
  const f = totals(minor, lines, q.quote_discount ?? null, q.tax_rates);
  return f.total;
}

function QuoteView({ initial, etag: firstEtag }: { initial: Quote; etag: string | null }) {
  const [q, setQ] = useState(initial);
  const [etag, setEtag] = useState(firstEtag);
  const [choice, setChoice] = useState<QuoteChoice>(initial.choice);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const issuer = issuesHere(q.tenant_id);
  const open = !issuer && q.status === 'sent' && !q.expired;

  const run = async (act: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await act();
    } catch (e) {
      setProblem(e instanceof ApiError && e.status === 412 ? staleEdit('quote') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const step = (s: Step) =>
    run(async () => {
      const next = await stepQuote(q.tenant_id, q.id, s, etag);
      setQ(next.value);
      setEtag(next.etag);
    });
  const accept = () =>
    run(async () => {
      if (!name.trim()) {
        setNameError('Type your full name to accept.');
        return;
      }
      setNameError(undefined);
      setQ(await acceptQuote(q.tenant_id, q.id, name, choice));
    });

  const groups = packagesOf(q);
  const total = open ? choiceTotal(q, choice) : q.total;
  return (
    <Page
      title={q.title}
      actions={
        // A named `download` (the server's Content-Disposition name wins) also keeps the router's link handling away.
        <a
          class="button button--secondary"
          href={quotePdfHref(q)}
          download={pdfName(`quote-${q.title}`)}
          aria-label={`Download PDF of the quote ${q.title}`}
        >
          Download PDF
        </a>
      }
    >
      <dl class="request-facts quote-facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span class={`quote-chip quote-chip--${q.status}`}>{QUOTE_STATUS[q.status]}</span>
          </dd>
        </div>
        <div>
          <dt>Valid until</dt>
          <dd>
            {q.valid_until}
            {q.expired && q.status === 'sent' ? ' (expired)' : ''}
          </dd>
        </div>
        <div>
          <dt>Revision</dt>
          <dd>{q.revision}</dd>
        </div>
        {q.deposit && (
          <div>
            <dt>Deposit</dt>
            <dd>{depositTerms(q.deposit)}</dd>
          </div>
        )}
      </dl>
      <section class="panel quote-items" aria-labelledby="quote-items">
        <h2 id="quote-items">What is included</h2>
        <ul class="quote-lines">
          {q.items
            .filter((i) => i.kind === 'required')
            .map((i) => (
              <li key={i.id}>
                <span>
                  {i.description} × {i.quantity}
                </span>
                <span>{i.amount}</span>
              </li>
            ))}
        </ul>
        {q.items.some((i) => i.kind === 'optional') && (
          <fieldset class="fieldset">
            <legend>Optional extras</legend>
            {q.items
              .filter((i) => i.kind === 'optional')
              .map((i) => (
                <label key={i.id} class="check quote-option">
                  <input
                    type="checkbox"
                    disabled={!open}
                    checked={(choice.optional ?? []).includes(i.id)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setChoice((c) => ({
                        ...c,
                        optional: on ? [...(c.optional ?? []), i.id] : (c.optional ?? []).filter((x) => x !== i.id),
                      }));
                    }}
                  />
                  <span>{i.description}</span>
                  <span class="quote-option__amount">{i.amount}</span>
                </label>
              ))}
          </fieldset>
        )}
        {groups.map((g) => (
          <fieldset class="fieldset" key={g}>
            <legend>{g}: choose one</legend>
            {q.items
              .filter((i) => i.kind === 'package' && i.group === g)
              .map((i) => (
                <label key={i.id} class="check quote-option">
                  <input
                    type="radio"
                    name={`package-${g}`}
                    disabled={!open}
                    checked={(choice.packages ?? {})[g] === i.id}
                    onChange={() => setChoice((c) => ({ ...c, packages: { ...(c.packages ?? {}), [g]: i.id } }))}
                  />
                  <span>{i.description}</span>
                  <span class="quote-option__amount">{i.amount}</span>
                </label>
              ))}
          </fieldset>
        ))}
        <p class="quote-total" aria-live="polite">
          Total: <strong>{total}</strong> {q.currency}
        </p>
        {q.notes && <p class="request-details">{q.notes}</p>}
      </section>
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      {open && (
        <section class="panel quote-accept" aria-labelledby="quote-accept">
          <h2 id="quote-accept">Accept this quote</h2>
          {q.deposit && <p class="field__hint">Accepting asks for a deposit: {depositTerms(q.deposit)}.</p>}
          <TextField
            label="Your full name"
            name="name"
            autocomplete="name"
            value={name}
            onValue={setName}
            error={nameError}
            hint="Typing your name signs your acceptance of the items chosen above."
          />
          <div class="form-actions">
            <button type="button" class="button" disabled={busy} onClick={() => void accept()}>
              Accept quote
            </button>
          </div>
          <TextArea label="Or tell us why not (optional)" name="reason" rows={2} value={reason} onValue={setReason} />
          <div class="form-actions">
            <button
              type="button"
              class="button button--secondary"
              disabled={busy}
              onClick={() => void run(async () => setQ(await declineQuote(q.tenant_id, q.id, reason)))}
            >
              Decline quote
            </button>
          </div>
        </section>
      )}
      {!issuer && q.status === 'sent' && q.expired && <p class="alert">This quote has expired: ask for a new one.</p>}
      {issuer && (
        <div class="form-actions quote-steps">
          {q.status === 'draft' && (
            <a class="button button--secondary" href={`/quotes/${q.tenant_id}/${q.id}/edit`}>
              Edit
            </a>
          )}
          {q.status === 'draft' && (
            <button type="button" class="button" disabled={busy} onClick={() => void step('send')}>
              Send to the client
            </button>
          )}
          {q.status === 'sent' && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void step('revise')}>
              Revise
            </button>
          )}
          {(q.status === 'draft' || q.status === 'sent') && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void step('withdraw')}>
              Withdraw
            </button>
          )}
        </div>
      )}
      {q.acceptance && (
        <section class="panel quote-record" aria-labelledby="quote-record">
          <h2 id="quote-record">Acceptance</h2>
          <dl>
            <div>
              <dt>Accepted by</dt>
              <dd>{q.acceptance.name}</dd>
            </div>
            <div>
              <dt>When</dt>
              <dd>{formatDateTime(q.acceptance.at)}</dd>
            </div>
            <div>
              <dt>From</dt>
              <dd>
                {q.acceptance.ip || 'unknown address'} · {q.acceptance.user_agent || 'unknown browser'}
              </dd>
            </div>
            <div>
              <dt>Total accepted</dt>
              <dd>
                {q.acceptance.total} {q.currency} (revision {q.acceptance.revision})
              </dd>
            </div>
            <div>
              <dt>SHA-256 of what was accepted</dt>
              <dd class="quote-hash">{q.acceptance.sha256}</dd>
            </div>
          </dl>
          <QuoteInvoices quote={q} issuer={issuer} />
        </section>
      )}
      {q.status === 'declined' && q.decline_reason && <p class="request-details">Declined: {q.decline_reason}</p>}
    </Page>
  );
}

/**
 * The invoices acceptance made. With a deposit both are sent at once (the deposit's and the
 * balance's, with its instalments), so both sides open them; without, the issuer's draft follows.
 */
function QuoteInvoices({ quote: q, issuer }: { quote: Quote; issuer: boolean }) {
  const href = (id: string) => `/invoices/${encodeURIComponent(q.tenant_id)}/${encodeURIComponent(id)}`;
  if (q.deposit_invoice_id) {
    return (
      <ul class="quote-invoices">
        <li>
          <a href={href(q.deposit_invoice_id)}>The deposit invoice</a>
        </li>
        {q.invoice_id && (
          <li>
            <a href={href(q.invoice_id)}>The balance invoice</a> {q.deposit ? `(${balanceTerms(q.deposit)})` : ''}
          </li>
        )}
      </ul>
    );
  }
  if (!q.invoice_id) return null;
  return issuer ? <a href={href(q.invoice_id)}>Its invoice</a> : <p>Thank you. Your invoice will follow.</p>;
}
