// One conversation: its messages oldest to newest (replies under their thread's first message),
// earlier pages on demand, their files, edits, deletions and a 👍 toggle, who is typing, the
// members with their presence, and the composer. Live pushes on `conversation:<id>` refetch the
// newest page; what is shown is marked read.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage } from '../api/problem';
import NotFound from '../app/NotFound';
import { user } from '../app/session';
import { live } from '../live/socket';
import { FormError, TextArea } from '../ui/Field';
import { Composer } from './Composer';
import { MembersPanel } from './MembersPanel';
import { loadPresence, PresenceDot } from './presence';
import { Typing, useTyping } from './typing';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { deleteMessage, editMessage, getConversation, history, markRead, fileUrl, react, type ChatMessage, type Conversation } from './api';
import { merge, newestSeq, oldestSeq, threads } from './thread';
import { refreshMessagesUnread } from './unread';

export const THUMBS = '👍';

interface Props {
  tenantId: string;
  id: string;
  /** Something changed that the conversation list shows (unread counts, last activity). */
  onChanged: () => unknown;
}

export function ConversationView({ tenantId, id, onChanged }: Props) {
  const conversation = useResource(() => getConversation(tenantId, id), [tenantId, id]);
  const [messages, setMessages] = useState<ChatMessage[] | undefined>(undefined);
  const [earlier, setEarlier] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  const marked = useRef(0);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [showMembers, setShowMembers] = useState(false);
  const typing = useTyping(id);
  const members = conversation.data?.members.join(',');
  useEffect(() => {
    if (!members) return;
    const load = () => void loadPresence(tenantId, members.split(','));
    load();
    const timer = window.setInterval(load, 60_000);
    return () => window.clearInterval(timer);
  }, [tenantId, members]);

  const loadNewest = async () => {
    try {
      const page = await history(tenantId, id);
      setMessages((shown) => {
        if (!shown) setEarlier(page.more);
        return merge(shown ?? [], page.items);
      });
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  const latest = useRef(loadNewest);
  latest.current = loadNewest;

  useEffect(() => {
    void loadNewest();
    return live().subscribe(`conversation:${id}`, (m) => {
      if (typeof m.type === 'string' && m.type.startsWith('message.')) void latest.current();
    });
  }, [tenantId, id]);

  // Mark read up to the newest message shown.
  const newest = messages ? newestSeq(messages) : 0;
  useEffect(() => {
    if (!newest || newest <= marked.current) return;
    marked.current = newest;
    markRead(tenantId, id, newest)
      .then(() => Promise.all([refreshMessagesUnread(), onChanged()]))
      .catch(() => undefined);
  }, [newest]);

  const loadEarlier = async () => {
    if (!messages?.length) return;
    try {
      const page = await history(tenantId, id, oldestSeq(messages));
      setMessages((shown) => merge(page.items, shown ?? []));
      setEarlier(page.more);
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };

  /** Runs a change to one message, then shows the newest state. */
  const act = (change: () => Promise<unknown>) => async () => {
    setProblem(null);
    try {
      await change();
      const page = await history(tenantId, id);
      setMessages((shown) => merge(shown ?? [], page.items));
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };

  if (conversation.error instanceof ApiError && conversation.error.status === 404) return <NotFound />;
  if (conversation.error) return <ErrorNote error={conversation.error} />;
  if (!conversation.data || !messages) return <Loading />;
  const c = conversation.data;

  return (
    <section class="chat__conversation" aria-labelledby="conversation-title">
      <h2 id="conversation-title">
        {c.kind === 'channel' && <span aria-hidden="true"># </span>}
        {c.title}
        {c.kind === 'direct' && <PresenceDot userId={c.members.find((m) => m !== user.value?.id) ?? ''} />}
      </h2>
      <p class="muted chat__members">
        {peopleLine(c)}
        {c.kind !== 'direct' && (
          <>
            {' '}
            <button type="button" class="link-button" aria-expanded={showMembers} onClick={() => setShowMembers((v) => !v)}>
              {showMembers ? 'Hide members' : 'Members'}
            </button>
          </>
        )}
      </p>
      {showMembers && (
        <MembersPanel
          tenantId={tenantId}
          conversation={c}
          onChanged={async () => {
            await conversation.reload();
            await onChanged();
          }}
        />
      )}
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      {earlier && (
        <button type="button" class="button button--secondary button--small" onClick={loadEarlier}>
          Load earlier
        </button>
      )}
      {messages.length === 0 ? (
        <p class="empty">No messages yet. Say hello.</p>
      ) : (
        <ol class="conversation chat__messages" aria-label="Messages">
          {threads(messages).map((t) => (
            <li key={t.root.seq} class="chat__thread">
              <MessageItem
                message={t.root}
                conversation={c}
                onReply={() => {
                  setReplyTo(t.root);
                  textarea.current?.focus();
                }}
                act={act}
                tenantId={tenantId}
              />
              {t.replies.length > 0 && (
                <ol class="chat__replies" aria-label={`Replies to ${nameOf(c, t.root.author_id)}`}>
                  {t.replies.map((r) => (
                    <li key={r.seq}>
                      <MessageItem message={r} conversation={c} act={act} tenantId={tenantId} />
                    </li>
                  ))}
                </ol>
              )}
            </li>
          ))}
        </ol>
      )}
      <Typing who={typing.map((u) => nameOf(c, u))} />
      <Composer
        tenantId={tenantId}
        conversation={c}
        nameOf={(u) => nameOf(c, u)}
        replyTo={replyTo}
        onCancelReply={() => setReplyTo(null)}
        textarea={textarea}
        onSent={async () => {
          setReplyTo(null);
          await loadNewest();
          await Promise.all([refreshMessagesUnread(), onChanged()]);
        }}
      />
    </section>
  );
}

const nameOf = (c: Conversation, userId: string) => c.people?.find((p) => p.id === userId)?.name ?? 'Someone who left';

function peopleLine(c: Conversation): string {
  const me = user.value?.id;
  const names = (c.people ?? []).filter((p) => p.id !== me).map((p) => p.name);
  return names.length ? `With ${names.join(', ')}` : '';
}

interface ItemProps {
  message: ChatMessage;
  conversation: Conversation;
  tenantId: string;
  onReply?: () => void;
  act: (change: () => Promise<unknown>) => () => Promise<void>;
}

function MessageItem({ message: m, conversation: c, tenantId, onReply, act }: ItemProps) {
  const mine = m.author_id === user.value?.id;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const thumbs = m.reactions.find((r) => r.emoji === THUMBS);
  const others = m.reactions.filter((r) => r.emoji !== THUMBS && r.count > 0);
  return (
    <article
      class={mine ? 'message chat__message chat__message--mine' : 'message chat__message'}
      aria-label={`${nameOf(c, m.author_id)}, ${formatDateTime(m.at)}`}
    >
      <p class="message__meta">
        <strong>{nameOf(c, m.author_id)}</strong>
        {mine && <span class="muted"> (you)</span>} · <time dateTime={m.at}>{formatDateTime(m.at)}</time>
        {m.edited_at && !m.deleted && <span class="muted"> · edited</span>}
      </p>
      {m.deleted ? (
        <p class="message__body chat__deleted">Message deleted</p>
      ) : editing ? (
        <EditForm
          tenantId={tenantId}
          conversationId={c.id}
          message={m}
          onDone={async (saved) => {
            setEditing(false);
            if (saved) await act(async () => undefined)();
          }}
        />
      ) : (
        <>
          <div class="message__body" dangerouslySetInnerHTML={{ __html: m.html }} />
          {m.attachments.length > 0 && <Files tenantId={tenantId} conversationId={c.id} files={m.attachments} />}
        </>
      )}
      {!m.deleted && !editing && (
        <div class="chat__actions">
          <button
            type="button"
            class="link-button chat__react"
            aria-pressed={thumbs?.mine ?? false}
            aria-label={`Thumbs up${thumbs?.count ? `, ${thumbs.count}` : ''}`}
            onClick={act(() => react(tenantId, c.id, m.seq, THUMBS))}
          >
            {THUMBS}
            {thumbs?.count ? ` ${thumbs.count}` : ''}
          </button>
          {others.map((r) => (
            <span key={r.emoji} class="badge">
              {r.emoji} {r.count}
            </span>
          ))}
          {onReply && (
            <button type="button" class="link-button" onClick={onReply}>
              Reply
            </button>
          )}
          {mine && (
            <button type="button" class="link-button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {mine &&
            (confirming ? (
              <span role="group" aria-label="Delete this message?">
                Delete this message?{' '}
                <button type="button" class="link-button chat__danger" onClick={act(() => deleteMessage(tenantId, c.id, m.seq))}>
                  Delete
                </button>{' '}
                <button type="button" class="link-button" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </span>
            ) : (
              <button type="button" class="link-button" onClick={() => setConfirming(true)}>
                Delete
              </button>
            ))}
        </div>
      )}
    </article>
  );
}

interface EditProps {
  tenantId: string;
  conversationId: string;
  message: ChatMessage;
  onDone: (saved: boolean) => unknown;
}

function EditForm({ tenantId, conversationId, message, onDone }: EditProps) {
  const form = useForm({ body: message.body });
  const submit = form.submit(async ({ body }) => {
    await editMessage(tenantId, conversationId, message.seq, body);
    await onDone(true);
  });
  return (
    <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      <TextArea
        label="Edit message"
        name="body"
        rows={3}
        value={form.values.body}
        onValue={(v) => form.set('body', v)}
        error={form.errors.body}
      />
      <div class="actions">
        <button class="button button--small" type="submit" disabled={form.busy}>
          Save
        </button>
        <button class="button button--secondary button--small" type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Files({ tenantId, conversationId, files }: { tenantId: string; conversationId: string; files: ChatMessage['attachments'] }) {
  const [problem, setProblem] = useState<string | null>(null);
  const open = async (id: string) => {
    setProblem(null);
    try {
      window.location.assign(await fileUrl(tenantId, conversationId, id));
    } catch (e) {
      setProblem(errorMessage(e));
    }
  };
  return (
    <ul class="list chat__files" aria-label="Files">
      {files.map((f) => (
        <li key={f.id}>
          <button type="button" class="link-button" onClick={() => void open(f.id)}>
            {f.filename}
          </button>{' '}
          <span class="muted">· {formatSize(f.size)}</span>
        </li>
      ))}
      {problem && (
        <li class="field__error" role="alert">
          {problem}
        </li>
      )}
    </ul>
  );
}

const formatSize = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
