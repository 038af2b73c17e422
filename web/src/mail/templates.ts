// The mail templates as the editor uses them: every kind of mail the tenant sends with the
// template it is written from, one kind read with its version (ETag), changed and reset to the
// default under that version (If-Match), and a preview of what a template writes (nothing saved).
import { api, type Schemas } from '../api/client';
import { ifMatch, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';

export type MailTemplate = Schemas['MailTemplateView'];
export type MailPreview = Schemas['MailPreview'];
export type TemplateVariable = Schemas['VariableView'];

/** What a template is made of: the subject and the Markdown body. */
export interface TemplateText {
  subject: string;
  body: string;
}

const at = (tenantId: string, kind: string) => ({ path: { tenant_id: tenantId, kind } });

export async function listTemplates(tenantId: string): Promise<MailTemplate[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/mail/templates', { params: { path: { tenant_id: tenantId } } })).items;
}

export async function getTemplate(tenantId: string, kind: string): Promise<Tagged<MailTemplate>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/mail/templates/{kind}', { params: at(tenantId, kind) }));
}

export async function saveTemplate(tenantId: string, kind: string, etag: string | null, text: TemplateText): Promise<Tagged<MailTemplate>> {
  return tagged(
    await api.PUT('/api/v1/tenants/{tenant_id}/mail/templates/{kind}', {
      params: { ...at(tenantId, kind), header: ifMatch(etag) },
      body: text,
    }),
  );
}

/** Back to the default template; answers the default, with its version. */
export async function resetTemplate(tenantId: string, kind: string, etag: string | null): Promise<Tagged<MailTemplate>> {
  return tagged(
    await api.DELETE('/api/v1/tenants/{tenant_id}/mail/templates/{kind}', { params: { ...at(tenantId, kind), header: ifMatch(etag) } }),
  );
}

export async function previewTemplate(tenantId: string, kind: string, text: TemplateText, signal?: AbortSignal): Promise<MailPreview> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/mail/templates/{kind}/preview', { params: at(tenantId, kind), body: text, signal }),
  );
}
