// Client organizations of a tenant: list and create.
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { FormError, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { listOrgs } from '../tickets/orgs';
import { useTenant } from './useTenant';
import { user } from '../app/session';

export default function Orgs() {
  const { tenantId, picker } = useTenant();
  const orgs = useResource(() => listOrgs(tenantId), [tenantId]);
  const form = useForm({ name: '' });
  const submit = form.submit(async (body) => {
    unwrap(await api.POST('/api/v1/tenants/{tenant_id}/orgs', { params: { path: { tenant_id: tenantId } }, body }));
    form.reset();
    await orgs.reload();
  });

  return (
    <Page title="Organizations">
      {picker}
      <section class="panel" aria-labelledby="new-org">
        <h2 id="new-org">Add a client organization</h2>
        <form class="form form--inline" onSubmit={submit} ref={form.formRef} noValidate>
          <FormError message={form.formError} />
          <TextField label="Name" name="name" value={form.values.name} onValue={(v) => form.set('name', v)} error={form.errors.name} />
          <button class="button" type="submit" disabled={form.busy}>
            Add organization
          </button>
        </form>
      </section>
      <section class="panel" aria-label="Organizations">
        {orgs.error ? (
          <ErrorNote error={orgs.error} />
        ) : !orgs.data ? (
          <Loading />
        ) : !orgs.data.length ? (
          <Empty>No organizations yet.</Empty>
        ) : (
          <ul class="list">
            {orgs.data.map((o) => (
              <li key={o.id}>{tenantId === user.value?.tenant ? <a href={`/clients/${o.id}`}>{o.name}</a> : o.name}</li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}
