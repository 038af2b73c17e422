// Attaching files: a labelled file picker that also takes files dropped on it, the files being
// sent (progress, errors next to each, retry and remove), and the ticket's attachments with
// download links. Completions and failures are announced through a polite live region.
import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api/problem';
import { user } from '../app/session';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import type { Message, Ticket } from './api';
import { roleLabel } from './roles';
import { downloadUrl, formatSize, listAttachments, Uploads, type Attachment, type UploadItem } from './uploads';
import './attachments.css';

export const ACCEPTED_HINT = 'Images, PDF, text, office documents, zip or mp4, up to 25 MB each.';

export function FilePicker({ uploads, label = 'Attach files' }: { uploads: Uploads; label?: string }) {
  const id = useId();
  const [over, setOver] = useState(false);
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
  return (
    <div
      class={over ? 'dropzone dropzone--over' : 'dropzone'}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      }}
      onDragLeave={(e) => {
        if (!(e.currentTarget as Node).contains(e.relatedTarget as Node | null)) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (e.dataTransfer?.files.length) uploads.add(Array.from(e.dataTransfer.files));
      }}
    >
      <input
        id={id}
        type="file"
        multiple
        class="dropzone__input"
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const input = e.currentTarget;
          if (input.files?.length) uploads.add(Array.from(input.files));
          // The same file can be picked again (after removing it, say).
          input.value = '';
        }}
      />
      <label for={id} class="button button--secondary dropzone__button">
        {label}
      </label>
      <p class="field__hint" id={`${id}-hint`}>
        Or drop files here. {ACCEPTED_HINT}
      </p>
    </div>
  );
}

const STAGE_TEXT: Record<UploadItem['stage'], string> = {
  queued: 'Waiting',
  starting: 'Checking…',
  sending: 'Sending…',
  confirming: 'Finishing…',
  done: 'Uploaded',
  failed: 'Failed',
};

/** The files being sent; `waiting` replaces "Waiting" before there is a ticket to send them to. */
export function UploadList({ uploads, waiting }: { uploads: Uploads; waiting?: string }) {
  const items = uploads.items.value;
  return (
    <>
      <p class="visually-hidden" role="status" aria-live="polite">
        {uploads.said.value}
      </p>
      {items.length > 0 && (
        <ul class="uploads" aria-label="Files to attach">
          {items.map((item) => (
            <UploadRow key={item.key} item={item} uploads={uploads} waiting={waiting} />
          ))}
        </ul>
      )}
    </>
  );
}

function UploadRow({ item, uploads, waiting }: { item: UploadItem; uploads: Uploads; waiting?: string }) {
  const id = useId();
  const name = item.file.name;
  const status = item.stage === 'queued' && waiting ? waiting : STAGE_TEXT[item.stage];
  const row = useRef<HTMLLIElement>(null);
  // The button pressed goes away: keep the keyboard on this file, or on the picker once it is gone.
  const retry = () => {
    void uploads.retry(item.key);
    row.current?.focus();
  };
  const remove = () => {
    const picker = row.current?.closest('section, fieldset')?.querySelector<HTMLElement>('.dropzone__input');
    uploads.remove(item.key);
    picker?.focus();
  };
  return (
    <li class={`upload upload--${item.stage}`} tabIndex={-1} ref={row} aria-labelledby={`${id}-name`}>
      <div class="upload__line">
        <span class="upload__name" id={`${id}-name`}>
          {name}
        </span>
        <span class="upload__size">{formatSize(item.file.size)}</span>
      </div>
      {item.stage !== 'failed' && (
        <div class="upload__line">
          <progress max={100} value={item.progress} aria-label={`Upload of ${name}`} aria-describedby={`${id}-status`} />
          <span class="upload__status" id={`${id}-status`}>
            {status}
            {item.stage === 'queued' || item.stage === 'starting' ? '' : ` · ${item.progress}%`}
          </span>
        </div>
      )}
      {item.error && (
        <p class="field__error" id={`${id}-error`}>
          {item.error}
        </p>
      )}
      {(item.stage === 'failed' || item.stage === 'queued') && (
        <div class="actions">
          {item.stage === 'failed' && item.retryable !== false && (
            <button type="button" class="button button--small" onClick={retry} aria-label={`Retry ${name}`}>
              Retry
            </button>
          )}
          <button type="button" class="button button--small button--secondary" onClick={remove} aria-label={`Remove ${name}`}>
            Remove
          </button>
        </div>
      )}
    </li>
  );
}

/** Who added a file, as the ticket page names people. */
export function uploaderLabel(a: Attachment, ticket: Ticket, messages: Message[], meId: string | undefined): string {
  if (a.uploader_id === meId) return 'You';
  const wrote = messages.find((m) => m.author_id === a.uploader_id);
  if (wrote) return roleLabel(wrote.author_role);
  if (a.uploader_id === ticket.requester_id) return 'Requester';
  return 'Someone else';
}

/** The ticket page's attachments: the list with download links, and the "Attach files" control. */
export function AttachmentsPanel({ ticket, messages }: { ticket: Ticket; messages: Message[] }) {
  const list = useResource(() => listAttachments(ticket.tenant_id, ticket.id), [ticket.tenant_id, ticket.id]);
  const uploads = useMemo(() => new Uploads(), [ticket.tenant_id, ticket.id]);
  useEffect(() => {
    uploads.onUploaded = () => {
      // Once the list shows a file, it leaves the list of files being sent.
      void list.reload().then(() => uploads.clearDone());
    };
    void uploads.attach(ticket);
    return () => {
      uploads.onUploaded = null;
    };
  }, [uploads, list.reload]);

  return (
    <section class="panel attachments" aria-labelledby="attachments-heading">
      <h2 id="attachments-heading">Attachments</h2>
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <AttachmentList ticket={ticket} items={list.data} messages={messages} />
      )}
      <UploadList uploads={uploads} />
      <FilePicker uploads={uploads} />
    </section>
  );
}

function AttachmentList({ ticket, items, messages }: { ticket: Ticket; items: Attachment[]; messages: Message[] }) {
  const [error, setError] = useState<string | null>(null);
  const meId = user.value?.id;
  if (!items.length) return <p class="empty">No files yet.</p>;

  const open = async (e: MouseEvent, a: Attachment) => {
    e.preventDefault();
    setError(null);
    try {
      // The URL lasts five minutes: ask for it when it is used, not when the page loads.
      window.location.assign(await downloadUrl(ticket.tenant_id, ticket.id, a.id));
    } catch (err) {
      setError(`${a.filename} could not be downloaded. ${errorMessage(err)}`);
    }
  };

  return (
    <>
      <p role="alert" class={error ? 'alert alert--error' : 'visually-hidden'}>
        {error}
      </p>
      <ul class="attachment-list">
        {items.map((a) => (
          <li key={a.id} class="attachment">
            {/* `download` also keeps the router's link handling away. */}
            <a
              href={`/api/v1/tenants/${ticket.tenant_id}/tickets/${ticket.id}/attachments/${a.id}/download`}
              download={a.filename}
              onClick={(e) => void open(e, a)}
              class="attachment__name"
            >
              <span class="visually-hidden">Download </span>
              {a.filename}
            </a>
            <span class="attachment__meta">
              {formatSize(a.size)} · {uploaderLabel(a, ticket, messages, meId)} · {formatDateTime(a.created_at)}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
