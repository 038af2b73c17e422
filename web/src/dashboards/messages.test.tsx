import { render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../messaging/api';
import type { Notification } from './widgets';

const api = vi.hoisted(() => ({ GET: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));

import { messageNotifications, MessageNotifications, RecentMessages, UnreadMessages, viewMessages } from './messages';

const ok = (body: unknown) => ({ data: body, response: new Response(null, { status: 200 }) });

const conv = (id: string, change: Partial<Conversation> = {}): Conversation =>
  ({
    id,
    title: `Conversation ${id}`,
    kind: 'direct',
    members: ['u1', 'u2'],
    created_by: 'u1',
    created_at: '2026-03-01T09:00:00Z',
    last_read_seq: 0,
    last_seq: 0,
    unread: 0,
    last_message_at: '2026-03-01T10:00:00Z',
    ...change,
  }) as Conversation;

const note = (id: string, created_at: string, kind: string): Notification =>
  ({ id, kind, title: `Note ${id}`, body: 'Hello', link: `/messages/t/${id}`, created_at, read_at: null }) as unknown as Notification;

afterEach(() => vi.resetAllMocks());

describe('message widgets', () => {
  it('lists recent conversations with unread counts, linking into Messages', () => {
    render(<RecentMessages items={[conv('c1', { unread: 3, title: 'Pat Partner' }), conv('c2'), conv('c3', { last_message_at: null })]} />);
    const list = screen.getByRole('list', { name: 'Recent conversations' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByRole('link', { name: 'Pat Partner' }).getAttribute('href')).toBe('/messages/c1');
    within(items[0]).getByLabelText('3 unread messages');
  });

  it('says plainly when there are no messages yet, with a way to start one', () => {
    render(<RecentMessages items={[]} />);
    expect(screen.getByRole('link', { name: 'Start a conversation' }).getAttribute('href')).toBe('/messages/new');
  });

  it('sums the unread messages and lists where they are', () => {
    render(<UnreadMessages items={[conv('c1', { unread: 3 }), conv('c2'), conv('c3', { unread: 1 })]} />);
    screen.getByText('4 unread messages');
    screen.getByText('in 2 conversations');
    expect(within(screen.getByRole('list', { name: 'Conversations with unread messages' })).getAllByRole('listitem')).toHaveLength(2);
  });

  it('is all caught up without unread messages', () => {
    render(<UnreadMessages items={[conv('c1')]} />);
    screen.getByText('All caught up: no unread messages.');
  });

  it('merges mentions and new messages, newest first', async () => {
    api.GET.mockImplementation(async (_: string, init: { params: { query: { kind: string } } }) =>
      init.params.query.kind === 'mention'
        ? ok({ items: [note('m1', '2026-03-01T10:05:00Z', 'mention')] })
        : ok({ items: [note('n1', '2026-03-01T10:09:00Z', 'message'), note('n2', '2026-03-01T09:00:00Z', 'message')] }),
    );
    const items = await messageNotifications(2);
    expect(items.map((n) => n.id)).toEqual(['n1', 'm1']);
    render(<MessageNotifications items={items} />);
    screen.getByRole('link', { name: 'Note n1' });
    render(<MessageNotifications items={[]} />);
    screen.getByText('No mentions or new messages.');
  });

  it('names the unread count on "View messages"', () => {
    expect(viewMessages(0).label).toBe('View messages');
    expect(viewMessages(4).label).toBe('View messages (4 unread)');
  });
});
