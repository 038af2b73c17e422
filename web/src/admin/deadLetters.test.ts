import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import {
  countLabel,
  facts,
  groupByQueue,
  kindLabel,
  queueTitle,
  replayedSentence,
  replayError,
  replayTarget,
  type DeadLetter,
} from './deadLetters';

const letter = (fields: Partial<DeadLetter> & { message_id: string }): DeadLetter => ({
  queue: 'events',
  reason: 'consumer notifications: mailer unavailable',
  ...fields,
});

const unreadable = letter({
  message_id: '01JDEADLETTERE2E0000000000',
  reason: 'the message is not an event: expected value at line 1 column 1',
});
const created = letter({
  message_id: '01JB',
  event_id: '01JEVENT',
  kind: 'ticket.created',
  tenant_id: 'acme',
  occurred_at: '2026-12-02T08:59:00Z',
  consumer: 'notifications',
  failed_at: '2026-12-02T09:00:05Z',
  attempts: 5,
});

describe('groupByQueue', () => {
  it('gives every known queue a group, in order, even when it is clear', () => {
    expect(groupByQueue([])).toEqual([
      { queue: 'events', items: [] },
      { queue: 'email', items: [] },
    ]);
  });

  it('puts each message in its queue, newest failure first and those without a time last', () => {
    const older = letter({ message_id: 'A', failed_at: '2026-12-01T10:00:00Z' });
    const newer = letter({ message_id: 'B', failed_at: '2026-12-02T10:00:00Z' });
    const mail = letter({ message_id: 'M', queue: 'email', kind: 'mail.requested' });
    const groups = groupByQueue([unreadable, mail, older, newer]);
    expect(groups.map((g) => [g.queue, g.items.map((d) => d.message_id)])).toEqual([
      ['events', ['B', 'A', '01JDEADLETTERE2E0000000000']],
      ['email', ['M']],
    ]);
  });

  it('keeps a queue it does not know, after the known ones', () => {
    const groups = groupByQueue([letter({ message_id: 'X', queue: 'webhooks' }), created]);
    expect(groups.map((g) => g.queue)).toEqual(['events', 'email', 'webhooks']);
    expect(groups[2].items.map((d) => d.message_id)).toEqual(['X']);
  });

  it('leaves the list it was given alone', () => {
    const items = [letter({ message_id: 'A' }), letter({ message_id: 'B', failed_at: '2026-12-02T10:00:00Z' })];
    groupByQueue(items);
    expect(items.map((d) => d.message_id)).toEqual(['A', 'B']);
  });
});

describe('labels', () => {
  it('names queues and counts', () => {
    expect(queueTitle('events')).toBe('Events queue');
    expect(queueTitle('email')).toBe('Email queue');
    expect(countLabel(0)).toBe('0 messages');
    expect(countLabel(1)).toBe('1 message');
    expect(countLabel(7)).toBe('7 messages');
  });

  it('names a message by its kind, or as unreadable', () => {
    expect(kindLabel(created)).toBe('ticket.created');
    expect(kindLabel(unreadable)).toBe('Unreadable message');
    expect(replayTarget(created)).toBe('ticket.created message 01JB');
    expect(replayTarget(unreadable)).toBe('unreadable message 01JDEADLETTERE2E0000000000');
  });

  it('lists the known facts and leaves the unknown out', () => {
    expect(facts(created, (iso) => `at ${iso}`)).toEqual([
      ['Tenant', 'acme'],
      ['Happened', 'at 2026-12-02T08:59:00Z'],
      ['Last failed', 'at 2026-12-02T09:00:05Z'],
      ['Attempts', '5'],
      ['Consumer', 'notifications'],
      ['Event', '01JEVENT'],
    ]);
    expect(facts(unreadable)).toEqual([]);
    expect(facts(letter({ message_id: 'Z', attempts: 0 }))).toEqual([['Attempts', '0']]);
  });
});

describe('after a replay', () => {
  it('says how many went back to which queue', () => {
    expect(replayedSentence(1, 'events')).toBe('Replayed 1 message to the events queue.');
    expect(replayedSentence(3, 'email')).toBe('Replayed 3 messages to the email queue.');
    expect(replayedSentence(0, 'events')).toBe('Nothing was replayed: the events queue had no dead letters left.');
  });

  it('explains a message gone meanwhile, and passes other problems on', () => {
    const gone = new ApiError(404, { type: 'about:blank', title: 'Not found', status: 404 });
    expect(replayError(gone, '01JB')).toMatch(/^Message 01JB is no longer a dead letter/);
    expect(replayError(gone)).toBe('We couldn’t find that. It may have been removed, or you may not have access to it.');
    const refused = new ApiError(422, {
      type: 'about:blank',
      title: 'Invalid',
      status: 422,
      detail: 'queue: one of: events, email',
      errors: [{ field: 'queue', message: 'one of: events, email' }],
    });
    expect(replayError(refused, '01JB')).toBe('Choose a queue from the list.');
    expect(replayError('offline')).toBe('offline');
  });
});
