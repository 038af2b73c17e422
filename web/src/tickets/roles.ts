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
