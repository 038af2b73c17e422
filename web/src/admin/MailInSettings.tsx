// Mail in's settings: the tenant's inbound address (with a button to copy it), what happens to
// mail from senders the portal does not know and the addresses that forward here, saved under
// If-Match (a stale version is said, with a button to reload).
import { useId, useRef, useState } from 'preact/hooks';
import type { Tagged } from '../api/edits';
import { ApiError, errorMessage, fieldErrors, summary } from '../api/problem';
import { saveInbound } from '../mail/api';
import type { InboundSettings, UnknownSenders } from '../mail/api';
import { FormError, TextField } from '../ui/Field';
import { forwardField, forwardingBody, mailProblem } from './mailIn';

/** At most this many forwarding addresses (the server's limit). */
const MAX_FORWARDS = 10;
const STALE = 'Someone else changed these settings since you opened them. Reload to see their version, then make your change again.';
/** The policy form's heading, focused when the form is reloaded. */
export const POLICY_HEADING = 'inbound-policy-heading';

export function AddressPanel({ address }: { address: string }) {
  const [said, setSaid] = useState('');
  const code = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address);
      setSaid(`Copied ${address}.`);
    } catch {
      // No clipboard (an old browser, or permission refused): select it for the keyboard's copy.
      const range = document.createRange();
      if (code.current) range.selectNodeContents(code.current);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setSaid('The address is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  };
  return (
    <section class="panel" aria-labelledby="inbound-heading">
      <h2 id="inbound-heading">Inbound address</h2>
      <div class="mail-address">
        <code class="mail-address__value" ref={code}>
          {address}
        </code>
        <button type="button" class="button button--secondary" onClick={() => void copy()}>
          Copy address
        </button>
      </div>
      <p role="status" class={said ? 'mail-address__said' : 'visually-hidden'}>
        {said}
      </p>
      <p class="muted mail-address__hint">
        Mail sent to this address becomes a ticket here, and a reply to a ticket’s mail is added to that ticket. Forward your own support
        address (such as support@your-company.com) to it, so clients keep writing to the address they know.
      </p>
    </section>
  );
}

interface Row {
  key: string;
  value: string;
}

let rowKeys = 0;
const rowsOf = (addresses: readonly string[]): Row[] => addresses.map((value) => ({ key: `forward-${++rowKeys}`, value }));
const asPolicy = (value: string): UnknownSenders => (value === 'refuse' ? 'refuse' : 'hold');
const POLICIES: readonly { value: UnknownSenders; label: string; hint: string }[] = [
  {
    value: 'hold',
    label: 'Hold it for review',
    hint: 'It waits under Review until someone accepts it (the sender joins an organization as a client and is invited by mail) or discards it.',
  },
  {
    value: 'refuse',
    label: 'Refuse it with a branded answer',
    hint: 'It is not filed: the sender gets an answer in this portal’s branding asking them to write from the address the portal knows, or to sign in.',
  },
];
const savedSentence = (s: InboundSettings) =>
  `Saved. Mail from unknown senders is ${asPolicy(s.unknown_senders) === 'hold' ? 'held for review' : 'refused with a branded answer'}.`;

interface PolicyProps {
  tenantId: string;
  settings: Tagged<InboundSettings>;
  onSaved: (next: Tagged<InboundSettings>) => void;
  onReload: () => Promise<void>;
}

export function PolicyForm({ tenantId, settings, onSaved, onReload }: PolicyProps) {
  const id = useId();
  const [policy, setPolicy] = useState<UnknownSenders>(asPolicy(settings.value.unknown_senders));
  const [rows, setRows] = useState<Row[]>(() => rowsOf(settings.value.forwarded_from));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const form = useRef<HTMLFormElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);

  const forget = (...fields: string[]) =>
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([f]) => !fields.includes(f) && f !== 'forwarded_from')));
  const focusField = (name: string) => setTimeout(() => form.current?.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`)?.focus());

  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormError(null);
    setSaid('');
    const { addresses, rowOf } = forwardingBody(rows.map((r) => r.value));
    const shown = ['unknown_senders', 'forwarded_from', ...rows.map((_, i) => forwardField(i))];
    try {
      const next = await saveInbound(tenantId, settings.etag, { unknown_senders: policy, forwarded_from: addresses });
      onSaved(next);
      setPolicy(asPolicy(next.value.unknown_senders));
      setRows(rowsOf(next.value.forwarded_from));
      setErrors({});
      setSaid(savedSentence(next.value));
    } catch (e) {
      const api = e instanceof ApiError ? e : undefined;
      if (api?.status === 412) {
        setStale(true);
        setErrors({});
        setFormError(STALE);
      } else {
        // The server numbers the addresses it was sent; the form numbers its rows (empty ones too).
        const worded = mailProblem(e, rowOf);
        const problem = worded instanceof ApiError ? worded.problem : undefined;
        setErrors(Object.fromEntries(Object.entries(fieldErrors(problem)).filter(([f]) => shown.includes(f))));
        setFormError(api ? summary(problem, shown, api.status, api.retryAfter) : errorMessage(e));
      }
      setTimeout(() =>
        (
          form.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current?.querySelector<HTMLElement>('[role="alert"]')
        )?.focus(),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby={POLICY_HEADING}>
      <h2 id={POLICY_HEADING} tabIndex={-1}>
        Unknown senders and forwarding
      </h2>
      <form class="form mail-policy" onSubmit={(e) => void save(e)} ref={form} noValidate>
        <FormError message={formError} />
        <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
          {said}
        </p>
        <fieldset class="fieldset" aria-describedby={errors.unknown_senders ? `${id}-policy-error` : undefined}>
          <legend>Mail from senders the portal does not know</legend>
          {POLICIES.map((p) => (
            <div class="choice" key={p.value}>
              <label class="check">
                <input
                  type="radio"
                  name="unknown_senders"
                  value={p.value}
                  checked={policy === p.value}
                  aria-describedby={`${id}-${p.value}`}
                  aria-invalid={errors.unknown_senders ? true : undefined}
                  onChange={() => {
                    setPolicy(p.value);
                    forget('unknown_senders');
                  }}
                />
                {p.label}
              </label>
              <p class="field__hint choice__hint" id={`${id}-${p.value}`}>
                {p.hint}
              </p>
            </div>
          ))}
          {errors.unknown_senders && (
            <p class="field__error" id={`${id}-policy-error`}>
              {errors.unknown_senders}
            </p>
          )}
        </fieldset>
        <fieldset class="fieldset" aria-describedby={`${id}-forward-hint${errors.forwarded_from ? ` ${id}-forward-error` : ''}`}>
          <legend>Addresses that forward here</legend>
          <p class="field__hint" id={`${id}-forward-hint`}>
            Your own addresses whose mail is forwarded to the inbound address, listed for your team (at most {MAX_FORWARDS}).
          </p>
          {rows.length ? (
            <ol class="forward-list">
              {rows.map((r, i) => (
                <li key={r.key} class="forward-row">
                  <TextField
                    label={`Forwarding address ${i + 1}`}
                    name={forwardField(i)}
                    type="email"
                    autoComplete="off"
                    value={r.value}
                    onValue={(value) => {
                      setRows((rs) => rs.map((x) => (x.key === r.key ? { ...x, value } : x)));
                      forget(forwardField(i));
                    }}
                    error={errors[forwardField(i)]}
                  />
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    onClick={() => {
                      setRows((rs) => rs.filter((x) => x.key !== r.key));
                      // The rows after it move up: their errors no longer name them.
                      setErrors((e) => Object.fromEntries(Object.entries(e).filter(([f]) => !f.startsWith('forwarded_from'))));
                      setTimeout(() => addButton.current?.focus());
                    }}
                  >
                    Remove<span class="visually-hidden"> forwarding address {i + 1}</span>
                  </button>
                </li>
              ))}
            </ol>
          ) : (
            <p class="empty">None listed.</p>
          )}
          {errors.forwarded_from && (
            <p class="field__error" id={`${id}-forward-error`}>
              {errors.forwarded_from}
            </p>
          )}
          <div class="actions">
            <button
              type="button"
              class="button button--small button--secondary"
              ref={addButton}
              disabled={rows.length >= MAX_FORWARDS}
              onClick={() => {
                setRows((rs) => [...rs, ...rowsOf([''])]);
                focusField(forwardField(rows.length));
              }}
            >
              Add an address
            </button>
          </div>
        </fieldset>
        <div class="actions">
          <button class="button" type="submit" disabled={busy || stale}>
            Save settings
          </button>
          {stale && (
            <button type="button" class="button button--secondary" onClick={() => void onReload()}>
              Reload
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
