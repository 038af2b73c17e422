// A tenant's notification defaults, one role at a time: what its people receive, on which
// channels and how email comes, until they choose for themselves (those who did keep their
// choice). Each kind is the platform's default or the tenant's, which can go back to the
// platform's. Super admins pick the tenant; partners set their own.
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { role as viewerRole, user, type Role } from '../app/session';
import { KindGrid } from '../notifications/KindGrid';
import { rolePlural, tenantRoles, type Setting } from '../notifications/preferences';
import { useKindEditor } from '../notifications/useKindEditor';
import { SelectField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { isRole, roleLabel } from '../tickets/roles';
import { useTenant } from './useTenant';

const load = async (tenantId: string, role: Role) =>
  unwrap(await api.GET('/api/v1/tenants/{tenant_id}/notification-defaults/{role}', { params: { path: { tenant_id: tenantId, role } } }));

export default function NotificationDefaults() {
  const { tenantId, picker } = useTenant();
  const roles = tenantRoles({ role: viewerRole.value, tenant: user.value!.tenant }, tenantId);
  const [picked, setPicked] = useState<Role>('client');
  const role = roles.includes(picked) ? picked : roles[0];
  const key = `${tenantId}/${role}`;
  // Tagged with what it is of, so another tenant's or role's grid never starts from these.
  const defaults = useResource(async () => ({ key, kinds: (await load(tenantId, role)).kinds }), [key]);

  return (
    <Page title="Notification defaults">
      {picker}
      <form class="form form--inline panel" onSubmit={(e) => e.preventDefault()}>
        <SelectField
          label="Role"
          name="role"
          value={role}
          options={roles.map((r) => ({ value: r, label: roleLabel(r) }))}
          onValue={(r) => isRole(r) && setPicked(r)}
        />
      </form>
      <section class="panel" aria-labelledby="defaults-heading">
        <h2 id="defaults-heading">Defaults for {rolePlural(role)}</h2>
        <p class="muted">
          What {rolePlural(role)} of this portal receive until they choose for themselves; people who already chose keep their choice.
          Changes are saved at once.
        </p>
        {defaults.error ? (
          <ErrorNote error={defaults.error} />
        ) : defaults.data?.key !== key ? (
          <Loading />
        ) : (
          <Defaults key={key} tenantId={tenantId} role={role} initial={defaults.data.kinds} />
        )}
      </section>
    </Page>
  );
}

function Defaults({ tenantId, role, initial }: { tenantId: string; role: Role; initial: Setting[] }) {
  const path = { tenant_id: tenantId, role };
  const editor = useKindEditor({
    initial,
    scope: 'tenant',
    send: async (change) =>
      unwrap(await api.PATCH('/api/v1/tenants/{tenant_id}/notification-defaults/{role}', { params: { path }, body: change })).kinds,
    load: async () => (await load(tenantId, role)).kinds,
  });
  return (
    <>
      {editor.error && (
        <p class="alert alert--error" role="alert">
          {editor.error}
        </p>
      )}
      <KindGrid editor={editor} scope="tenant" caption={`Notification defaults for ${rolePlural(role)} by kind and channel`} />
      <p class="muted" role="status">
        {editor.status}
      </p>
      <p class="field__hint">
        Text messages reach only people with a phone verified for two-step sign-in, and browser pushes only browsers where push is turned
        on.
      </p>
    </>
  );
}
