// One ticket: where it stands (live), the conversation, the reply box and, for those who manage
// tickets, status, priority (escalate), assignee, internal notes, canned responses, linked
// tickets, merging and the SLA clocks; its files (everyone who reads the ticket downloads and
// attaches); the requester's satisfaction rating once it is resolved; for Kre8ivTech staff and
// super admins, the time logged on it. A merged ticket says where its conversation went. What
// came by email is marked so, with its original (and, for those who manage tickets, its
// authentication verdicts).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { isHouseStaff, managesTickets, user } from '../app/session';
import { FormError, TextArea } from '../ui/Field';
import { formatDateTime, formatDuration, timeAgo } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useShortcuts } from '../ui/useShortcuts';
import { useResource } from '../ui/useResource';
import NotFound from '../app/NotFound';
import { getTicket, listMessages, standingOf, updateTicket, type Message, type Ticket } from './api';
import { AttachmentsPanel } from './Attachments';
import { CannedReplyBox } from './CannedReply';
import { categoryLabel, priorityLabel, statusLabel } from './labels';
import { LinksPanel, MergedBanner } from './LinksPanel';
import { ManagePanel } from './ManagePanel';
import { PositionCard } from './PositionCard';
import { roleLabel } from './roles';
import { SatisfactionPanel } from './SatisfactionPanel';
import { TimePanel } from './TimePanel';
import { useStanding } from './useStanding';
import { ViaMail } from './ViaMail';
import { live } from '../live/socket';
import './conversation.css';

export default function TicketPage() {
  const { params } = useRoute();
  const { tenantId, ticketId } = params as { tenantId: string; ticketId: string };
  const loaded = useResource(() => getTicket(tenantId, ticketId), [tenantId, ticketId]);
  const messages = useResource(() => listMessages(tenantId, ticketId), [tenantId, ticketId]);
  // Replies (and, for staff, notes) added while the page is open appear at once, marked new.
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  // Read through a ref so the subscription lives as long as the page, not one list.
  const known = useRef(messages);
  known.current = messages;
  useEffect(
    () =>
      live().subscribe(`ticket:${ticketId}`, (m) => {
        if (m.type !== 'ticket.message' || typeof m.message !== 'string') return;
        const id = m.message;
        if (known.current.data?.some((x) => x.id === id)) return;
        setFresh((f) => new Set([...f, id]));
        void known.current.reload();
      }),
    [tenantId, ticketId],
  );

  if (loaded.error instanceof ApiError && loaded.error.status === 404) return <NotFound />;
  if (loaded.error) return <ErrorNote error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  return (
    <TicketView
      key={ticketId}
      ticket={loaded.data.ticket}
      etag={loaded.data.etag}
      messages={messages.data ?? []}
      fresh={fresh}
      onChanged={(ticket, etag) => loaded.setData({ ticket, etag })}
      reload={async () => {
        await Promise.all([loaded.reload(), messages.reload()]);
      }}
    />
  );
}

interface ViewProps {
  ticket: Ticket;
  etag: string | null;
  messages: Message[];
  /** Messages that arrived live while the page was open. */
  fresh: ReadonlySet<string>;
  onChanged: (t: Ticket, etag: string | null) => void;
  reload: () => Promise<void>;
}

function TicketView({ ticket, etag, messages, fresh, onChanged, reload }: ViewProps) {
  const standing = useStanding(ticket.tenant_id, ticket.id, standingOf(ticket));
  const manages = managesTickets.value;
  const replyRef = useRef<HTMLTextAreaElement>(null);
  const [internal, setInternal] = useState(false);

  // A status change seen live (say, staff picked it up) refreshes the rest of the page.
  useEffect(() => {
    if (standing.status !== ticket.status) void reload();
  }, [standing.status]);

  const update = async (change: Parameters<typeof updateTicket>[3]) => {
    try {
      const next = await updateTicket(ticket.tenant_id, ticket.id, etag, change);
      onChanged(next.ticket, next.etag);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await reload();
      throw e;
    }
  };

  useShortcuts(manages, {
    r: () => {
      setInternal(false);
      replyRef.current?.focus();
    },
    n: () => {
      setInternal(true);
      replyRef.current?.focus();
    },
  });

  return (
    <Page title={`${ticket.number}: ${ticket.subject}`}>
      {ticket.merged_into_id && <MergedBanner ticket={ticket} />}
      <PositionCard standing={standing} />
      <div class="ticket-layout">
        <div>
          <section class="panel" aria-labelledby="description-heading">
            <h2 id="description-heading" class="visually-hidden">
              Description
            </h2>
            <p class="message__meta">
              {categoryLabel(ticket.category)} · opened {formatDateTime(ticket.created_at)}
            </p>
            {ticket.via_mail && (
              <ViaMail
                tenantId={ticket.tenant_id}
                origin={ticket.via_mail}
                manages={manages}
                own={ticket.requester_id === user.value?.id}
                of="of this ticket"
              />
            )}
            <div class="message__body" dangerouslySetInnerHTML={{ __html: ticket.description_html ?? '' }} />
          </section>
          <AttachmentsPanel ticket={ticket} messages={messages} />
          <h2>Conversation</h2>
          <Conversation tenantId={ticket.tenant_id} manages={manages} messages={messages} fresh={fresh} />
          <SatisfactionPanel ticket={ticket} onRated={() => void reload()} reload={reload} />
          {!ticket.merged_into_id && (
            <ReplyForm
              ticket={ticket}
              manages={manages}
              internal={internal}
              setInternal={setInternal}
              textarea={replyRef}
              onSent={reload}
            />
          )}
        </div>
        <aside aria-label="Ticket details">
          <section class="panel">
            <h2>Details</h2>
            <dl class="details">
              {ticket.requester && (
                <>
                  <dt>Requester</dt>
                  <dd>
                    <span class="avatar" aria-hidden="true">
                      {ticket.requester.initials || '?'}
                    </span>
                    {ticket.requester.name}
                    {ticket.requester.email && (
                      <>
                        <br />
                        <a href={`mailto:${ticket.requester.email}`}>{ticket.requester.email}</a>
                      </>
                    )}
                    {ticket.requester.org && (
                      <>
                        <br />
                        <span class="muted">{ticket.requester.org.name}</span>
                      </>
                    )}
                    {manages && (
                      <>
                        <br />
                        <a href={`/tickets?tenant=${ticket.tenant_id}&requester_id=${ticket.requester.id}&status=all`}>
                          Their other tickets
                        </a>
                      </>
                    )}
                  </dd>
                </>
              )}
              <dt>Status</dt>
              <dd>{statusLabel(ticket.status)}</dd>
              <dt>Priority</dt>
              <dd>{priorityLabel(ticket.priority)}</dd>
              <dt>Category</dt>
              <dd>{categoryLabel(ticket.category)}</dd>
              <dt>Updated</dt>
              <dd>{timeAgo(ticket.updated_at)}</dd>
              {ticket.first_response_at && (
                <>
                  <dt>First answer</dt>
                  <dd>{formatDateTime(ticket.first_response_at)}</dd>
                </>
              )}
            </dl>
          </section>
          {manages && <ManagePanel ticket={ticket} update={update} />}
          {manages && (
            <LinksPanel
              ticket={ticket}
              onMerged={async () => {
                await reload();
                setTimeout(() => document.getElementById('merged-banner')?.focus(), 0);
              }}
            />
          )}
          {ticket.sla && <SlaPanel sla={ticket.sla} />}
          {isHouseStaff.value && <TimePanel ticket={ticket} />}
        </aside>
      </div>
    </Page>
  );
}

interface ConversationProps {
  tenantId: string;
  manages: boolean;
  messages: Message[];
  fresh: ReadonlySet<string>;
}

function Conversation({ tenantId, manages, messages, fresh }: ConversationProps) {
  const me = user.value;
  if (!messages.length) return <p class="empty">No replies yet.</p>;
  return (
    <ol class="conversation" aria-live="polite">
      {messages.map((m) => {
        const fromClient = m.author_role === 'client';
        const cls = m.internal ? 'message message--internal' : fromClient ? 'message' : 'message message--staff';
        const name = m.author_name || roleLabel(m.author_role);
        return (
          <li key={m.id} class={fresh.has(m.id) ? `${cls} message--new` : cls}>
            <p class="message__meta">
              <span class="avatar" aria-hidden="true">
                {m.author_initials || '?'}
              </span>
              <strong>{name}</strong>
              {m.author_id === me?.id && <span class="muted"> (you)</span>}
              {!fromClient && m.author_name && <span class="muted"> · {roleLabel(m.author_role)}</span>}
              {m.internal && <span class="badge badge--note"> Internal note</span>}
              {fresh.has(m.id) && <span class="badge badge--new"> New</span>} · {formatDateTime(m.created_at)}
            </p>
            {m.via_mail && (
              <ViaMail
                tenantId={tenantId}
                origin={m.via_mail}
                manages={manages}
                internal={m.internal}
                own={m.author_id === me?.id}
                of={`of ${name}’s ${m.internal ? 'note' : 'reply'} of ${formatDateTime(m.created_at)}`}
              />
            )}
            <div class="message__body" dangerouslySetInnerHTML={{ __html: m.html }} />
          </li>
        );
      })}
    </ol>
  );
}

interface ReplyProps {
  ticket: Ticket;
  manages: boolean;
  internal: boolean;
  setInternal: (v: boolean) => void;
  textarea: { current: HTMLTextAreaElement | null };
  onSent: () => Promise<void>;
}

function ReplyForm({ ticket, manages, internal, setInternal, textarea, onSent }: ReplyProps) {
  const form = useForm({ body: '' });
  const submit = form.submit(async ({ body }) => {
    unwrap(
      await api.POST('/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/messages', {
        params: { path: { tenant_id: ticket.tenant_id, ticket_id: ticket.id } },
        body: manages ? { body, internal } : { body },
      }),
    );
    form.reset();
    await onSent();
  });
  const label = internal ? 'Internal note (only your team sees it)' : 'Reply';
  return (
    <form class="form panel" onSubmit={submit} ref={form.formRef} noValidate style={{ marginTop: '1rem' }}>
      <FormError message={form.formError} />
      {manages ? (
        <CannedReplyBox
          ticket={ticket}
          label={label}
          value={form.values.body}
          onValue={(v) => form.set('body', v)}
          error={form.errors.body}
          hint="Markdown works."
          textarea={textarea}
        />
      ) : (
        <TextArea
          label={label}
          name="body"
          value={form.values.body}
          onValue={(v) => form.set('body', v)}
          error={form.errors.body}
          hint="Markdown works."
          inputRef={textarea}
        />
      )}
      {manages && (
        <label class="check">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} />
          Internal note
        </label>
      )}
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          {internal ? 'Add note' : 'Send reply'}
        </button>
        {manages && (
          <span class="kbd-help">
            <kbd>r</kbd> reply · <kbd>n</kbd> note · <kbd>e</kbd> escalate · <kbd>m</kbd> assign to me
          </span>
        )}
      </div>
    </form>
  );
}

function SlaPanel({ sla }: { sla: NonNullable<Ticket['sla']> }) {
  const clock = (name: string, c: typeof sla.first_response, due?: string | null) => (
    <>
      <dt>{name}</dt>
      <dd>
        {c.breached ? 'Breached' : c.warned ? 'At risk' : c.state === 'stopped' ? 'Met' : 'On track'} · {formatDuration(c.used_secs)} of{' '}
        {formatDuration(c.target_secs)}
        {due && c.state !== 'stopped' ? ` · due ${formatDateTime(due)}` : ''}
        {c.state === 'paused' ? ' · paused' : ''}
      </dd>
    </>
  );
  return (
    <section class="panel">
      <h2>Service level</h2>
      <p class="muted">{sla.policy}</p>
      <dl class="details">
        {clock('First response', sla.first_response, sla.first_response_due_at)}
        {clock('Resolution', sla.resolution, sla.resolution_due_at)}
      </dl>
    </section>
  );
}
