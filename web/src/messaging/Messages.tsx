// Messages: the conversations of the person signed in (most recently active first, with unread
// counts) and, on choosing one, its messages. On a phone the list and the conversation are
// separate views; from 48rem they sit side by side. /messages/new starts a conversation.
import { useEffect } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { user } from '../app/session';
import { timeAgo } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { listConversations, type Conversation } from './api';
import { ConversationView } from './ConversationView';
import { NewConversation } from './NewConversation';
import { loadPresence, PresenceDot } from './presence';
import { MyPresence } from './MyPresence';
import './messaging.css';

export default function Messages() {
  const { params } = useRoute();
  const selected = (params as { conversationId?: string }).conversationId;
  const tenantId = user.value!.tenant;
  const list = useResource(() => listConversations(tenantId), [tenantId]);
  const reload = () => list.reload();
  const me = user.value!.id;
  const others = (list.data?.items ?? []).filter((c) => c.kind === 'direct').map((c) => c.members.find((m) => m !== me) ?? '');
  const key = others.join(',');
  useEffect(() => {
    if (!key) return;
    const load = () => void loadPresence(tenantId, key.split(','));
    load();
    const timer = window.setInterval(load, 60_000);
    return () => window.clearInterval(timer);
  }, [tenantId, key]);

  return (
    <Page
      title="Messages"
      actions={
        <>
          <MyPresence />
          <a class="button" href="/messages/new">
            New conversation
          </a>
        </>
      }
    >
      <div class={selected ? 'chat chat--open' : 'chat'}>
        <nav class="chat__list panel" aria-label="Conversations">
          {list.error && <ErrorNote error={list.error} />}
          {!list.data && !list.error && <Loading />}
          {list.data && <ConversationList items={list.data.items} selected={selected} />}
        </nav>
        <div class="chat__view">
          {selected && (
            <a class="chat__back" href="/messages">
              ← All conversations
            </a>
          )}
          {selected === 'new' ? (
            <NewConversation tenantId={tenantId} onStarted={reload} />
          ) : selected ? (
            <ConversationView key={selected} tenantId={tenantId} id={selected} onChanged={reload} />
          ) : (
            <p class="empty chat__hint">Choose a conversation, or start a new one.</p>
          )}
        </div>
      </div>
    </Page>
  );
}

export function ConversationList({ items, selected }: { items: Conversation[]; selected?: string }) {
  if (!items.length) return <p class="empty">No conversations yet.</p>;
  return (
    <ul class="list chat__conversations">
      {items.map((c) => (
        <li key={c.id}>
          <a
            class={c.unread ? 'chat__item chat__item--unread' : 'chat__item'}
            href={`/messages/${c.id}`}
            aria-current={c.id === selected ? 'page' : undefined}
          >
            <span class="chat__title">
              {c.kind === 'channel' && <span aria-label="Channel">#</span>}
              {c.title}
              {c.kind === 'direct' && <PresenceDot userId={c.members.find((m) => m !== user.value?.id) ?? ''} />}
            </span>
            {c.unread > 0 && (
              <span class="badge chat__unread">
                {c.unread}
                <span class="visually-hidden"> unread</span>
              </span>
            )}
            <span class="chat__when muted">
              {c.last_message_at ? <time dateTime={c.last_message_at}>{timeAgo(c.last_message_at)}</time> : 'No messages yet'}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}
