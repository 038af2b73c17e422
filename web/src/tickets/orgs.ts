// The client organizations a person can file tickets for: a client's own, or the tenant's.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import type { Me } from '../app/session';

export type Org = Schemas['OrgView'];

export async function listOrgs(tenantId: string): Promise<Org[]> {
  const items: Org[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/orgs', { params: { path: { tenant_id: tenantId }, query: { limit: 100, cursor } } }),
    );
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

export async function orgsFor(me: Me): Promise<Org[]> {
  return me.user.role === 'client' ? me.organizations : listOrgs(me.user.tenant);
}
