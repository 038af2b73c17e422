// How people are named next to what they wrote.
import type { Role } from '../app/session';
import { isOption, type Option } from '../ui/options';

export type { Role };

export const ROLE_OPTIONS = [
  { value: 'super_admin', label: 'Super admin' },
  { value: 'staff', label: 'Staff' },
  { value: 'partner', label: 'Partner' },
  { value: 'partner_staff', label: 'Partner staff' },
  { value: 'client', label: 'Client' },
] as const satisfies readonly Option<Role>[];

export const isRole = (role: string | null | undefined): role is Role => isOption(ROLE_OPTIONS, role);

export const roleLabel = (role: string) => ROLE_OPTIONS.find((o) => o.value === role)?.label ?? role;

/** Whose accounts each role may create and manage (the permission matrix's user management rows). */
const MANAGES: Record<string, readonly Role[]> = {
  super_admin: ['super_admin', 'staff', 'partner', 'partner_staff', 'client'],
  staff: ['partner', 'partner_staff', 'client'],
  partner: ['partner_staff', 'client'],
  partner_staff: ['client'],
};

/** The roles `viewer` may give, as select options. */
export const manageableRoles = (viewer: string | null | undefined): Option<Role>[] =>
  ROLE_OPTIONS.filter((o) => (MANAGES[viewer ?? ''] ?? []).includes(o.value));
