// The dashboards' message widgets (PRD section 5): recent conversations, unread messages and the
// notifications about messages (mentions and new messages), each linking into Messages.
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { timeAgo } from '../ui/format';
import { listConversations, type Conversation } from '../messaging/api';
import { NotificationList, type Notification, type QuickAction } from './widgets';

/** The person's conversations here, the most recently active first. */
export async function recentConversations(tenantId: string): Promise<Conversation[]> {
  return (await listConversations(tenantId)).items;
}

/** The latest notifications about messages: mentions and new messages, newest first. */
export async function messageNotifications(limit = 5): Promise<Notification[]> {
  const kinds = ['mention', 'message'] as const;
  const pages = await Promise.all(
    kinds.map(async (kind) => unwrap(await api.GET('/api/v1/notifications', { params: { query: { limit, kind } } })).items),
  );
  return pages
    .flat()
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .slice(0, limit);
}

const unreadLabel = (n: number) => (n === 1 ? '1 unread message' : `${n} unread messages`);

function ConversationLine({ c }: { c: Conversation }) {
  return (
    <>
      <a href={`/messages/${c.id}`}>{c.title}</a>{' '}
      {c.unread > 0 && (
        <span class="badge" aria-label={unreadLabel(c.unread)}>
          {c.unread}
        </span>
      )}{' '}
      <span class="muted">
        · {c.last_message_at ? <time dateTime={c.last_message_at}>{timeAgo(c.last_message_at)}</time> : 'no messages yet'}
      </span>
    </>
  );
}

export function RecentMessages({ items, max = 5 }: { items: Conversation[]; max?: number }) {
  const active = items.filter((c) => c.last_message_at).slice(0, max);
  if (!active.length) {
    return (
      <Empty>
        No messages yet. <a href="/messages/new">Start a conversation</a>
      </Empty>
    );
  }
  return (
    <ul class="list" aria-label="Recent conversations">
      {active.map((c) => (
        <li key={c.id}>
          <ConversationLine c={c} />
        </li>
      ))}
    </ul>
  );
}

export function UnreadMessages({ items, max = 5 }: { items: Conversation[]; max?: number }) {
  const unread = items.filter((c) => c.unread > 0);
  const total = unread.reduce((n, c) => n + c.unread, 0);
  if (!total) return <Empty>All caught up: no unread messages.</Empty>;
  const where = unread.length === 1 ? 'in 1 conversation' : `in ${unread.length} conversations`;
  return (
    <>
      <p>
        <strong>{unreadLabel(total)}</strong> {where}
      </p>
      <ul class="list" aria-label="Conversations with unread messages">
        {unread.slice(0, max).map((c) => (
          <li key={c.id}>
            <ConversationLine c={c} />
          </li>
        ))}
      </ul>
      {unread.length > max && <a href="/messages">All conversations</a>}
    </>
  );
}

export function MessageNotifications({ items }: { items: Notification[] }) {
  if (!items.length) return <Empty>No mentions or new messages.</Empty>;
  return <NotificationList items={items} />;
}

/** "View messages", with the unread count in its name when there are any. */
export function viewMessages(unread: number): QuickAction {
  return { href: '/messages', label: unread ? `View messages (${unread} unread)` : 'View messages', icon: 'chat' };
}

/** "Message client": starts a conversation with a client. */
export const messageClient: QuickAction = { href: '/messages/new', label: 'Message client', icon: 'chat' };
