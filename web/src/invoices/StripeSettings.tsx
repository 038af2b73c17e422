// The tenant's own Stripe account, into which its clients pay (super admins for any tenant,
// partners for their own): whether it is connected and how (the provider, test or live, the
// publishable key, whether it takes US bank debits besides cards), the webhook endpoint to set up
// in Stripe with its events, the keys (the secret ones typed here, sealed by the server and never
// shown again) with the choice of taking bank debits, and disconnecting.
import { useEffect, useId, useState } from 'preact/hooks';
import { formatDateTime } from '../ui/format';
import { FormError, TextField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { errorMessage } from '../api/problem';
import { connectStripe, disconnectStripe, getStripeConnection, type StripeConnection } from './api';
import { ConfirmButton } from '../ui/Confirm';
import { WEBHOOK_EVENTS, webhookUrl } from './payments';

const providerLabel = (p: string | null | undefined) =>
  p === 'local' ? 'Local stand-in (the demo’s test payments: no Stripe account, no money moves)' : p === 'stripe' ? 'Stripe' : (p ?? '—');

export function StripeSettings({ tenantId }: { tenantId: string }) {
  const connection = useResource(() => getStripeConnection(tenantId), [tenantId]);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const c = connection.data;

  const disconnect = async () => {
    setBusy(true);
    setError(null);
    try {
      await disconnectStripe(tenantId);
      await connection.reload();
      setSaid('Disconnected. Clients now pay as the terms on their invoices say.');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel stripe-settings" aria-labelledby="stripe-heading">
      <h2 id="stripe-heading">Online payments</h2>
      <p class="muted">Clients pay their invoices by card or bank account into this portal’s own Stripe account.</p>
      <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
        {said}
      </p>
      {connection.error ? (
        <ErrorNote error={connection.error} />
      ) : !c ? (
        <Loading />
      ) : (
        <>
          <dl class="details stripe-settings__details">
            <dt>Status</dt>
            <dd>
              <strong>{c.connected ? 'Connected' : 'Not connected'}</strong>
              {!c.connected && <span class="muted"> (clients cannot pay online)</span>}
            </dd>
            {c.connected && (
              <>
                <dt>Provider</dt>
                <dd>{providerLabel(c.provider)}</dd>
                <dt>Mode</dt>
                <dd>{c.live ? 'Live: real payments' : 'Test: no real money'}</dd>
                <dt>Payment methods</dt>
                <dd>{c.bank_debits ? 'Takes cards and US bank debits (ACH)' : 'Takes cards'}</dd>
                {c.publishable_key && (
                  <>
                    <dt>Publishable key</dt>
                    <dd class="mono">{c.publishable_key}</dd>
                  </>
                )}
                {c.connected_at && (
                  <>
                    <dt>Connected on</dt>
                    <dd>{formatDateTime(c.connected_at)}</dd>
                  </>
                )}
              </>
            )}
          </dl>
          <Webhook path={c.webhook_path} />
          <KeysForm
            tenantId={tenantId}
            connection={c}
            onSaved={(next) => {
              connection.setData(next);
              setSaid(`Connected to Stripe in ${next.live ? 'live' : 'test'} mode.`);
            }}
          />
          {c.connected && (
            <div class="stripe-settings__disconnect">
              <FormError message={error} />
              <ConfirmButton
                label="Disconnect…"
                confirm="Disconnect now"
                decline="Keep it connected"
                danger
                disabled={busy}
                note="Clients then pay as the terms on their invoices say; payments already received stay on their invoices."
                onConfirm={() => void disconnect()}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}

function Webhook({ path }: { path: string }) {
  const url = webhookUrl(path);
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Webhook URL copied.');
    } catch {
      document.querySelector<HTMLInputElement>('input[name="webhook_url"]')?.select();
      setCopied('The address is selected: copy it with your keyboard or menu.');
    }
  };
  return (
    <div class="stripe-settings__webhook">
      <h3>Webhook</h3>
      <p>
        In Stripe’s dashboard (Developers, then Webhooks), add an endpoint with this address, sending the events below; then paste its
        signing secret in the form.
      </p>
      <div class="copy-field">
        <TextField label="Endpoint URL" name="webhook_url" value={url} readOnly onValue={() => undefined} class="mono" />
        <button type="button" class="button button--secondary" onClick={() => void copy()}>
          Copy URL
        </button>
      </div>
      <p role="status" class={copied ? 'muted' : 'visually-hidden'}>
        {copied}
      </p>
      <p>Events to send:</p>
      <ul>
        {WEBHOOK_EVENTS.map((e) => (
          <li key={e}>
            <code>{e}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

interface KeysProps {
  tenantId: string;
  connection: StripeConnection;
  onSaved: (next: StripeConnection) => void;
}

const EMPTY = { secret_key: '', webhook_secret: '', publishable_key: '' };

function KeysForm({ tenantId, connection, onSaved }: KeysProps) {
  const debits = connection.connected && Boolean(connection.bank_debits);
  const form = useForm({ ...EMPTY, bank_debits: debits });
  const v = form.values;
  const debitsHint = useId();
  const debitsError = useId();
  // Saved, reloaded or disconnected: the box says what the connection does.
  useEffect(() => {
    form.set('bank_debits', debits);
  }, [debits]);
  const submit = form.submit(async (keys) => {
    const next = await connectStripe(tenantId, {
      secret_key: keys.secret_key.trim(),
      webhook_secret: keys.webhook_secret.trim(),
      publishable_key: keys.publishable_key.trim(),
      bank_debits: keys.bank_debits,
    });
    form.reset({ ...EMPTY, bank_debits: Boolean(next.bank_debits) });
    onSaved(next);
  });
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} aria-labelledby="stripe-keys-heading" noValidate>
      <h3 id="stripe-keys-heading">{connection.connected ? 'Replace the keys' : 'Connect your Stripe account'}</h3>
      <p class="muted">
        From Stripe’s dashboard, Developers, then API keys. The secret key and the signing secret are stored sealed and never shown again.
      </p>
      <FormError message={form.formError} />
      <TextField
        label="Secret key"
        name="secret_key"
        type="password"
        autoComplete="off"
        spellcheck={false}
        hint="sk_live_… or sk_test_… (a restricted key, rk_…, works too)."
        value={v.secret_key}
        onValue={(x) => form.set('secret_key', x)}
        error={form.errors.secret_key}
      />
      <TextField
        label="Webhook signing secret"
        name="webhook_secret"
        type="password"
        autoComplete="off"
        spellcheck={false}
        hint="whsec_…, shown with the webhook endpoint in Stripe."
        value={v.webhook_secret}
        onValue={(x) => form.set('webhook_secret', x)}
        error={form.errors.webhook_secret}
      />
      <TextField
        label="Publishable key"
        name="publishable_key"
        autoComplete="off"
        spellcheck={false}
        hint="pk_live_… or pk_test_…, the same mode as the secret key."
        value={v.publishable_key}
        onValue={(x) => form.set('publishable_key', x)}
        error={form.errors.publishable_key}
      />
      <div class={form.errors.bank_debits ? 'field field--invalid' : 'field'}>
        <label class="check">
          <input
            type="checkbox"
            name="bank_debits"
            checked={v.bank_debits}
            aria-describedby={[debitsHint, form.errors.bank_debits ? debitsError : ''].filter(Boolean).join(' ')}
            aria-invalid={form.errors.bank_debits ? true : undefined}
            onChange={(e) => form.set('bank_debits', e.currentTarget.checked)}
          />
          Also take US bank account (ACH) debits on USD invoices
        </label>
        <p class="field__hint" id={debitsHint}>
          Turn the payment method on in Stripe’s dashboard first. Clients then choose card or bank account; bank payments take a few days to
          clear.
        </p>
        {form.errors.bank_debits && (
          <p class="field__error" id={debitsError}>
            {form.errors.bank_debits}
          </p>
        )}
      </div>
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          {connection.connected ? 'Save the new keys' : 'Connect Stripe'}
        </button>
      </div>
    </form>
  );
}
