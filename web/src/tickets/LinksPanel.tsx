// Related tickets (for those who work tickets): link another ticket of the tenant by its
// number, see the linked ones (number, subject, status, kind) and unlink them; and merge this
// ticket into another after a confirmation that says what moves and that this one closes, and
// shows which ticket the typed number names before the merge is confirmed.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { FormError, TextField } from '../ui/Field';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { getTicket, ticketPath, type Ticket } from './api';
import { priorityLabel, statusLabel } from './labels';
import {
  LOOKUP_DELAY_MS,
  NO_PREVIEW,
  previewBeforeLookup,
  previewBlocksMerge,
  previewIsProblem,
  previewOf,
  previewOfError,
  previewText,
  type MergePreview,
} from './mergePreview';
import { addLink, linkKindLabel, listLinks, mergeInto, removeLink, ticketByNumber, type LinkedTicket } from './workflow';
import './workflow.css';

export function LinksPanel({ ticket, onMerged }: { ticket: Ticket; onMerged: (target: Ticket) => Promise<void> }) {
  const links = useResource(() => listLinks(ticket), [ticket.tenant_id, ticket.id, ticket.version]);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [merging, setMerging] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const mergeButton = useRef<HTMLButtonElement>(null);
  const form = useForm({ ticket: '' });
  const canMerge = ticket.status !== 'closed' && !ticket.merged_into_id;

  const submit = form.submit(async ({ ticket: other }) => {
    const linked = await addLink(ticket, other.trim());
    form.reset();
    await links.reload();
    setSaid(`Linked ${linked.number}.`);
  });

  const unlink = async (l: LinkedTicket) => {
    setError(null);
    try {
      await removeLink(ticket, l.ticket_id);
      await links.reload();
      setSaid(`Unlinked ${l.number}.`);
      headingRef.current?.focus();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section class="panel" aria-labelledby="links-heading">
      <h2 id="links-heading" ref={headingRef} tabIndex={-1}>
        Linked tickets
      </h2>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <FormError message={error} />
      {links.error ? (
        <ErrorNote error={links.error} />
      ) : !links.data ? (
        <Loading />
      ) : !links.data.length ? (
        <Empty>No linked tickets.</Empty>
      ) : (
        <ul class="list linked">
          {links.data.map((l) => (
            <li key={l.ticket_id} class="linked__item">
              <a href={ticketPath({ tenant_id: ticket.tenant_id, id: l.ticket_id })}>
                <span class="mono">{l.number}</span> {l.subject}
              </a>
              <span class="linked__meta">
                <span class="badge">{statusLabel(l.status)}</span> <span class="badge">{priorityLabel(l.priority)}</span>{' '}
                <span class={l.kind === 'merged' ? 'badge badge--note' : 'badge'}>{linkKindLabel(l.kind)}</span>
              </span>
              {l.kind !== 'merged' && (
                <button type="button" class="button button--small button--secondary" onClick={() => void unlink(l)}>
                  Unlink<span class="visually-hidden"> {l.number}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <form class="form linked__form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <TextField
          label="Ticket number to link"
          name="ticket"
          hint={`A ticket of this portal, e.g. ${ticket.number.replace(/\d+$/, '1002')}.`}
          autoComplete="off"
          value={form.values.ticket}
          onValue={(v) => form.set('ticket', v)}
          error={form.errors.ticket}
        />
        <div class="actions">
          <button class="button button--secondary" type="submit" disabled={form.busy}>
            Link ticket
          </button>
          {canMerge && (
            <button type="button" class="button button--secondary" ref={mergeButton} onClick={() => setMerging(true)}>
              Merge into…
            </button>
          )}
        </div>
      </form>
      {merging && (
        <MergeDialog
          ticket={ticket}
          onClose={() => {
            setMerging(false);
            mergeButton.current?.focus();
          }}
          onMerged={async (target) => {
            setMerging(false);
            await onMerged(target);
          }}
        />
      )}
    </section>
  );
}

function MergeDialog({ ticket, onClose, onMerged }: { ticket: Ticket; onClose: () => void; onMerged: (target: Ticket) => Promise<void> }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const previewId = useId();
  const form = useForm({ into_ticket: '' });
  const preview = useMergePreview(ticket, form.values.into_ticket);
  const blocked = previewBlocksMerge(preview);

  useEffect(() => {
    const d = dialog.current;
    d?.showModal();
    return () => d?.close();
  }, []);

  const submit = form.submit(async ({ into_ticket }) => {
    if (blocked) return;
    const merged = await mergeInto(ticket, into_ticket.trim());
    await onMerged(merged.target);
  });

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={titleId} onCancel={onClose}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <h2 id={titleId}>Merge {ticket.number} into another ticket</h2>
        <div class="alert merge-warning">
          <p>Merging moves everything of {ticket.number} to the ticket you name:</p>
          <ul>
            <li>its replies and internal notes,</li>
            <li>its attachments and time entries,</li>
            <li>and its description, which joins that ticket's conversation.</li>
          </ul>
          <p>
            <strong>{ticket.number} then closes</strong> with a link to that ticket. This cannot be undone.
          </p>
        </div>
        <FormError message={form.formError} />
        <div class="merge-target">
          <TextField
            label="Merge into ticket number"
            name="into_ticket"
            hint={`Of this portal, e.g. ${ticket.number.replace(/\d+$/, '1001')}.`}
            autoComplete="off"
            value={form.values.into_ticket}
            onValue={(v) => form.set('into_ticket', v)}
            error={form.errors.into_ticket}
            describedBy={previewId}
          />
          <p
            id={previewId}
            class={previewIsProblem(preview) ? 'merge-preview field__error' : 'merge-preview field__hint'}
            aria-live="polite"
          >
            {previewText(preview)}
          </p>
        </div>
        <div class="actions">
          <button class="button button--danger" type="submit" disabled={form.busy || blocked}>
            Merge and close {ticket.number}
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

/**
 * The preview of the ticket `input` names: looked up once typing pauses, and only the latest
 * lookup's answer is shown (an earlier one arriving late is dropped).
 */
function useMergePreview(ticket: Ticket, input: string): MergePreview {
  const typed = input.trim();
  const known = previewBeforeLookup(typed, ticket);
  const [answer, setAnswer] = useState<{ typed: string; preview: MergePreview } | null>(null);
  useEffect(() => {
    if (known) return;
    let latest = true;
    const timer = setTimeout(() => {
      const show = (preview: MergePreview) => latest && setAnswer({ typed, preview });
      ticketByNumber(ticket.tenant_id, typed).then(
        (found) => show(previewOf(typed, ticket, found)),
        (e: unknown) => show(previewOfError(e)),
      );
    }, LOOKUP_DELAY_MS);
    return () => {
      latest = false;
      clearTimeout(timer);
    };
  }, [typed, ticket.tenant_id, ticket.id, ticket.number]);
  // What is known without asking shows at once; an answer shows only for the text it answers.
  return known ?? (answer?.typed === typed ? answer.preview : NO_PREVIEW);
}

/** On a merged ticket: where its conversation went. */
export function MergedBanner({ ticket }: { ticket: Ticket }) {
  const targetId = ticket.merged_into_id!;
  const target = useResource(async () => (await getTicket(ticket.tenant_id, targetId)).ticket, [ticket.tenant_id, targetId]);
  const href = ticketPath({ tenant_id: ticket.tenant_id, id: targetId });
  return (
    <div class="alert merged-banner" role="note" aria-label="Merged ticket" tabIndex={-1} id="merged-banner">
      <strong>This ticket was merged</strong> into{' '}
      <a href={href}>{target.data ? `${target.data.number}: ${target.data.subject}` : 'another ticket'}</a>. Its conversation, files and
      time continue there.
    </div>
  );
}
