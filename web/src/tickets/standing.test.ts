import { describe, expect, it } from 'vitest';
import { applyPush, type Standing } from './standing';

const start: Standing = {
  status: 'new',
  priority: 'high',
  queue: {
    priority: 'high',
    position: 3,
    length: 5,
    label: '#3 of 5 in the High queue',
    estimate: { low_secs: 0, high_secs: 14400, basis: 'sla_target' },
  },
  asOf: '2026-12-01T10:00:00.000Z',
};

const push = (over: object) => ({
  type: 'ticket.position',
  topic: 'ticket:1',
  status: 'waiting',
  priority: 'high',
  in_queue: true,
  position: 2,
  length: 4,
  label: '#2 of 4 in the High queue',
  estimate: { low_secs: 600, high_secs: 3600, basis: 'history' },
  as_of: '2026-12-01T10:00:01.000Z',
  ...over,
});

describe('applyPush', () => {
  it('moves up the queue and keeps the known status on rank pushes', () => {
    const next = applyPush(start, push({}));
    expect(next.queue?.label).toBe('#2 of 4 in the High queue');
    expect(next.queue?.estimate.high_secs).toBe(3600);
    expect(next.status).toBe('new');
  });

  it('ignores pushes older than what is shown', () => {
    expect(applyPush(start, push({ as_of: '2026-12-01T09:59:59.000Z' }))).toBe(start);
  });

  it('leaves the queue when the ticket is no longer waiting', () => {
    const next = applyPush(
      start,
      push({ status: 'in_progress', in_queue: false, position: null, length: null, label: null, estimate: null }),
    );
    expect(next.queue).toBeNull();
    expect(next.status).toBe('in_progress');
  });

  it('ignores other message types', () => {
    expect(applyPush(start, { type: 'subscribed', topic: 'ticket:1' })).toBe(start);
  });
});
