// What the invoice screens offer whom (the server decides; this only picks what to show):
// issuers (super admins anywhere, partners in their own tenant) list, draft and manage; Kre8ivTech
// staff draft in the house tenant and open what they drafted, but list nothing; clients read
// their organizations' invoices; a partner reads what Kre8ivTech bills it in the house tenant.
import type { Role } from '../app/session';

export type ListView =
  /** Every invoice of the tenant, drafts included, with totals. */
  | 'issuer'
  /** What the person (or their partner agency) is billed, never drafts. */
  | 'billed'
  /** Drafting only: no lists (Kre8ivTech staff). */
  | 'drafter'
  | 'none';

/** How `role`, signed in to tenant `own`, sees the invoices of `tenant`. */
export function listView(role: Role | null, own: string, tenant: string): ListView {
  switch (role) {
    case 'super_admin':
      return 'issuer';
    case 'partner':
      return tenant === own ? 'issuer' : 'billed';
    case 'client':
      return tenant === own ? 'billed' : 'none';
    case 'staff':
      return tenant === own ? 'drafter' : 'none';
    default:
      return 'none';
  }
}

/** Whether `role` may start invoices (in its own tenant; super admins in any). */
export const draftsInvoices = (role: Role | null) => role === 'super_admin' || role === 'partner' || role === 'staff';

/** Whether `role` edits a tenant's billing settings (super admins any tenant's, partners their own). */
export const editsBilling = (role: Role | null) => role === 'super_admin' || role === 'partner';

// The API does not tell a partner which tenant is Kre8ivTech's; the first bill it opens (from
// its notification or mail) does, and the list offers "Bills from Kre8ivTech" from then on.
const HOUSE_KEY = 'kt-house-tenant';

export function rememberHouse(tenantId: string): void {
  try {
    localStorage.setItem(HOUSE_KEY, tenantId);
  } catch {
    // Private mode: the link on the bill still leads to the list.
  }
}

export function knownHouse(): string | null {
  try {
    return localStorage.getItem(HOUSE_KEY);
  } catch {
    return null;
  }
}
