// Sign-in: email and password, or an emailed single-use link.
import { useState } from 'preact/hooks';
import { api, XHR } from '../api/client';
import { unwrap } from '../api/problem';
import { FormError, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { AuthCard } from './AuthCard';
import { Finish } from './Finish';
import type { FirstFactorAnswer } from './flow';

type Tab = 'password' | 'link';

export default function SignIn() {
  const [tab, setTab] = useState<Tab>('password');
  const [answer, setAnswer] = useState<FirstFactorAnswer | null>(null);
  if (answer) return <Finish answer={answer} onRestart={() => setAnswer(null)} />;

  return (
    <AuthCard title="Sign in">
      <div class="tabs" role="tablist" aria-label="How to sign in">
        <TabButton id="password" current={tab} onSelect={setTab}>
          Use a password
        </TabButton>
        <TabButton id="link" current={tab} onSelect={setTab}>
          Email me a link
        </TabButton>
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'password' ? <PasswordForm onAnswer={setAnswer} /> : <MagicLinkForm />}
      </div>
    </AuthCard>
  );
}

function TabButton({ id, current, onSelect, children }: { id: Tab; current: Tab; onSelect: (t: Tab) => void; children: string }) {
  return (
    <button
      type="button"
      role="tab"
      id={`tab-${id}`}
      aria-selected={current === id}
      aria-controls={`panel-${id}`}
      onClick={() => onSelect(id)}
    >
      {children}
    </button>
  );
}

function PasswordForm({ onAnswer }: { onAnswer: (a: FirstFactorAnswer) => void }) {
  // A 401 here is a wrong email or password, not an ended session.
  const form = useForm({ email: '', password: '' }, { context: { kind: 'sign-in' } });
  const submit = form.submit(async (body) => {
    onAnswer(unwrap(await api.POST('/api/v1/auth/sign-in', { body, params: XHR })));
  });
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        value={form.values.email}
        onValue={(v) => form.set('email', v)}
        error={form.errors.email}
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={form.values.password}
        onValue={(v) => form.set('password', v)}
        error={form.errors.password}
      />
      <button class="button" type="submit" disabled={form.busy}>
        {form.busy ? 'Signing in…' : 'Sign in'}
      </button>
      <p>
        <a href="/forgot-password">Forgot your password?</a>
      </p>
    </form>
  );
}

function MagicLinkForm() {
  const form = useForm({ email: '' });
  const [sent, setSent] = useState<string | null>(null);
  const submit = form.submit(async (body) => {
    setSent(unwrap(await api.POST('/api/v1/auth/magic-link', { params: XHR, body })).message);
  });
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      {sent && (
        <p class="alert alert--ok" role="status">
          {sent}
        </p>
      )}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        value={form.values.email}
        onValue={(v) => form.set('email', v)}
        error={form.errors.email}
        hint="We email you a link that signs you in once, within 15 minutes."
      />
      <button class="button" type="submit" disabled={form.busy}>
        Email me a sign-in link
      </button>
    </form>
  );
}
