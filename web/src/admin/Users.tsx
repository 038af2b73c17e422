// People of a tenant: create (with an emailed invitation, or a password), change role, disable
// or re-enable, resend invitations, clear a lost second factor, and client memberships.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { FormError, SelectField, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { listOrgs, type Org } from '../tickets/orgs';
import { role as viewerRole } from '../app/session';
import { isRole, manageableRoles, roleLabel, type Role } from '../tickets/roles';
import { useTenant } from './useTenant';

type UserView = Schemas['UserView'];

async function listUsers(tenantId: string): Promise<UserView[]> {
  const items: UserView[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/users', { params: { path: { tenant_id: tenantId }, query: { limit: 100, cursor } } }),
    );
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

export default function Users() {
  const { tenantId, picker } = useTenant();
  const users = useResource(() => listUsers(tenantId), [tenantId]);
  const orgs = useResource(() => listOrgs(tenantId).catch(() => []), [tenantId]);

  return (
    <Page title="Users and invitations">
      {picker}
      <NewUser tenantId={tenantId} orgs={orgs.data ?? []} onCreated={users.reload} />
      <section class="panel" aria-label="Users">
        {users.error ? (
          <ErrorNote error={users.error} />
        ) : !users.data ? (
          <Loading />
        ) : !users.data.length ? (
          <Empty>No users yet.</Empty>
        ) : (
          <ul class="list">
            {users.data.map((u) => (
              <li key={u.id}>
                <UserRow tenantId={tenantId} person={u} orgs={orgs.data ?? []} onChanged={users.reload} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </Page>
  );
}

function NewUser({ tenantId, orgs, onCreated }: { tenantId: string; orgs: Org[]; onCreated: () => Promise<void> }) {
  const form = useForm<{ name: string; email: string; role: Role; orgs: string; password: string }>({
    name: '',
    email: '',
    role: 'client',
    orgs: '',
    password: '',
  });
  const [done, setDone] = useState<string | null>(null);
  const submit = form.submit(async (v) => {
    const created = unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/users', {
        params: { path: { tenant_id: tenantId } },
        body: {
          name: v.name,
          email: v.email,
          role: v.role,
          orgs: v.role === 'client' && v.orgs ? [v.orgs] : [],
          password: v.password || null,
        },
      }),
    );
    setDone(v.password ? `${created.name} can sign in now.` : `An invitation is on its way to ${created.email}.`);
    form.reset();
    await onCreated();
  });
  return (
    <section class="panel" aria-labelledby="new-user">
      <h2 id="new-user">Add a person</h2>
      {done && (
        <p class="alert alert--ok" role="status">
          {done}
        </p>
      )}
      <form class="form form--inline" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <TextField label="Name" name="name" value={form.values.name} onValue={(v) => form.set('name', v)} error={form.errors.name} />
        <TextField
          label="Email"
          name="email"
          type="email"
          value={form.values.email}
          onValue={(v) => form.set('email', v)}
          error={form.errors.email}
        />
        <SelectField
          label="Role"
          name="role"
          value={form.values.role}
          options={manageableRoles(viewerRole.value)}
          onValue={(v) => isRole(v) && form.set('role', v)}
          error={form.errors.role}
        />
        {form.values.role === 'client' && (
          <SelectField
            label="Organization"
            name="orgs"
            value={form.values.orgs}
            placeholder="Choose one"
            options={orgs.map((o) => ({ value: o.id, label: o.name }))}
            onValue={(v) => form.set('orgs', v)}
            error={form.errors.orgs}
          />
        )}
        <TextField
          label="Password (optional)"
          hint="Leave empty to send an invitation by email."
          name="password"
          type="password"
          autoComplete="new-password"
          value={form.values.password}
          onValue={(v) => form.set('password', v)}
          error={form.errors.password}
        />
        <button class="button" type="submit" disabled={form.busy}>
          {form.values.password ? 'Create account' : 'Send invitation'}
        </button>
      </form>
    </section>
  );
}

function UserRow({
  tenantId,
  person,
  orgs,
  onChanged,
}: {
  tenantId: string;
  person: UserView;
  orgs: Org[];
  onChanged: () => Promise<void>;
}) {
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [org, setOrg] = useState('');
  const path = { tenant_id: tenantId, user_id: person.id };

  const act = async (work: () => Promise<unknown>, done?: string) => {
    setError(null);
    setNote(null);
    try {
      await work();
      if (done) setNote(done);
      await onChanged();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const check = async (answer: { response: Response; error?: unknown; data?: unknown }) => unwrap(answer);

  return (
    <div>
      <p style={{ margin: 0 }}>
        <strong>{person.name}</strong> <span class="muted">{person.email}</span> <span class="badge">{roleLabel(person.role)}</span>{' '}
        <span class="badge">{person.status}</span>
      </p>
      <FormError message={error} />
      {note && (
        <p class="alert alert--ok" role="status">
          {note}
        </p>
      )}
      <div class="actions">
        <SelectField
          label={`Role of ${person.name}`}
          name="role"
          value={person.role}
          options={withCurrent(manageableRoles(viewerRole.value), person.role)}
          onValue={(role) =>
            isRole(role) &&
            act(async () =>
              check(
                await api.PATCH('/api/v1/tenants/{tenant_id}/users/{user_id}', {
                  params: { path },
                  body: { role },
                }),
              ),
            )
          }
        />
        {person.status === 'invited' && (
          <button
            type="button"
            class="button button--small button--secondary"
            onClick={() =>
              act(
                async () => check(await api.POST('/api/v1/tenants/{tenant_id}/users/{user_id}/invitation', { params: { path } })),
                'Invitation sent again.',
              )
            }
          >
            Resend invitation
          </button>
        )}
        {person.status !== 'invited' && (
          <button
            type="button"
            class="button button--small button--secondary"
            onClick={() =>
              act(async () =>
                check(
                  await api.PATCH('/api/v1/tenants/{tenant_id}/users/{user_id}', {
                    params: { path },
                    body: { status: person.status === 'disabled' ? 'active' : 'disabled' },
                  }),
                ),
              )
            }
          >
            {person.status === 'disabled' ? 'Re-enable' : 'Disable'}
          </button>
        )}
        <button
          type="button"
          class="button button--small button--secondary"
          onClick={() =>
            act(
              async () => check(await api.DELETE('/api/v1/tenants/{tenant_id}/users/{user_id}/two-factor', { params: { path } })),
              'Second factors cleared.',
            )
          }
        >
          Reset two-step sign-in
        </button>
      </div>
      {person.role === 'client' && orgs.length > 0 && (
        <div class="actions">
          <SelectField
            label={`Organization for ${person.name}`}
            name="org"
            value={org}
            placeholder="Choose one"
            options={orgs.map((o) => ({ value: o.id, label: o.name }))}
            onValue={setOrg}
          />
          <button
            type="button"
            class="button button--small button--secondary"
            disabled={!org}
            onClick={() =>
              act(
                async () =>
                  check(
                    await api.PUT('/api/v1/tenants/{tenant_id}/users/{user_id}/orgs/{org_id}', {
                      params: { path: { ...path, org_id: org } },
                    }),
                  ),
                'Added to the organization.',
              )
            }
          >
            Add to organization
          </button>
          <button
            type="button"
            class="button button--small button--secondary"
            disabled={!org}
            onClick={() =>
              act(
                async () =>
                  check(
                    await api.DELETE('/api/v1/tenants/{tenant_id}/users/{user_id}/orgs/{org_id}', {
                      params: { path: { ...path, org_id: org } },
                    }),
                  ),
                'Taken out of the organization.',
              )
            }
          >
            Remove from organization
          </button>
        </div>
      )}
    </div>
  );
}

/** The options, with the person's current role first when the viewer may not give it. */
function withCurrent(options: { value: string; label: string }[], current: string) {
  return options.some((o) => o.value === current) ? options : [{ value: current, label: roleLabel(current) }, ...options];
}
