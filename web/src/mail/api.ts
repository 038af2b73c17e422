// Mail in as the screens use it: a tenant's inbound address and policy (changed under If-Match),
// the received mail a page at a time (all, the review list or the dead letters), accepting,
// discarding and retrying one, the short-lived link to a mail as it was received, and the
// addresses mail out stopped to (listed, and started again after a bounce).
import { api, type Schemas } from '../api/client';
import { ifMatch, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';

export type InboundSettings = Schemas['InboundSettingsView'];
export type ReceivedMail = Schemas['ReceivedMailView'];
export type MailOrigin = Schemas['MailOriginView'];
export type UnknownSenders = 'hold' | 'refuse';
/** Which received mail to list: everything, the review list (held) or the dead letters (failed). */
export type MailList = 'all' | 'held' | 'failed';

export interface MailPage {
  items: ReceivedMail[];
  next_cursor?: string | null;
}

export async function getInbound(tenantId: string): Promise<Tagged<InboundSettings>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/mail/inbound', { params: { path: { tenant_id: tenantId } } }));
}

export async function saveInbound(
  tenantId: string,
  etag: string | null,
  body: { unknown_senders: UnknownSenders; forwarded_from: string[] },
): Promise<Tagged<InboundSettings>> {
  return tagged(
    await api.PUT('/api/v1/tenants/{tenant_id}/mail/inbound', {
      params: { path: { tenant_id: tenantId }, header: ifMatch(etag) },
      body,
    }),
  );
}

export async function listReceived(tenantId: string, list: MailList, cursor?: string, limit = 25): Promise<MailPage> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/mail/received', {
      params: { path: { tenant_id: tenantId }, query: { list, limit, cursor } },
    }),
  );
}

const mailPath = (tenantId: string, mailId: string) => ({ path: { tenant_id: tenantId, mail_id: mailId } });

/** Files a held mail; `orgId` is the organization a sender the portal does not know joins. */
export async function acceptMail(tenantId: string, mailId: string, orgId?: string): Promise<ReceivedMail> {
  return unwrap(
    await api.POST('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/accept', {
      params: mailPath(tenantId, mailId),
      body: orgId ? { org_id: orgId } : {},
    }),
  );
}

export async function discardMail(tenantId: string, mailId: string): Promise<ReceivedMail> {
  return unwrap(await api.POST('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/discard', { params: mailPath(tenantId, mailId) }));
}

export async function retryMail(tenantId: string, mailId: string): Promise<ReceivedMail> {
  return unwrap(await api.POST('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/retry', { params: mailPath(tenantId, mailId) }));
}

/** The link to the mail as it was received (an .eml file); it lasts minutes, so ask when it is used. */
export async function rawMailUrl(tenantId: string, mailId: string): Promise<string> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/raw', { params: mailPath(tenantId, mailId) })).url;
}

/** The address the raw link is asked at (the link's href, for copying or opening in a new tab). */
export const rawMailPath = (tenantId: string, mailId: string) =>
  `/api/v1/tenants/${encodeURIComponent(tenantId)}/mail/received/${encodeURIComponent(mailId)}/raw`;

/** The file name the original is saved as. */
export const rawMailName = (mailId: string) => `mail-${mailId.toLowerCase()}.eml`;

/** An address mail stopped to (it bounced, or its owner reported the mail as spam). */
export type StoppedAddress = Schemas['StoppedAddressView'];

export interface StoppedPage {
  items: StoppedAddress[];
  next_cursor?: string | null;
}

export async function listStopped(tenantId: string, cursor?: string, limit = 25): Promise<StoppedPage> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/mail/stopped', { params: { path: { tenant_id: tenantId }, query: { limit, cursor } } }),
  );
}

/** Starts mail again to an address whose mail bounced (a complaint is refused: 409). */
export async function startMailAgain(tenantId: string, email: string): Promise<void> {
  unwrap(await api.DELETE('/api/v1/tenants/{tenant_id}/mail/stopped/{email}', { params: { path: { tenant_id: tenantId, email } } }));
}
