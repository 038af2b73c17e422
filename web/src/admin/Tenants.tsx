// Tenants (super admin): create partner portals, suspend or reactivate them, set who must use
// two-step sign-in, and map or approve custom domains.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { FormError, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { isRole, ROLE_OPTIONS, type Role } from '../tickets/roles';
import { listTenants, type Tenant } from './useTenant';

export default function Tenants() {
  const tenants = useResource(listTenants, []);
  const form = useForm({ name: '', slug: '', ticket_prefix: '' });
  const submit = form.submit(async (body) => {
    unwrap(await api.POST('/api/v1/tenants', { body }));
    form.reset();
    await tenants.reload();
  });

  return (
    <Page title="Tenants">
      <section class="panel" aria-labelledby="new-tenant">
        <h2 id="new-tenant">Create a partner portal</h2>
        <form class="form form--inline" onSubmit={submit} ref={form.formRef} noValidate>
          <FormError message={form.formError} />
          <TextField label="Name" name="name" value={form.values.name} onValue={(v) => form.set('name', v)} error={form.errors.name} />
          <TextField label="Subdomain" name="slug" value={form.values.slug} onValue={(v) => form.set('slug', v)} error={form.errors.slug} />
          <TextField
            label="Ticket prefix"
            name="ticket_prefix"
            hint="e.g. ACME for ACME-1001"
            value={form.values.ticket_prefix}
            onValue={(v) => form.set('ticket_prefix', v)}
            error={form.errors.ticket_prefix}
          />
          <button class="button" type="submit" disabled={form.busy}>
            Create tenant
          </button>
        </form>
      </section>
      {tenants.error ? (
        <ErrorNote error={tenants.error} />
      ) : !tenants.data ? (
        <Loading />
      ) : (
        tenants.data.map((t) => <TenantPanel key={t.id} tenant={t} onChanged={tenants.reload} />)
      )}
    </Page>
  );
}

function TenantPanel({ tenant, onChanged }: { tenant: Tenant; onChanged: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [require2fa, setRequire2fa] = useState<Role[]>(tenant.require_2fa.filter(isRole));
  const [clientApi, setClientApi] = useState(tenant.client_api_enabled);
  const domains = useResource(
    async () => unwrap(await api.GET('/api/v1/tenants/{tenant_id}/domains', { params: { path: { tenant_id: tenant.id } } })),
    [tenant.id],
  );
  const domainForm = useForm({ host: '' });
  const path = { tenant_id: tenant.id };

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const addDomain = domainForm.submit(async (body) => {
    unwrap(await api.POST('/api/v1/tenants/{tenant_id}/domains', { params: { path }, body }));
    domainForm.reset();
    await domains.reload();
  });

  return (
    <section class="panel" aria-labelledby={`tenant-${tenant.id}`}>
      <h2 id={`tenant-${tenant.id}`}>
        {tenant.name} <span class="badge">{tenant.kind}</span> <span class="badge">{tenant.status}</span>
      </h2>
      <p class="muted">
        {tenant.slug} · tickets {tenant.ticket_prefix}-…
      </p>
      <FormError message={error} />
      {tenant.kind === 'partner' && (
        <p>
          <button
            type="button"
            class={tenant.status === 'active' ? 'button button--danger button--small' : 'button button--small'}
            onClick={() =>
              act(async () =>
                unwrap(
                  await api.PUT('/api/v1/tenants/{tenant_id}/status', {
                    params: { path },
                    body: { status: tenant.status === 'active' ? 'suspended' : 'active' },
                  }),
                ),
              )
            }
          >
            {tenant.status === 'active' ? 'Suspend' : 'Reactivate'}
          </button>
        </p>
      )}
      <fieldset class="fieldset">
        <legend>Two-step sign-in required for</legend>
        {ROLE_OPTIONS.map(({ value: r, label }) => (
          <label class="check" key={r}>
            <input
              type="checkbox"
              checked={require2fa.includes(r)}
              onChange={(e) => setRequire2fa(e.currentTarget.checked ? [...require2fa, r] : require2fa.filter((x) => x !== r))}
            />
            {label}
          </label>
        ))}
        <label class="check">
          <input type="checkbox" checked={clientApi} onChange={(e) => setClientApi(e.currentTarget.checked)} />
          Clients may hold read-only API keys
        </label>
        <button
          type="button"
          class="button button--small button--secondary"
          onClick={() =>
            act(async () =>
              unwrap(
                await api.PUT('/api/v1/tenants/{tenant_id}/settings', {
                  params: { path },
                  body: { require_2fa: require2fa, client_api_enabled: clientApi },
                }),
              ),
            )
          }
        >
          Save security settings
        </button>
      </fieldset>
      <h3 style={{ marginTop: '1rem' }}>Custom domains</h3>
      {domains.data?.length ? (
        <ul class="list">
          {domains.data.map((d) => (
            <li key={d.host}>
              {d.host} <span class="badge">{d.status}</span>{' '}
              {d.status === 'requested' && (
                <button
                  type="button"
                  class="button button--small"
                  onClick={() =>
                    act(async () => {
                      unwrap(
                        await api.POST('/api/v1/tenants/{tenant_id}/domains/{host}/approve', {
                          params: { path: { ...path, host: d.host } },
                        }),
                      );
                      await domains.reload();
                    })
                  }
                >
                  Approve<span class="visually-hidden"> {d.host}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No custom domain.</p>
      )}
      <form class="form form--inline" onSubmit={addDomain} ref={domainForm.formRef} noValidate>
        <FormError message={domainForm.formError} />
        <TextField
          label="Domain"
          name="host"
          hint="e.g. portal.agency.com"
          value={domainForm.values.host}
          onValue={(v) => domainForm.set('host', v)}
          error={domainForm.errors.host}
        />
        <button class="button button--secondary" type="submit" disabled={domainForm.busy}>
          Map domain
        </button>
      </form>
    </section>
  );
}
