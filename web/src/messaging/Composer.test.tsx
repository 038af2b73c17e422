import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { me, role as _role, type Me } from '../app/session';
import type { Conversation } from './api';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn(), PATCH: vi.fn(), PUT: vi.fn() }));
vi.mock('../api/client', () => ({ api, onSignedOut: () => () => {} }));
const socket = vi.hoisted(() => ({ publish: vi.fn(), handlers: new Map<string, (m: unknown) => void>() }));
vi.mock('../live/socket', () => ({
  live: () => ({
    subscribe: (topic: string, h: (m: unknown) => void) => {
      socket.handlers.set(topic, h);
      return () => socket.handlers.delete(topic);
    },
    publish: socket.publish,
  }),
}));
const uploads = vi.hoisted(() => ({ xhrSend: vi.fn() }));
vi.mock('../tickets/uploads', async (original) => ({
  ...(await original<typeof import('../tickets/uploads')>()),
  xhrSend: uploads.xhrSend,
}));

import { Composer } from './Composer';
import { MembersPanel } from './MembersPanel';
import { candidates, insertMention, mentionAt, mentioned } from './mentions';
import { loadPresence, PresenceDot, presence } from './presence';
import { typingLine, useTyping } from './typing';

void _role;
const ok = (body: unknown, status = 200) => ({ data: body, response: new Response(null, { status, headers: { ETag: '"3"' } }) });

const people = [
  { id: 'u1', name: 'Pat Partner', role: 'partner' as const },
  { id: 'u2', name: 'Dana Globex', role: 'client' as const },
  { id: 'u3', name: 'Dan Brown', role: 'client' as const },
];
const conversation = (change: Partial<Conversation> = {}): Conversation =>
  ({
    id: 'c1',
    title: 'Launch',
    kind: 'group',
    members: ['u1', 'u2', 'u3'],
    people,
    created_by: 'u1',
    created_at: '2026-03-01T09:00:00Z',
    unread: 0,
    last_seq: 0,
    last_read_seq: 0,
    ...change,
  }) as Conversation;

const signIn = (role: string, id = 'u1') => {
  me.value = { user: { id, role, tenant: 'acme', name: 'Pat Partner' }, organizations: [] } as unknown as Me;
};

afterEach(() => {
  vi.resetAllMocks();
  presence.value = {};
});

describe('mentions', () => {
  it('finds the word typed after an @ and puts the chosen name in its place', () => {
    expect(mentionAt('Hi @da', 6)).toEqual({ start: 3, text: 'da' });
    expect(mentionAt('mail@example', 12)).toBeNull();
    expect(candidates(people, 'da').map((p) => p.name)).toEqual(['Dana Globex', 'Dan Brown']);
    expect(candidates(people, 'bro').map((p) => p.name)).toEqual(['Dan Brown']);
    expect(insertMention('Hi @da!', { start: 3, text: 'da' }, 6, 'Dana Globex')).toEqual({ value: 'Hi @Dana Globex !', caret: 16 });
    expect(mentioned('Thanks @Dana Globex', people)).toEqual(['u2']);
  });

  it('offers members as you type @, picks by keyboard, and sends their ids; typing is told', async () => {
    signIn('partner');
    api.POST.mockResolvedValue(ok({ seq: 1 }, 201));
    const onSent = vi.fn().mockResolvedValue(undefined);
    const textarea = { current: null as HTMLTextAreaElement | null };
    render(
      <Composer
        tenantId="acme"
        conversation={conversation()}
        replyTo={null}
        onCancelReply={() => {}}
        textarea={textarea}
        onSent={onSent}
        nameOf={(u) => u}
      />,
    );
    const box = screen.getByRole('combobox', { name: 'Message' }) as HTMLTextAreaElement;
    box.value = 'Hello @da';
    box.setSelectionRange(9, 9);
    fireEvent.input(box, { target: { value: 'Hello @da' } });
    expect(socket.publish).toHaveBeenCalledWith({ type: 'typing', topic: 'conversation:c1' });
    const list = screen.getByRole('listbox', { name: 'People to mention' });
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Dana Globex', 'Dan Brown']);
    expect(box.getAttribute('aria-expanded')).toBe('true');
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(within(list).getByRole('option', { name: 'Dan Brown' }).getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(box.value).toBe('Hello @Dan Brown ');
    expect(screen.getByRole('listbox', { hidden: true }).hidden).toBe(true);
    fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await waitFor(() =>
      expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages', {
        params: { path: { tenant_id: 'acme', conversation_id: 'c1' } },
        body: { body: 'Hello @Dan Brown ', mentions: ['u3'] },
      }),
    );
  });

  it('uploads picked files at once and sends them with the message', async () => {
    signIn('partner');
    api.POST.mockImplementation(async (path: string) => {
      if (path.endsWith('/attachments'))
        return ok({ attachment: { id: 'f1' }, upload: { url: 'http://blobs/x', method: 'PUT', headers: [] } }, 201);
      if (path.endsWith('/complete')) return ok({ id: 'f1', filename: 'brief.pdf', ready: true });
      return ok({ seq: 2 }, 201);
    });
    uploads.xhrSend.mockResolvedValue(undefined);
    render(
      <Composer
        tenantId="acme"
        conversation={conversation()}
        replyTo={null}
        onCancelReply={() => {}}
        textarea={{ current: null }}
        onSent={async () => {}}
        nameOf={(u) => u}
      />,
    );
    const file = new File(['%PDF'], 'brief.pdf', { type: 'application/pdf' });
    fireEvent.change(screen.getByLabelText('Attach files'), { target: { files: [file] } });
    const files = await screen.findByRole('list', { name: 'Files to send' });
    await within(files).findByText(/ready/);
    expect(api.POST).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/attachments', {
      params: { path: { tenant_id: 'acme', conversation_id: 'c1' } },
      body: { filename: 'brief.pdf', content_type: 'application/pdf', size: 4 },
    });
    fireEvent.input(screen.getByRole('combobox', { name: 'Message' }), { target: { value: 'The brief' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() =>
      expect(api.POST).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages', {
        params: { path: { tenant_id: 'acme', conversation_id: 'c1' } },
        body: { body: 'The brief', attachments: ['f1'] },
      }),
    );
  });
});

describe('members, presence and typing', () => {
  it('lets whoever manages a group add and remove people, and shows the server’s refusal', async () => {
    signIn('partner');
    api.GET.mockImplementation(async (path: string) =>
      path.endsWith('/contacts') ? ok({ items: [{ id: 'u4', name: 'Olga Initech', role: 'client' }] }) : ok(conversation()),
    );
    api.PATCH.mockResolvedValueOnce({
      error: { status: 422, title: 'Invalid', errors: [{ field: 'members[0]', message: 'is a client of another organization' }] },
      response: new Response(null, { status: 422 }),
    });
    api.PATCH.mockResolvedValueOnce(ok(conversation()));
    const onChanged = vi.fn();
    render(<MembersPanel tenantId="acme" conversation={conversation()} onChanged={onChanged} />);
    const members = screen.getByRole('list', { name: 'Members' });
    expect(within(members).getAllByRole('listitem')).toHaveLength(3);
    fireEvent.input(screen.getByLabelText('Add people'), { target: { value: 'olg' } });
    fireEvent.click(await screen.findByRole('button', { name: 'Add Olga Initech' }));
    await screen.findByRole('alert');
    fireEvent.click(within(members).getByRole('button', { name: 'Remove Dan Brown' }));
    await waitFor(() =>
      expect(api.PATCH).toHaveBeenLastCalledWith('/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/members', {
        params: { path: { tenant_id: 'acme', conversation_id: 'c1' }, header: { 'If-Match': '"3"' } },
        body: { remove: ['u3'] },
      }),
    );
    expect(onChanged).toHaveBeenCalled();
  });

  it('shows no buttons to someone who does not manage the group', () => {
    signIn('client', 'u2');
    render(<MembersPanel tenantId="acme" conversation={conversation()} onChanged={() => {}} />);
    expect(screen.queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(screen.queryByLabelText('Add people')).toBeNull();
  });

  it('shows presence in words beside names', async () => {
    api.GET.mockResolvedValue(ok({ people: [{ user_id: 'u2', status: 'do_not_disturb' }] }));
    await loadPresence('acme', ['u2', 'u2']);
    expect(api.GET).toHaveBeenCalledWith('/api/v1/tenants/{tenant_id}/presence', {
      params: { path: { tenant_id: 'acme' }, query: { users: 'u2' } },
    });
    render(<PresenceDot userId="u2" />);
    screen.getByText('Do not disturb');
  });

  it('says who is typing, not oneself', async () => {
    signIn('partner');
    expect(typingLine(['Dana'])).toBe('Dana is typing…');
    expect(typingLine(['Dana', 'Dan'])).toBe('Dana and Dan are typing…');
    let seen: string[] = [];
    function Probe() {
      seen = useTyping('c1');
      return null;
    }
    render(<Probe />);
    socket.handlers.get('conversation:c1')?.({ type: 'typing', user: 'u1' });
    socket.handlers.get('conversation:c1')?.({ type: 'typing', user: 'u2' });
    await waitFor(() => expect(seen).toEqual(['u2']));
  });
});
