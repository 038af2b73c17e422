// Who an invoice can bill: the tenant's client organizations and, on Kre8ivTech's own tenant
// (for super admins, who may list tenants), the partner agencies.
import type { Role } from '../app/session';
import { listTenants } from '../admin/useTenant';
import { listOrgs } from '../tickets/orgs';

export type PartyKind = 'org' | 'partner';

export interface Party {
  kind: PartyKind;
  id: string;
  name: string;
}

/** A party as a select's value: `org:ID` or `partner:ID`. */
export const partyValue = (p: { kind: string; id: string }) => `${p.kind}:${p.id}`;

export function parseParty(value: string): { kind: PartyKind; id: string } | null {
  const [kind, id] = value.split(':');
  return (kind === 'org' || kind === 'partner') && id ? { kind, id } : null;
}

export async function billableParties(tenantId: string, role: Role | null): Promise<Party[]> {
  const [orgs, tenants] = await Promise.all([listOrgs(tenantId), role === 'super_admin' ? listTenants() : Promise.resolve([])]);
  const house = tenants.find((t) => t.id === tenantId)?.kind === 'house';
  const partners = house ? tenants.filter((t) => t.kind === 'partner') : [];
  return [
    ...orgs.map((o): Party => ({ kind: 'org', id: o.id, name: o.name })),
    ...partners.map((t): Party => ({ kind: 'partner', id: t.id, name: t.name })),
  ];
}

/** Options for a select of parties, partners marked as such. */
export const partyOptions = (parties: readonly Party[]) =>
  parties.map((p) => ({ value: partyValue(p), label: p.kind === 'partner' ? `${p.name} (partner)` : p.name }));
