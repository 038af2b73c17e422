// How people are named next to what they wrote.
export const ROLE_LABELS: Record<string, string> = {
  super_admin: 'Super admin',
  staff: 'Staff',
  partner: 'Partner',
  partner_staff: 'Partner staff',
  client: 'Client',
};

export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role;

export const ROLE_OPTIONS = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value, label }));

/** Whose accounts each role may create and manage (the permission matrix's user management rows). */
const MANAGES: Record<string, readonly string[]> = {
  super_admin: ['super_admin', 'staff', 'partner', 'partner_staff', 'client'],
  staff: ['partner', 'partner_staff', 'client'],
  partner: ['partner_staff', 'client'],
  partner_staff: ['client'],
};

/** The roles `viewer` may give, as select options. */
export const manageableRoles = (viewer: string | null | undefined) =>
  ROLE_OPTIONS.filter((o) => (MANAGES[viewer ?? ''] ?? []).includes(o.value));
