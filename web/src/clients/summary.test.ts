import { describe, expect, it } from 'vitest';
import type { Ticket } from '../tickets/api';
import { byClient } from './summary';

const ticket = (id: string, org_id: string, waiting: boolean) =>
  ({
    id,
    org_id,
    queue: waiting
      ? {
          position: 1,
          length: 1,
          priority: 'high',
          label: '#1 of 1 in the High queue',
          estimate: { low_secs: 0, high_secs: 60, basis: 'sla_target' },
        }
      : null,
  }) as unknown as Ticket;

describe('byClient', () => {
  it('counts open and waiting tickets per organization, busiest first', () => {
    const orgs = [
      { id: 'a', name: 'Alpha' },
      { id: 'b', name: 'Beta' },
      { id: 'c', name: 'Gamma' },
    ];
    const rows = byClient(orgs, [ticket('1', 'b', true), ticket('2', 'b', false), ticket('3', 'a', false)]);
    expect(rows.map((r) => [r.org.name, r.open, r.waiting.length])).toEqual([
      ['Beta', 2, 1],
      ['Alpha', 1, 0],
      ['Gamma', 0, 0],
    ]);
  });
});
