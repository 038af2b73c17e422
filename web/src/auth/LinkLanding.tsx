// Where emailed links land: /auth/magic signs in, /auth/reset and /auth/invitation set a
// password first. Each may still ask for a second step.
import { useEffect, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { api, XHR } from '../api/client';
import { errorMessage, unwrap } from '../api/problem';
import { FormError, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { AuthCard } from './AuthCard';
import { Finish } from './Finish';
import type { FirstFactorAnswer } from './flow';

export default function LinkLanding() {
  const { params } = useRoute();
  const { query } = useLocation();
  const token = query.token ?? '';
  const [answer, setAnswer] = useState<FirstFactorAnswer | null>(null);
  const restart = () => (location.href = '/sign-in');

  if (answer) return <Finish answer={answer} onRestart={restart} />;
  if (!token) return <BadLink />;
  if (params.purpose === 'magic') return <MagicRedeem token={token} onAnswer={setAnswer} />;
  if (params.purpose === 'reset')
    return <SetPassword token={token} title="Choose a new password" path="/api/v1/auth/password-reset/complete" onAnswer={setAnswer} />;
  if (params.purpose === 'invitation')
    return <SetPassword token={token} title="Welcome! Choose your password" path="/api/v1/auth/invitation/accept" onAnswer={setAnswer} />;
  return <BadLink />;
}

function BadLink({ message }: { message?: string }) {
  return (
    <AuthCard title="This link does not work">
      <p>{message ?? 'The link is incomplete. Links work once and for a limited time; ask for a new one.'}</p>
      <p>
        <a href="/sign-in">Go to sign-in</a>
      </p>
    </AuthCard>
  );
}

function MagicRedeem({ token, onAnswer }: { token: string; onAnswer: (a: FirstFactorAnswer) => void }) {
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .POST('/api/v1/auth/magic-link/redeem', { params: XHR, body: { token } })
      .then((r) => onAnswer(unwrap(r)))
      .catch((e: unknown) => setError(errorMessage(e, { kind: 'link' })));
  }, [token]);
  if (error) return <BadLink message={error} />;
  return (
    <AuthCard title="Signing you in">
      <p role="status">One moment…</p>
    </AuthCard>
  );
}

interface SetPasswordProps {
  token: string;
  title: string;
  path: '/api/v1/auth/password-reset/complete' | '/api/v1/auth/invitation/accept';
  onAnswer: (a: FirstFactorAnswer) => void;
}

function SetPassword({ token, title, path, onAnswer }: SetPasswordProps) {
  // A 401 here is a link that expired or was used already.
  const form = useForm({ password: '' }, { context: { kind: 'link' } });
  const submit = form.submit(async ({ password }) => {
    onAnswer(unwrap(await api.POST(path, { params: XHR, body: { token, password } })));
  });
  return (
    <AuthCard title={title}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          value={form.values.password}
          onValue={(v) => form.set('password', v)}
          error={form.errors.password}
          hint="Long is strong: a few unrelated words work well."
        />
        <button class="button" type="submit" disabled={form.busy}>
          Save and sign in
        </button>
      </form>
    </AuthCard>
  );
}
