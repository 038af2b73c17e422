// Setting up and removing second factors (authenticator app, text message) and replacing the
// recovery codes.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { RecoveryCodes } from '../auth/RecoveryCodes';
import { TotpQr } from '../auth/TotpQr';
import { FormError, TextField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';

type Flow = null | 'totp' | 'sms' | 'remove-totp' | 'remove-sms' | 'codes';

export function TwoFactor() {
  const state = useResource(async () => unwrap(await api.GET('/api/v1/auth/two-factor')), []);
  const [flow, setFlow] = useState<Flow>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const done = async (newCodes?: string[] | null) => {
    setFlow(null);
    if (newCodes?.length) setCodes(newCodes);
    await state.reload();
  };
  const s = state.data;

  return (
    <section class="panel" aria-labelledby="twofactor-heading">
      <h2 id="twofactor-heading">Two-step sign-in</h2>
      {state.error && <ErrorNote error={state.error} />}
      {!s ? (
        !state.error && <Loading />
      ) : (
        <>
          {s.required && <p>Your organization requires a second step for your role.</p>}
          <ul class="list">
            <li>
              Authenticator app: <strong>{s.totp ? 'on' : 'off'}</strong>{' '}
              {flow === null &&
                (s.totp ? (
                  <button type="button" class="link-button" onClick={() => setFlow('remove-totp')}>
                    Remove
                  </button>
                ) : (
                  <button type="button" class="button button--small" onClick={() => setFlow('totp')}>
                    Set up authenticator app
                  </button>
                ))}
            </li>
            <li>
              Text message: <strong>{s.sms_phone_hint ? `on (${s.sms_phone_hint})` : 'off'}</strong>{' '}
              {flow === null &&
                (s.sms_phone_hint ? (
                  <button type="button" class="link-button" onClick={() => setFlow('remove-sms')}>
                    Remove
                  </button>
                ) : (
                  <button type="button" class="button button--small button--secondary" onClick={() => setFlow('sms')}>
                    Set up text messages
                  </button>
                ))}
            </li>
            {(s.totp || s.sms_phone_hint) && (
              <li>
                Recovery codes left: <strong>{s.recovery_codes_left}</strong>{' '}
                {flow === null && (
                  <button type="button" class="link-button" onClick={() => setFlow('codes')}>
                    Make new codes
                  </button>
                )}
              </li>
            )}
          </ul>
          {flow === 'totp' && <TotpSetup onDone={done} onCancel={() => setFlow(null)} />}
          {flow === 'sms' && <SmsSetup onDone={done} onCancel={() => setFlow(null)} />}
          {(flow === 'remove-totp' || flow === 'remove-sms') && (
            <PasswordConfirm
              action={flow === 'remove-totp' ? 'Remove the authenticator app' : 'Remove text messages'}
              run={async (password) => {
                const factor = flow === 'remove-totp' ? 'totp' : 'sms';
                unwrap(await api.POST('/api/v1/auth/two-factor/{factor}/remove', { params: { path: { factor } }, body: { password } }));
                await done();
              }}
              onCancel={() => setFlow(null)}
            />
          )}
          {flow === 'codes' && (
            <PasswordConfirm
              action="Replace my recovery codes"
              run={async (password) =>
                done(unwrap(await api.POST('/api/v1/auth/two-factor/recovery-codes', { body: { password } })).recovery_codes)
              }
              onCancel={() => setFlow(null)}
            />
          )}
          {codes && (
            <div class="panel" style={{ background: 'var(--warn-bg)' }}>
              <h3>Your new recovery codes</h3>
              <RecoveryCodes codes={codes} />
              <button type="button" class="button" onClick={() => setCodes(null)}>
                I have saved them
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

interface SetupProps {
  onDone: (codes?: string[] | null) => Promise<void>;
  onCancel: () => void;
}

function TotpSetup({ onDone, onCancel }: SetupProps) {
  const setup = useResource(async () => unwrap(await api.POST('/api/v1/auth/two-factor/totp')), []);
  const form = useForm({ code: '' });
  const submit = form.submit(async ({ code }) => {
    await onDone(unwrap(await api.POST('/api/v1/auth/two-factor/totp/confirm', { body: { code: code.trim() } })).recovery_codes);
  });
  if (setup.error) return <ErrorNote error={setup.error} />;
  if (!setup.data) return <Loading />;
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
      <TotpQr qrSvg={setup.data.qr_svg} secret={setup.data.secret} />
      <FormError message={form.formError} />
      <TextField
        label="Code from the app"
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        value={form.values.code}
        onValue={(v) => form.set('code', v)}
        error={form.errors.code}
      />
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          Turn on
        </button>
        <button class="button button--secondary" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function SmsSetup({ onDone, onCancel }: SetupProps) {
  const form = useForm({ phone: '', code: '' });
  const [sentTo, setSentTo] = useState<string | null>(null);
  const send = form.submit(async ({ phone }) => {
    setSentTo(unwrap(await api.POST('/api/v1/auth/two-factor/sms', { body: { phone } })).phone_hint);
  });
  const confirm = form.submit(async ({ code }) => {
    await onDone(unwrap(await api.POST('/api/v1/auth/two-factor/sms/confirm', { body: { code: code.trim() } })).recovery_codes);
  });
  return (
    <form class="form" onSubmit={sentTo ? confirm : send} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      {sentTo ? (
        <TextField
          label="Code from the text message"
          hint={`Sent to ${sentTo}.`}
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          value={form.values.code}
          onValue={(v) => form.set('code', v)}
          error={form.errors.code}
        />
      ) : (
        <TextField
          label="Mobile phone number"
          hint="International format, for example +15555550123."
          name="phone"
          type="tel"
          autoComplete="tel"
          value={form.values.phone}
          onValue={(v) => form.set('phone', v)}
          error={form.errors.phone}
        />
      )}
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          {sentTo ? 'Turn on' : 'Text me a code'}
        </button>
        <button class="button button--secondary" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function PasswordConfirm({ action, run, onCancel }: { action: string; run: (password: string) => Promise<void>; onCancel: () => void }) {
  const form = useForm({ password: '' });
  const submit = form.submit(({ password }) => run(password));
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      <TextField
        label="Your password"
        hint="To confirm it is you."
        name="password"
        type="password"
        autoComplete="current-password"
        value={form.values.password}
        onValue={(v) => form.set('password', v)}
        error={form.errors.password}
      />
      <div class="actions">
        <button class="button button--danger" type="submit" disabled={form.busy}>
          {action}
        </button>
        <button class="button button--secondary" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
