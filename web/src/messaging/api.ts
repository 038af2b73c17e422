// Messaging between the people of a tenant: conversations, their messages (threads, edits,
// tombstones, reactions) and read marks.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { contentType, type UploadTarget } from '../tickets/uploads';

export type Conversation = Schemas['ConversationView'];
export type Contact = Schemas['ContactView'];

export type Reaction = Schemas['ConversationReactionView'];
export type ChatMessage = Schemas['ConversationMessageView'];
export type ChatPage = Schemas['ConversationMessagePage'];
export type Unread = Schemas['UnreadMessagesView'];

export interface NewConversation {
  kind: 'direct' | 'group' | 'channel';
  members: string[];
  name?: string;
  /** A channel's client organization. */
  org_id?: string;
}

const BASE = '/api/v1/tenants/{tenant_id}/conversations' as const;
const ONE = `${BASE}/{conversation_id}` as const;
const at = (tenant_id: string, conversation_id: string) => ({ params: { path: { tenant_id, conversation_id } } });

export async function listConversations(tenantId: string, cursor?: string) {
  return unwrap(await api.GET(BASE, { params: { path: { tenant_id: tenantId }, query: { limit: 50, cursor } } }));
}

export async function getConversation(tenantId: string, id: string): Promise<Conversation> {
  return unwrap(await api.GET(ONE, at(tenantId, id)));
}

export async function startConversation(tenantId: string, body: NewConversation): Promise<Conversation> {
  return unwrap(await api.POST(BASE, { params: { path: { tenant_id: tenantId } }, body }));
}

export async function searchContacts(tenantId: string, q: string): Promise<Contact[]> {
  const query = q.trim() ? { q: q.trim(), limit: 20 } : { limit: 20 };
  return unwrap(await api.GET(`${BASE}/contacts`, { params: { path: { tenant_id: tenantId }, query } })).items;
}

export async function unreadMessages(tenantId: string): Promise<Unread> {
  const answer = await api.GET(`${BASE}/unread`, { params: { path: { tenant_id: tenantId } } });
  return unwrap(answer);
}

/** A page of history: the newest (newest first) or, with `before`, the older ones (newest first). */
export async function history(tenantId: string, id: string, before?: number): Promise<ChatPage> {
  const answer = await api.GET(`${ONE}/messages`, {
    params: { path: { tenant_id: tenantId, conversation_id: id }, query: { limit: 50, ...(before ? { before } : {}) } },
  });
  return unwrap(answer);
}

export interface Outgoing {
  parent?: number;
  /** People mentioned (members). */
  mentions?: string[];
  /** Files uploaded and confirmed for this message. */
  attachments?: string[];
}

export async function postMessage(tenantId: string, id: string, body: string, more: Outgoing = {}): Promise<ChatMessage> {
  const sent = {
    body,
    ...(more.parent ? { parent: more.parent } : {}),
    ...(more.mentions?.length ? { mentions: more.mentions } : {}),
    ...(more.attachments?.length ? { attachments: more.attachments } : {}),
  };
  return unwrap(await api.POST(`${ONE}/messages`, { ...at(tenantId, id), body: sent }));
}

/** Adds and removes members (under the ETag read, so two managers never undo each other). */
export async function changeMembers(tenantId: string, id: string, change: { add?: string[]; remove?: string[] }): Promise<Conversation> {
  const got = await api.GET(ONE, at(tenantId, id));
  const etag = got.response.headers.get('ETag') ?? undefined;
  return unwrap(
    await api.PATCH(`${ONE}/members`, {
      params: { path: { tenant_id: tenantId, conversation_id: id }, header: { 'If-Match': etag } },
      body: change,
    }),
  );
}

export type ChatFile = Schemas['ConversationFileView'];

/** Uploads one file for a message: declared (checked, with the storage it counts against), sent, confirmed. */
export async function uploadFile(
  tenantId: string,
  id: string,
  file: File,
  send: (target: UploadTarget, body: Blob) => Promise<void>,
): Promise<ChatFile> {
  const started = unwrap(
    await api.POST(`${ONE}/attachments`, {
      ...at(tenantId, id),
      body: { filename: file.name, content_type: contentType(file), size: file.size },
    }),
  );
  await send(started.upload as UploadTarget, file);
  return unwrap(
    await api.POST(`${ONE}/attachments/{file_id}/complete`, {
      params: { path: { tenant_id: tenantId, conversation_id: id, file_id: started.attachment.id } },
    }),
  );
}

/** A download URL valid for five minutes. */
export async function fileUrl(tenantId: string, id: string, fileId: string): Promise<string> {
  return unwrap(
    await api.GET(`${ONE}/attachments/{file_id}/download`, {
      params: { path: { tenant_id: tenantId, conversation_id: id, file_id: fileId } },
    }),
  ).url;
}

const seqAt = (tenant_id: string, conversation_id: string, seq: number) => ({ params: { path: { tenant_id, conversation_id, seq } } });

export async function editMessage(tenantId: string, id: string, seq: number, body: string): Promise<ChatMessage> {
  return unwrap(await api.PATCH(`${ONE}/messages/{seq}`, { ...seqAt(tenantId, id, seq), body: { body } }));
}

export async function deleteMessage(tenantId: string, id: string, seq: number): Promise<void> {
  unwrap(await api.DELETE(`${ONE}/messages/{seq}`, seqAt(tenantId, id, seq)));
}

export async function react(tenantId: string, id: string, seq: number, emoji: string): Promise<void> {
  unwrap(await api.POST(`${ONE}/messages/{seq}/reactions`, { ...seqAt(tenantId, id, seq), body: { emoji } }));
}

export async function markRead(tenantId: string, id: string, seq: number): Promise<number> {
  return unwrap(await api.POST(`${ONE}/read`, { ...at(tenantId, id), body: { seq } })).unread;
}
