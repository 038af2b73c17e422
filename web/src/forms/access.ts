// Who does what with forms in the web app (PRD 3.2): super admins and staff write forms;
// everyone fills them; the house reads every tenant's results and partners their own.
import type { Role } from '../app/session';

export const editsForms = (role: Role | null) => role === 'super_admin' || role === 'staff';
export const readsResults = (role: Role | null) => role === 'super_admin' || role === 'staff' || role === 'partner';
