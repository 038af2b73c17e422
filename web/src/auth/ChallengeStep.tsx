// The second step of a sign-in: a code from the authenticator app, a texted code or a recovery
// code; or, for someone whose role requires a factor they lack, setting one up right here.
import { useRef, useState } from 'preact/hooks';
import { api, XHR } from '../api/client';
import type { ProblemContext } from '../api/messages';
import { ApiError, unwrap } from '../api/problem';
import { FormError, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { AuthCard } from './AuthCard';
import { isSpent, type Challenge, type SignedIn, type Tries } from './flow';
import { TotpQr } from './TotpQr';

type Method = 'totp' | 'sms' | 'recovery_code';

const METHOD_NAMES: Record<Method, string> = {
  totp: 'Authenticator app',
  sms: 'Text message',
  recovery_code: 'Recovery code',
};

interface Props {
  challenge: Challenge;
  onPassed: (signedIn: SignedIn) => void;
  onRestart: () => void;
}

export function ChallengeStep({ challenge, onPassed, onRestart }: Props) {
  const methods = challenge.methods.filter((m): m is Method => m in METHOD_NAMES);
  const [method, setMethod] = useState<Method | null>(challenge.enrol ? null : (methods[0] ?? null));
  // The server answers every refused code, and a sign-in it dropped, with the same 401: the
  // codes refused and the clock say which it was (kept across methods: they share the limit).
  const [tries, setTries] = useState<Tries>({ failures: 0, expiresAt: Date.now() + challenge.expires_in * 1000 });

  const title = challenge.enrol ? 'Set up two-step sign-in' : 'Two-step sign-in';
  return (
    <AuthCard title={title}>
      {challenge.enrol && <p>Your organization requires a second step when you sign in. Choose how you want to get your codes.</p>}
      {methods.length > 1 && (
        <fieldset class="fieldset">
          <legend>{challenge.enrol ? 'Set up' : 'Use'}</legend>
          {methods.map((m) => (
            <label class="check" key={m}>
              <input type="radio" name="method" checked={method === m} onChange={() => setMethod(m)} />
              {METHOD_NAMES[m]}
            </label>
          ))}
        </fieldset>
      )}
      {method && (
        <MethodForm
          key={method}
          method={method}
          challenge={challenge}
          onPassed={onPassed}
          tries={tries}
          onRefused={() => setTries((t) => ({ ...t, failures: t.failures + 1 }))}
          onRestart={onRestart}
        />
      )}
      {!isSpent(tries) && (
        <p class="muted">
          A sign-in waits {Math.round(challenge.expires_in / 60)} minutes for this step.{' '}
          <button type="button" class="link-button" onClick={onRestart}>
            Start over
          </button>
        </p>
      )}
    </AuthCard>
  );
}

interface MethodProps {
  method: Method;
  challenge: Challenge;
  onPassed: (s: SignedIn) => void;
  tries: Tries;
  onRefused: () => void;
  onRestart: () => void;
}

function MethodForm({ method, challenge, onPassed, tries, onRefused, onRestart }: MethodProps) {
  const doing = useRef<'send' | 'verify'>('verify');
  const refused = useRef(tries.failures);
  refused.current = tries.failures;
  const context = (): ProblemContext =>
    doing.current === 'send'
      ? { kind: 'send-code' }
      : { kind: 'second-factor', failures: refused.current, expired: Date.now() >= tries.expiresAt };
  const form = useForm({ code: '', phone: '' }, { context });
  const [setup, setSetup] = useState<{ qr_svg: string; secret: string } | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const enrolling = challenge.enrol;
  const id = challenge.challenge;

  const startTotp = form.submit(async () => {
    doing.current = 'send';
    setSetup(unwrap(await api.POST('/api/v1/auth/sign-in/totp-setup', { params: XHR, body: { challenge: id } })));
  });
  const sendSms = form.submit(async ({ phone }) => {
    doing.current = 'send';
    const body = enrolling ? { challenge: id, phone } : { challenge: id };
    const sent = unwrap(await api.POST('/api/v1/auth/sign-in/sms', { params: XHR, body }));
    setSentTo(sent.phone_hint);
  });
  const verify = form.submit(async ({ code }) => {
    doing.current = 'verify';
    try {
      onPassed(unwrap(await api.POST('/api/v1/auth/sign-in/verify', { params: XHR, body: { challenge: id, method, code: code.trim() } })));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        refused.current += 1; // read by `context` before the next render
        onRefused();
      }
      throw e;
    }
  });
  const spent = isSpent(tries);

  const codeForm = (label: string, hint?: string) => (
    <form class="form" onSubmit={verify} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      <TextField
        label={label}
        hint={hint}
        name="code"
        value={form.values.code}
        onValue={(v) => form.set('code', v)}
        error={form.errors.code}
        autoComplete="one-time-code"
        inputMode={method === 'recovery_code' ? 'text' : 'numeric'}
        autoFocus
      />
      {spent ? (
        <button class="button" type="button" onClick={onRestart}>
          Start over
        </button>
      ) : (
        <button class="button" type="submit" disabled={form.busy}>
          Verify
        </button>
      )}
    </form>
  );

  if (method === 'totp') {
    if (enrolling && !setup) {
      return (
        <form class="form" onSubmit={startTotp} ref={form.formRef}>
          <FormError message={form.formError} />
          <p>Use an authenticator app such as 1Password, Google Authenticator or Authy.</p>
          <button class="button" type="submit" disabled={form.busy}>
            Show the QR code
          </button>
        </form>
      );
    }
    return (
      <>
        {setup && <TotpQr qrSvg={setup.qr_svg} secret={setup.secret} />}
        {codeForm('Code from your authenticator app', 'Six digits; a new one every 30 seconds.')}
      </>
    );
  }

  if (method === 'sms') {
    if (!sentTo) {
      return (
        <form class="form" onSubmit={sendSms} ref={form.formRef} noValidate>
          <FormError message={form.formError} />
          {enrolling ? (
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
          ) : (
            <p>We will text a code to {challenge.phone_hint ?? 'your phone'}.</p>
          )}
          <button class="button" type="submit" disabled={form.busy}>
            Text me a code
          </button>
        </form>
      );
    }
    return codeForm('Code from the text message', `Sent to ${sentTo}.`);
  }

  return codeForm('Recovery code', 'One of the codes you saved when you set up two-step sign-in.');
}
