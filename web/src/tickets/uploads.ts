// Files on a ticket: each is declared (POST .../attachments, where the server checks its name,
// type, size and the organization's quota), sent to the presigned URL it answers with the exact
// method and headers given (XMLHttpRequest, for upload progress), then confirmed
// (POST .../complete). `Uploads` runs a list of them one at a time, keeps each one's stage,
// progress and error, and retries a failed one from the step that failed.
import { signal } from '@preact/signals';
import { api, type Schemas } from '../api/client';
import { fieldSentences } from '../api/messages';
import { ApiError, fieldErrors, isProblem, unwrap, type Problem } from '../api/problem';

export type Attachment = Schemas['AttachmentView'];

/**
 * Where to send the bytes. The OpenAPI document describes `headers` as a map (the logo upload's
 * shape, which shares the schema name), but the attachments endpoint answers a list of
 * `{ name, value }`: both are taken.
 */
export interface UploadTarget {
  url: string;
  method: string;
  headers: Record<string, string> | { name: string; value: string }[];
}

export interface Started {
  attachment: Attachment;
  upload: UploadTarget;
}

export interface Declared {
  filename: string;
  content_type: string;
  size: number;
}

/** The three calls an upload makes; swapped for fakes in tests. */
export interface Transport {
  start(tenantId: string, ticketId: string, file: Declared): Promise<Started>;
  send(target: UploadTarget, body: Blob, onProgress: (loaded: number, total: number) => void): Promise<void>;
  complete(tenantId: string, ticketId: string, attachmentId: string): Promise<Attachment>;
}

/** Whole percent sent, 0 to 100 (0 while the total is unknown). */
export function percent(loaded: number, total: number): number {
  if (!(total > 0) || !(loaded > 0)) return 0;
  return Math.min(100, Math.floor((loaded / total) * 100));
}

// The browser sets these itself and refuses them from scripts.
const FORBIDDEN = new Set(['content-length', 'host', 'connection', 'expect', 'transfer-encoding']);

/** The headers to send, as pairs, whichever shape the server used; the ones browsers set themselves are left out. */
export function headerPairs(headers: UploadTarget['headers'] | undefined): [string, string][] {
  const pairs: [string, string][] = Array.isArray(headers) ? headers.map((h) => [h.name, h.value]) : Object.entries(headers ?? {});
  return pairs.filter(([name]) => !FORBIDDEN.has(name.toLowerCase()));
}

// Types the server takes, for files the browser could not type (an empty `File.type`).
const BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  log: 'text/plain',
  md: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  json: 'application/json',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  mp4: 'video/mp4',
};

/** The type to declare: the browser's, else one guessed from the extension (the server decides). */
export function contentType(file: { name: string; type: string }): string {
  if (file.type) return file.type;
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : '';
  return BY_EXTENSION[ext] ?? 'application/octet-stream';
}

function parseProblem(text: string): Problem | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isProblem(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** PUTs (or whatever `target.method` says) `body` with XMLHttpRequest, reporting upload progress. */
export function xhrSend(
  target: UploadTarget,
  body: Blob,
  onProgress: (loaded: number, total: number) => void,
  Xhr: typeof XMLHttpRequest = XMLHttpRequest,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new Xhr();
    xhr.open(target.method, target.url);
    for (const [name, value] of headerPairs(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size, body.size);
        resolve();
      } else {
        reject(new ApiError(xhr.status, parseProblem(xhr.responseText)));
      }
    };
    // A network failure, a refused cross-origin request or an abort: no HTTP answer to show.
    xhr.onerror = xhr.onabort = xhr.ontimeout = () => reject(new ApiError(0, undefined));
    xhr.send(body);
  });
}

const path = (tenantId: string, ticketId: string) => ({ path: { tenant_id: tenantId, ticket_id: ticketId } });

export const httpTransport: Transport = {
  async start(tenantId, ticketId, file) {
    const started = unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments', { params: path(tenantId, ticketId), body: file }),
    );
    return started as Started;
  },
  send: (target, body, onProgress) => xhrSend(target, body, onProgress),
  async complete(tenantId, ticketId, attachmentId) {
    return unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/complete', {
        params: { path: { tenant_id: tenantId, ticket_id: ticketId, attachment_id: attachmentId } },
      }),
    );
  },
};

export async function listAttachments(tenantId: string, ticketId: string): Promise<Attachment[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments', { params: path(tenantId, ticketId) })).items;
}

/** A download URL valid for five minutes. */
export async function downloadUrl(tenantId: string, ticketId: string, attachmentId: string): Promise<string> {
  const answer = await api.GET('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/download', {
    params: { path: { tenant_id: tenantId, ticket_id: ticketId, attachment_id: attachmentId } },
  });
  return unwrap(answer).url;
}

export type Stage = 'queued' | 'starting' | 'sending' | 'confirming' | 'done' | 'failed';

export interface UploadItem {
  /** Local key (the same file may be picked twice). */
  key: string;
  file: File;
  stage: Stage;
  /** Whole percent of the bytes sent. */
  progress: number;
  error?: string;
  /** The pending attachment once declared, the confirmed one when done. */
  attachment?: Attachment;
  /** Where a retry begins: declaring again (a fresh URL), or only confirming what was stored. */
  resume: 'start' | 'complete';
  /** False when the server refused the file itself (its name or type): sending it again cannot help. */
  retryable?: boolean;
}

/** What to say next to a file that failed at `stage`. */
export function describeError(e: unknown, stage: Stage): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  const fields = fieldSentences(e.problem);
  if (fields.length) return fields.join(' ');
  if (e.status === 0) {
    return stage === 'sending'
      ? 'The file could not be sent (connection lost or refused). Retry to send it again.'
      : 'The portal could not be reached. Retry when you are back online.';
  }
  if (stage === 'sending' && e.status === 403) return 'The upload link expired. Retry to get a new one.';
  if (stage === 'sending' && e.status === 413) return 'The file is too large.';
  return e.message;
}

/** Where a retry should begin after failing at `stage` with `e`. */
export function resumeFrom(stage: Stage, e: unknown): UploadItem['resume'] {
  // The bytes are stored; only the confirmation was lost (a 409 means the server threw them away).
  if (stage === 'confirming' && !(e instanceof ApiError && e.status === 409)) return 'complete';
  return 'start';
}

/** Whether trying the same file again may work (a full quota may be raised; a type stays refused). */
export function canRetry(e: unknown): boolean {
  const fields = e instanceof ApiError ? Object.keys(fieldErrors(e.problem)) : [];
  return !fields.some((f) => f === 'content_type' || f === 'filename');
}

export interface TicketRef {
  tenant_id: string;
  id: string;
}

let counter = 0;

/**
 * A list of files to put on one ticket. Files added before the ticket exists wait until
 * `attach`; after that each one added is sent right away, one at a time.
 */
export class Uploads {
  readonly items = signal<UploadItem[]>([]);
  /** The latest completion or failure, for an aria-live region. */
  readonly said = signal('');
  /** Called with each attachment once it is confirmed. */
  onUploaded: ((a: Attachment) => void) | null = null;
  private ticket: TicketRef | null = null;
  private running = false;

  constructor(private readonly transport: Transport = httpTransport) {}

  add(files: Iterable<File>): void {
    const added = [...files].map((file): UploadItem => ({ key: `u${++counter}`, file, stage: 'queued', progress: 0, resume: 'start' }));
    if (!added.length) return;
    this.items.value = [...this.items.value, ...added];
    void this.pump();
  }

  /** The ticket to put the files on; queued files start. */
  attach(ticket: TicketRef): Promise<void> {
    this.ticket = ticket;
    return this.pump();
  }

  /** Drops a file that is waiting or failed (one being sent stays). */
  remove(key: string): void {
    const item = this.find(key);
    if (!item || !(item.stage === 'queued' || item.stage === 'failed')) return;
    this.items.value = this.items.value.filter((i) => i.key !== key);
    this.said.value = `${item.file.name} removed.`;
  }

  /** Puts a failed file back in line, resuming from the step that failed. */
  retry(key: string): Promise<void> {
    this.patch(key, { stage: 'queued', error: undefined });
    return this.pump();
  }

  /** Forgets the files that are done (the ticket's list shows them now). */
  clearDone(): void {
    this.items.value = this.items.value.filter((i) => i.stage !== 'done');
  }

  get busy(): boolean {
    return this.items.value.some((i) => i.stage === 'starting' || i.stage === 'sending' || i.stage === 'confirming');
  }

  private patch(key: string, change: Partial<UploadItem>): void {
    this.items.value = this.items.value.map((i) => (i.key === key ? { ...i, ...change } : i));
  }

  private find(key: string): UploadItem | undefined {
    return this.items.value.find((i) => i.key === key);
  }

  /** Sends the queued files in order until none is left; a second call while running does nothing. */
  private async pump(): Promise<void> {
    if (this.running || !this.ticket) return;
    this.running = true;
    try {
      let next: UploadItem | undefined;
      while ((next = this.items.value.find((i) => i.stage === 'queued'))) await this.one(this.ticket, next.key);
    } finally {
      this.running = false;
    }
  }

  private async one(ticket: TicketRef, key: string): Promise<void> {
    let stage: Stage = 'starting';
    const item = this.find(key)!;
    const name = item.file.name;
    try {
      let attachment = item.attachment;
      if (item.resume === 'start' || !attachment) {
        this.patch(key, { stage, progress: 0 });
        const started = await this.transport.start(ticket.tenant_id, ticket.id, {
          filename: name,
          content_type: contentType(item.file),
          size: item.file.size,
        });
        attachment = started.attachment;
        stage = 'sending';
        this.patch(key, { stage, attachment });
        await this.transport.send(started.upload, item.file, (loaded, total) => {
          const progress = percent(loaded, total);
          if (progress !== this.find(key)?.progress) this.patch(key, { progress });
        });
      }
      stage = 'confirming';
      this.patch(key, { stage, progress: 100 });
      const done = await this.transport.complete(ticket.tenant_id, ticket.id, attachment.id);
      this.patch(key, { stage: 'done', attachment: done, resume: 'start' });
      this.said.value = `${name} uploaded.`;
      this.onUploaded?.(done);
    } catch (e) {
      const error = describeError(e, stage);
      this.patch(key, { stage: 'failed', error, resume: resumeFrom(stage, e), retryable: canRetry(e) });
      this.said.value = `${name} failed: ${error}`;
    }
  }
}

/** 1536 -> "1.5 KB" (binary units, as the server's limits are). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n >= 10 ? Math.round(n) : Math.round(n * 10) / 10} ${units[u]}`;
}
