// Asks for a password-reset link by email.
import { useState } from 'preact/hooks';
import { api, XHR } from '../api/client';
import { unwrap } from '../api/problem';
import { FormError, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { AuthCard } from './AuthCard';

export default function ForgotPassword() {
  const form = useForm({ email: '' });
  const [sent, setSent] = useState<string | null>(null);
  const submit = form.submit(async (body) => {
    setSent(unwrap(await api.POST('/api/v1/auth/password-reset', { params: XHR, body })).message);
  });
  return (
    <AuthCard title="Reset your password">
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
          hint="The link works for one hour."
        />
        <button class="button" type="submit" disabled={form.busy}>
          Email me a reset link
        </button>
        <p>
          <a href="/sign-in">Back to sign-in</a>
        </p>
      </form>
    </AuthCard>
  );
}
