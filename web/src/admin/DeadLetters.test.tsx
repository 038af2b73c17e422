import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import DeadLetters from './DeadLetters';
import type { DeadLetter } from './deadLetters';

const api = vi.hoisted(() => ({ GET: vi.fn(), POST: vi.fn() }));
vi.mock('../api/client', () => ({ api }));

const answer = (status: number, body: unknown) =>
  status < 400 ? { data: body, response: new Response(null, { status }) } : { error: body, response: new Response(null, { status }) };

const unreadable: DeadLetter = {
  queue: 'events',
  message_id: '01JDEAD',
  reason: 'the message is not an event: expected value at line 1 column 1',
};
const mail: DeadLetter = {
  queue: 'email',
  message_id: '01JMAIL',
  event_id: '01JEVENT',
  kind: 'mail.requested',
  tenant_id: 'acme',
  consumer: 'mailer',
  failed_at: '2026-12-02T09:00:05Z',
  attempts: 5,
  reason: 'mailer: SMTP unavailable',
};

afterEach(() => vi.resetAllMocks());

describe('DeadLetters', () => {
  it('groups the messages by queue, with their reason and a replay button each', async () => {
    api.GET.mockResolvedValue(answer(200, { items: [unreadable, mail] }));
    render(<DeadLetters />);
    const events = await screen.findByRole('region', { name: 'Events queue 1 message' });
    within(events).getByRole('heading', { level: 3, name: 'Unreadable message' });
    within(events).getByText(/not an event/);
    within(events).getByRole('button', { name: 'Replay unreadable message 01JDEAD' });
    const email = screen.getByRole('region', { name: 'Email queue 1 message' });
    within(email).getByRole('heading', { level: 3, name: 'mail.requested' });
    within(email).getByText('mailer: SMTP unavailable');
    within(email).getByText('acme');
    within(email).getByText('5');
    within(email).getByRole('button', { name: 'Replay all dead letters of the email queue' });
    expect(api.GET).toHaveBeenCalledWith('/api/v1/operations/dead-letters');
  });

  it('says when nothing is dead', async () => {
    api.GET.mockResolvedValue(answer(200, { items: [] }));
    render(<DeadLetters />);
    await screen.findByText('No dead letters: every message was delivered.');
    expect(screen.queryByRole('button', { name: /^Replay/ })).toBeNull();
  });

  it('replays one message, says so politely and reloads the list', async () => {
    api.GET.mockResolvedValueOnce(answer(200, { items: [unreadable, mail] })).mockResolvedValueOnce(answer(200, { items: [mail] }));
    api.POST.mockResolvedValue(answer(200, { replayed: 1 }));
    render(<DeadLetters />);
    fireEvent.click(await screen.findByRole('button', { name: 'Replay unreadable message 01JDEAD' }));
    const said = await screen.findByText('Replayed 1 message to the events queue.');
    expect(said.closest('[aria-live="polite"]')).not.toBeNull();
    expect(api.POST).toHaveBeenCalledWith('/api/v1/operations/dead-letters/replay', { body: { queue: 'events', message_id: '01JDEAD' } });
    await waitFor(() => expect(screen.queryByText(/not an event/)).toBeNull());
    const events = screen.getByRole('region', { name: 'Events queue 0 messages' });
    expect((within(events).getByRole('button', { name: /^Replay all/ }) as HTMLButtonElement).disabled).toBe(true);
    // The pressed button went with its message: focus stays in its queue's group.
    await waitFor(() => expect(document.activeElement).toBe(within(events).getByRole('heading', { level: 2 })));
  });

  it('replays a whole queue without naming a message', async () => {
    api.GET.mockResolvedValue(answer(200, { items: [mail] }));
    api.POST.mockResolvedValue(answer(200, { replayed: 1 }));
    render(<DeadLetters />);
    fireEvent.click(await screen.findByRole('button', { name: 'Replay all dead letters of the email queue' }));
    await screen.findByText('Replayed 1 message to the email queue.');
    expect(api.POST).toHaveBeenCalledWith('/api/v1/operations/dead-letters/replay', { body: { queue: 'email', message_id: null } });
  });

  it('explains a message that is no longer dead, and reloads', async () => {
    api.GET.mockResolvedValueOnce(answer(200, { items: [unreadable] })).mockResolvedValueOnce(answer(200, { items: [] }));
    api.POST.mockResolvedValue(answer(404, { type: 'about:blank', title: 'Not found', status: 404 }));
    render(<DeadLetters />);
    fireEvent.click(await screen.findByRole('button', { name: 'Replay unreadable message 01JDEAD' }));
    await screen.findByText(/Message 01JDEAD is no longer a dead letter/);
    await screen.findByText('No dead letters: every message was delivered.');
    // No group is left to keep focus in: it goes to what was said.
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('status'));
  });

  it('shows why the list could not be read', async () => {
    api.GET.mockResolvedValue(answer(403, { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Only super admins.' }));
    render(<DeadLetters />);
    expect((await screen.findByText('You don’t have permission to do that.')).getAttribute('role')).toBe('alert');
  });
});
