// Service types and requests as the screens use them: the types offered; a tenant's requests
// (an organization's for clients); asking (with the type's form answered); moving a request on
// under If-Match; its activity and comments; the house's pending list.
import { api, type Schemas } from '../api/client';
import { ifMatch, requestKey, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';
import type { Answers } from '../forms/api';

export type ServiceType = Schemas['ServiceTypeView'];
export type ServiceRequest = Schemas['ServiceRequestView'];
export type RequestStatus = ServiceRequest['status'];
export type Activity = Schemas['RequestActivityView'];

export const STATUS_LABEL: Record<RequestStatus, string> = {
  submitted: 'Submitted',
  in_review: 'In review',
  quoted: 'Quoted',
  approved: 'Approved',
  declined: 'Declined',
  converted: 'Converted to a project',
  withdrawn: 'Withdrawn',
};

export const isPending = (s: RequestStatus) => s === 'submitted' || s === 'in_review';

export const requestPath = (r: Pick<ServiceRequest, 'tenant_id' | 'id'>) =>
  `/service-requests/${encodeURIComponent(r.tenant_id)}/${encodeURIComponent(r.id)}`;

export async function listTypes(all = false): Promise<ServiceType[]> {
  return unwrap(await api.GET('/api/v1/service-types', { params: { query: all ? { all } : {} } }));
}

export async function createType(body: Schemas['ServiceTypeRequest']): Promise<ServiceType> {
  return unwrap(await api.POST('/api/v1/service-types', { body }));
}

export async function updateType(type: ServiceType, body: Schemas['ServiceTypeRequest']): Promise<ServiceType> {
  return unwrap(
    await api.PUT('/api/v1/service-types/{type_id}', {
      params: { path: { type_id: type.id }, header: ifMatch(type.etag) as { 'If-Match': string } },
      body,
    }),
  );
}

export interface RequestQuery {
  org_id?: string;
  status?: RequestStatus;
  cursor?: string;
  limit?: number;
}

export async function listRequests(tenantId: string, query: RequestQuery = {}) {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/service-requests', { params: { path: { tenant_id: tenantId }, query } }));
}

export async function pendingRequests(limit = 25): Promise<ServiceRequest[]> {
  return unwrap(await api.GET('/api/v1/service-requests/pending', { params: { query: { limit } } }));
}

export interface NewRequest {
  service_type: string;
  org_id: string;
  title: string;
  details?: string;
  answers?: Answers;
}

export async function askForService(tenantId: string, body: NewRequest, key = requestKey()): Promise<ServiceRequest> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/service-requests', {
      params: { path: { tenant_id: tenantId }, header: { 'Idempotency-Key': key } },
      body: body as unknown as Schemas['NewServiceRequest'],
    }),
  );
}

const one = (tenantId: string, id: string) => ({ path: { tenant_id: tenantId, request_id: id } });

export async function getRequest(tenantId: string, id: string): Promise<Tagged<ServiceRequest>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/service-requests/{request_id}', { params: one(tenantId, id) }));
}

export async function moveRequest(
  tenantId: string,
  id: string,
  status: RequestStatus,
  note: string,
  etag: string | null,
): Promise<Tagged<ServiceRequest>> {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/service-requests/{request_id}/status', {
      params: { ...one(tenantId, id), header: ifMatch(etag) as { 'If-Match': string } },
      body: note.trim() ? { status, note } : { status },
    }),
  );
}

export async function activityOf(tenantId: string, id: string, cursor?: string) {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/service-requests/{request_id}/activity', {
      params: { ...one(tenantId, id), query: { cursor, limit: 100 } },
    }),
  );
}

export async function comment(tenantId: string, id: string, body: string): Promise<Activity> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/service-requests/{request_id}/activity', { params: one(tenantId, id), body: { body } }),
  );
}
