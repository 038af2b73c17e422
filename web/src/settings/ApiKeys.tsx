// The person's API keys: create one (shown once), see when each was used, revoke.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { FormError, SelectField, TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { isOption, type Option } from '../ui/options';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';

type KeyKind = Schemas['NewApiKeyRequest']['kind'];

const KINDS = [
  { value: 'read_only', label: 'Read only' },
  { value: 'tenant_scoped', label: 'This portal (read and write)' },
  { value: 'full', label: 'Full' },
] as const satisfies readonly Option<KeyKind>[];

export function ApiKeys() {
  const keys = useResource(async () => unwrap(await api.GET('/api/v1/auth/api-keys')), []);
  const form = useForm<{ name: string; kind: KeyKind; expires_in_days: string }>({ name: '', kind: 'read_only', expires_in_days: '' });
  const [created, setCreated] = useState<string | null>(null);

  const submit = form.submit(async (v) => {
    const days = v.expires_in_days.trim();
    const answer = unwrap(
      await api.POST('/api/v1/auth/api-keys', { body: { name: v.name, kind: v.kind, expires_in_days: days ? Number(days) : null } }),
    );
    setCreated(answer.key);
    form.reset();
    await keys.reload();
  });
  const revoke = async (id: string) => {
    await api.DELETE('/api/v1/auth/api-keys/{key_id}', { params: { path: { key_id: id } } });
    await keys.reload();
  };

  return (
    <section class="panel" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      {keys.error && <ErrorNote error={keys.error} />}
      {created && (
        <div class="alert alert--ok" role="status">
          Your new key, shown only now: <code>{created}</code>
        </div>
      )}
      {!keys.data ? (
        !keys.error && <Loading />
      ) : keys.data.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Starts with</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{KINDS.find((x) => x.value === k.kind)?.label ?? k.kind}</td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{k.revoked ? 'Revoked' : k.last_used_at ? formatDateTime(k.last_used_at) : 'Never'}</td>
                  <td>
                    {!k.revoked && (
                      <button type="button" class="button button--small button--secondary" onClick={() => revoke(k.id)}>
                        Revoke<span class="visually-hidden"> {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">No API keys.</p>
      )}
      <h3 style={{ marginTop: '1rem' }}>New key</h3>
      <form class="form form--inline" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <TextField label="Name" name="name" value={form.values.name} onValue={(v) => form.set('name', v)} error={form.errors.name} />
        <SelectField
          label="Kind"
          name="kind"
          value={form.values.kind}
          options={KINDS}
          onValue={(v) => isOption(KINDS, v) && form.set('kind', v)}
          error={form.errors.kind}
        />
        <TextField
          label="Expires after (days)"
          name="expires_in_days"
          inputMode="numeric"
          value={form.values.expires_in_days}
          onValue={(v) => form.set('expires_in_days', v)}
          error={form.errors.expires_in_days}
        />
        <button class="button" type="submit" disabled={form.busy}>
          Create key
        </button>
      </form>
    </section>
  );
}
