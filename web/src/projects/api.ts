// Projects as the screens use them: a tenant's (an organization's for clients), one with its
// milestones and links, written by the house's staff and partners under If-Match.
import { api, type Schemas } from '../api/client';
import { ifMatch, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';
import { isHouseStaff, me, role } from '../app/session';

export type Project = Schemas['ProjectView'];
export type ProjectBody = Schemas['ProjectRequest'];
export type ProjectStatus = Project['status'];

export const PROJECT_STATUS: Record<ProjectStatus, string> = {
  planned: 'Planned',
  active: 'Active',
  on_hold: 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

export const projectPath = (p: Pick<Project, 'tenant_id' | 'id'>) =>
  `/projects/${encodeURIComponent(p.tenant_id)}/${encodeURIComponent(p.id)}`;

/** Whether the viewer writes this tenant's projects. */
export const managesProjects = (tenantId: string) => isHouseStaff.value || (role.value === 'partner' && me.value?.user.tenant === tenantId);

export async function listProjects(tenantId: string, query: { org_id?: string; cursor?: string; limit?: number } = {}) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/projects', { params: { path: { tenant_id: tenantId }, query } }));
}

export async function getProject(tenantId: string, id: string): Promise<Tagged<Project>> {
  return tagged(
    await api.GET('/api/v1/tenants/{tenant_id}/projects/{project_id}', { params: { path: { tenant_id: tenantId, project_id: id } } }),
  );
}

export async function createProject(tenantId: string, body: ProjectBody): Promise<Tagged<Project>> {
  return tagged(await api.POST('/api/v1/tenants/{tenant_id}/projects', { params: { path: { tenant_id: tenantId } }, body }));
}

export async function updateProject(tenantId: string, id: string, body: ProjectBody, etag: string | null): Promise<Tagged<Project>> {
  return tagged(
    await api.PUT('/api/v1/tenants/{tenant_id}/projects/{project_id}', {
      params: { path: { tenant_id: tenantId, project_id: id }, header: ifMatch(etag) as { 'If-Match': string } },
      body,
    }),
  );
}

/** "2 of 5 milestones done" (or no milestones yet). */
export const progressWords = (p: Pick<Project, 'done' | 'total'>) =>
  p.total ? `${p.done} of ${p.total} milestones done` : 'No milestones yet';
