// Form reads and writes shared by the screens: editors keep a draft document (If-Match) and
// publish it as frozen versions; everyone fills the published version, with a draft of their
// answers kept on the server (resumed on any device); the house and partners read what came in.
import { api, type Schemas } from '../api/client';
import { ifMatch, requestKey, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';
import type { FormDocument, Json } from './types';

export type FormView = Schemas['FormView'];
export type FormSettings = Schemas['FormSettings'];
export type Availability = FormView['availability'];
export type FillView = Schemas['FillView'];
export type DraftView = Schemas['DraftView'];
export type Submission = Schemas['SubmissionView'];
export type Analytics = Schemas['FormAnalyticsView'];
export type Answers = Record<string, Json>;

export interface FormInput {
  name: string;
  description?: string;
  document: FormDocument;
  settings?: FormSettings;
  template?: boolean;
}

export const formPath = (id: string) => `/forms/${encodeURIComponent(id)}`;
export const editPath = (id: string) => `/forms/${encodeURIComponent(id)}/edit`;
export const resultsPath = (id: string) => `/forms/${encodeURIComponent(id)}/results`;
export const submissionPath = (s: Pick<Submission, 'tenant_id' | 'form_id' | 'id'>) =>
  `/forms/${encodeURIComponent(s.form_id)}/results/${encodeURIComponent(s.tenant_id)}/${encodeURIComponent(s.id)}`;

const form = (id: string) => ({ path: { form_id: id } });

export async function listForms(query: { templates?: boolean; cursor?: string; limit?: number } = {}) {
  return unwrap(await api.GET('/api/v1/forms', { params: { query } }));
}

export async function getForm(id: string): Promise<Tagged<FormView>> {
  return tagged(await api.GET('/api/v1/forms/{form_id}', { params: form(id) }));
}

export async function createForm(input: FormInput, key = requestKey()): Promise<FormView> {
  return unwrap(
    await api.POST('/api/v1/forms', { params: { header: { 'Idempotency-Key': key } }, body: input as unknown as Schemas['FormRequest'] }),
  );
}

export async function updateForm(id: string, input: FormInput, etag: string | null): Promise<Tagged<FormView>> {
  return tagged(
    await api.PUT('/api/v1/forms/{form_id}', {
      params: { ...form(id), header: ifMatch(etag) as { 'If-Match': string } },
      body: input as unknown as Schemas['FormRequest'],
    }),
  );
}

export async function publishForm(id: string, etag: string | null): Promise<Tagged<FormView>> {
  return tagged(
    await api.POST('/api/v1/forms/{form_id}/publish', { params: { ...form(id), header: ifMatch(etag) as { 'If-Match': string } } }),
  );
}

export async function cloneForm(id: string, name?: string): Promise<FormView> {
  return unwrap(await api.POST('/api/v1/forms/{form_id}/clone', { params: form(id), body: name ? { name } : {} }));
}

export async function archiveForm(id: string): Promise<void> {
  unwrap(await api.DELETE('/api/v1/forms/{form_id}', { params: form(id) }));
}

export async function formToFill(id: string): Promise<FillView> {
  return unwrap(await api.GET('/api/v1/forms/{form_id}/fill', { params: form(id) }));
}

/** Counts one view of the form (once per visit). */
export async function countView(id: string): Promise<void> {
  unwrap(await api.POST('/api/v1/forms/{form_id}/views', { params: form(id) }));
}

export async function getDraft(id: string): Promise<Tagged<DraftView>> {
  return tagged(await api.GET('/api/v1/forms/{form_id}/draft', { params: form(id) }));
}

export async function saveDraft(id: string, page: string, answers: Answers, etag: string | null): Promise<Tagged<DraftView>> {
  return tagged(
    await api.PUT('/api/v1/forms/{form_id}/draft', {
      params: { ...form(id), header: ifMatch(etag) as { 'If-Match': string } },
      body: { page, answers: answers as unknown as Record<string, never> },
    }),
  );
}

export async function discardDraft(id: string): Promise<void> {
  unwrap(await api.DELETE('/api/v1/forms/{form_id}/draft', { params: form(id) }));
}

export async function submitForm(id: string, answers: Answers, key: string): Promise<Submission> {
  return unwrap(
    await api.POST('/api/v1/forms/{form_id}/submissions', {
      params: { ...form(id), header: { 'Idempotency-Key': key } },
      body: { answers: answers as unknown as Record<string, never> },
    }),
  );
}

export async function listSubmissions(id: string, cursor?: string) {
  return unwrap(await api.GET('/api/v1/forms/{form_id}/submissions', { params: { ...form(id), query: { cursor, limit: 25 } } }));
}

export async function getSubmission(tenantId: string, formId: string, submissionId: string): Promise<Submission> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/forms/{form_id}/submissions/{submission_id}', {
      params: { path: { tenant_id: tenantId, form_id: formId, submission_id: submissionId } },
    }),
  );
}

export async function formVersion(id: string, version: number): Promise<FormDocument> {
  const answer = unwrap(await api.GET('/api/v1/forms/{form_id}/versions/{version}', { params: { path: { form_id: id, version } } }));
  return answer.document as unknown as FormDocument;
}

export async function formAnalytics(id: string): Promise<Analytics> {
  return unwrap(await api.GET('/api/v1/forms/{form_id}/analytics', { params: form(id) }));
}

/** Where the browser downloads the submissions (the session's cookies go with the link). */
export const exportUrl = (id: string, format: 'csv' | 'xlsx') => `/api/v1/forms/${encodeURIComponent(id)}/export?format=${format}`;

export const AVAILABILITY: Record<Availability, string> = {
  open: 'Open',
  unpublished: 'Not published',
  not_yet_open: 'Not open yet',
  closed: 'Closed',
};
