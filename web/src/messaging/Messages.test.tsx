import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { LocationProvider, Route, Router } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, type Me } from '../app/session';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), DELETE: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));
vi.mock('../live/socket', () => ({ live: () => ({ subscribe: () => () => {}, publish: () => {} }) }));

import Messages from './Messages';
import { merge, threads } from './thread';
import type { ChatMessage } from './api';

const ok = (body: unknown, status = 200) => ({ data: body, response: new Response(null, { status }) });
const problem = (status: number, errors: { field: string; message: string }[]) => ({
  error: { type: 'invalid', title: 'Invalid', status, errors },
  response: new Response(null, { status }),
});

const conv = (id: string, change: object = {}) => ({
  id,
  title: `Conversation ${id}`,
  kind: 'direct',
  unread: 0,
  last_message_at: '2026-03-01T10:00:00Z',
  last_seq: 2,
  last_read_seq: 0,
  members: ['u1', 'u2'],
  created_by: 'u1',
  created_at: '2026-03-01T09:00:00Z',
  people: [
    { id: 'u1', name: 'Pat Partner', role: 'partner' },
    { id: 'u2', name: 'Dana Globex', role: 'client' },
  ],
  ...change,
});

const msg = (seq: number, change: Partial<ChatMessage> = {}): ChatMessage => ({
  seq,
  author_id: 'u2',
  body: `Message ${seq}`,
  html: `<p>Message ${seq}</p>`,
  parent: null,
  mentions: [],
  attachments: [],
  reactions: [],
  edits: 0,
  edited_at: null,
  deleted: false,
  automatic: false,
  at: '2026-03-01T10:00:00Z',
  ...change,
});

function open(url: string) {
  me.value = { user: { id: 'u1', role: 'partner', tenant: 'acme', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
  history.replaceState(null, '', url);
  render(
    <LocationProvider>
      <Router>
        <Route path="/messages" component={Messages} />
        <Route path="/messages/:conversationId" component={Messages} />
      </Router>
    </LocationProvider>,
  );
}

/** Answers GETs by path; the newest page holds `messages`, newest first as the API sends them. */
function serve(messages: ChatMessage[], list = [conv('c1', { unread: 2 }), conv('c2')]) {
  api.GET.mockImplementation(async (path: string, o: { params: { query?: { before?: number } } }) => {
    if (path.endsWith('/conversations')) return ok({ items: list, next_cursor: null });
    if (path.endsWith('/unread')) return ok({ total: 2, conversations: 1 });
    if (path.endsWith('/contacts')) return ok({ items: [conv('x').people[1], { id: 'u3', name: 'Ivy Initech', role: 'client' }] });
    if (path.endsWith('/messages')) {
      const before = o.params.query?.before;
      const items = messages.filter((m) => !before || m.seq < before).sort((a, b) => b.seq - a.seq);
      return ok({ items, more: false });
    }
    return ok(conv('c1'));
  });
}

afterEach(() => {
  cleanup();
  vi.resetAllMocks();
  me.value = undefined;
});

describe('threads', () => {
  it('orders messages oldest first with replies under their root', () => {
    const all = merge([msg(3, { parent: 1 }), msg(2)], [msg(1), msg(3, { parent: 1, body: 'edited' })]);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(all[2].body).toBe('edited');
    expect(threads(all).map((t) => [t.root.seq, t.replies.map((r) => r.seq)])).toEqual([
      [1, [3]],
      [2, []],
    ]);
  });
});

describe('Messages', () => {
  it('lists conversations with their unread counts', async () => {
    serve([]);
    open('/messages');
    const nav = await screen.findByRole('navigation', { name: 'Conversations' });
    const first = await within(nav).findByRole('link', { name: /Conversation c1/ });
    expect(first.textContent).toContain('2 unread');
    expect(within(nav).getByRole('link', { name: /Conversation c2/ }).textContent).not.toContain('unread');
    expect(screen.getByText('Choose a conversation, or start a new one.')).toBeTruthy();
  });

  it('shows a conversation oldest first, marks it read and sends a message', async () => {
    serve([msg(1), msg(2, { parent: 1, author_id: 'u1', edited_at: '2026-03-01T11:00:00Z' }), msg(3, { deleted: true, html: '' })]);
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/read') ? ok({ unread: 0 }) : ok(msg(4, { author_id: 'u1' }), 201),
    );
    open('/messages/c1');
    const list = await screen.findByRole('list', { name: 'Messages' });
    const articles = within(list).getAllByRole('article');
    expect(articles.map((a) => a.textContent)).toEqual([
      expect.stringContaining('Message 1'),
      expect.stringContaining('Message 2'),
      expect.stringContaining('Message deleted'),
    ]);
    expect(within(list).getByRole('list', { name: 'Replies to Dana Globex' }).textContent).toContain('edited');
    await waitFor(() =>
      expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/read', {
        params: { path: { tenant_id: 'acme', conversation_id: 'c1' } },
        body: { seq: 3 },
      }),
    );
    // Own messages can be edited and deleted; others' only reacted to and answered.
    expect(within(articles[1]).getByRole('button', { name: 'Edit' })).toBeTruthy();
    expect(within(articles[0]).queryByRole('button', { name: 'Edit' })).toBeNull();

    fireEvent.click(within(articles[0]).getByRole('button', { name: 'Reply' }));
    expect(screen.getByText(/Replying to Dana Globex/)).toBeTruthy();
    const box = screen.getByLabelText('Reply');
    fireEvent.input(box, { target: { value: 'On it' } });
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() =>
      expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages', {
        params: { path: { tenant_id: 'acme', conversation_id: 'c1' } },
        body: { body: 'On it', parent: 1 },
      }),
    );
    await waitFor(() => expect((screen.getByLabelText('Message') as HTMLTextAreaElement).value).toBe(''));
  });

  it('shows the server’s errors by field', async () => {
    serve([msg(1)]);
    api.POST.mockImplementation(async (path: string) =>
      path.endsWith('/read')
        ? ok({ unread: 0 })
        : problem(422, [
            { field: 'body', message: 'write 1 to 10000 characters' },
            { field: 'parent', message: "answer the thread's first message" },
          ]),
    );
    open('/messages/c1');
    const box = await screen.findByLabelText('Message');
    fireEvent.input(box, { target: { value: 'x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Write a message of at most 10,000 characters.')).toBeTruthy();
    expect(box.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe('Reply to the first message of the thread.');
  });

  it('starts a direct conversation with one person, a named group with several', async () => {
    serve([]);
    api.POST.mockResolvedValueOnce(problem(422, [{ field: 'members[0]', message: 'is a client of another organization' }]));
    api.POST.mockResolvedValue(ok(conv('c9'), 201));
    open('/messages/new');
    const form = await screen.findByRole('form', { name: 'New conversation' });
    fireEvent.input(within(form).getByLabelText('Find people'), { target: { value: 'dan' } });
    await waitFor(() =>
      expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/conversations/contacts', {
        params: { path: { tenant_id: 'acme' }, query: { q: 'dan', limit: 20 } },
      }),
    );
    fireEvent.click(await within(form).findByRole('checkbox', { name: /Dana Globex/ }));
    fireEvent.click(within(form).getByRole('checkbox', { name: /Ivy Initech/ }));
    // A group needs a name: the app asks before sending.
    fireEvent.click(within(form).getByRole('button', { name: 'Start conversation' }));
    expect(await within(form).findByText('Write a name for the group.')).toBeTruthy();
    expect(api.POST).not.toHaveBeenCalled();

    fireEvent.input(within(form).getByLabelText('Group name'), { target: { value: 'Launch' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Start conversation' }));
    expect(await within(form).findByText('Clients of different organizations cannot share a conversation.')).toBeTruthy();
    expect(api.POST).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/conversations', {
      params: { path: { tenant_id: 'acme' } },
      body: { kind: 'group', members: ['u2', 'u3'], name: 'Launch' },
    });

    fireEvent.click(within(form).getByRole('checkbox', { name: /Ivy Initech/ }));
    expect(within(form).getByText('A direct conversation with Dana Globex.')).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: 'Start conversation' }));
    await waitFor(() =>
      expect(api.POST).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/conversations', {
        params: { path: { tenant_id: 'acme' } },
        body: { kind: 'direct', members: ['u2'] },
      }),
    );
    await waitFor(() => expect(location.pathname).toBe('/messages/c9'));
  });
});
