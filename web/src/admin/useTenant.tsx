// Which tenant an admin screen works on: the super admin picks one (kept in the URL); everyone
// else works on their own, except on screens of work Kre8ivTech's staff do for every tenant
// (`staffPick`), where staff may name one in the URL too (from a link; they cannot list them).
import { useLocation } from 'preact-iso';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { role, user } from '../app/session';
import { SelectField } from '../ui/Field';
import { useResource } from '../ui/useResource';

export type Tenant = Schemas['TenantView'];

export async function listTenants(): Promise<Tenant[]> {
  const items: Tenant[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(await api.GET('/api/v1/tenants', { params: { query: { limit: 100, cursor } } }));
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

export function useTenant({ staffPick = false }: { staffPick?: boolean } = {}): { tenantId: string; picker: preact.ComponentChild } {
  const { query, path, route } = useLocation();
  const own = user.value!.tenant;
  const superAdmin = role.value === 'super_admin';
  const tenants = useResource(async () => (superAdmin ? listTenants() : []), [superAdmin]);
  const named = superAdmin || (staffPick && role.value === 'staff');
  const tenantId = named && query.tenant ? query.tenant : own;
  const picker = superAdmin && tenants.data && (
    <form class="form form--inline panel" onSubmit={(e) => e.preventDefault()}>
      <SelectField
        label="Tenant"
        name="tenant"
        value={tenantId}
        options={tenants.data.map((t) => ({ value: t.id, label: `${t.name} (${t.slug})` }))}
        onValue={(t) => route(`${path}?tenant=${encodeURIComponent(t)}`, true)}
      />
    </form>
  );
  return { tenantId, picker };
}
