import { describe, expect, it } from 'vitest';
import type { Ticket } from './api';
import { bulkBatches, describeChange, failureReason, summarizeBulk, type BulkItem } from './bulk';

const ok = (id: string, number: string): BulkItem => ({ ticket_id: id, status: 200, ticket: { id, number } as Ticket, problem: null });
const numbers = new Map([
  ['a', 'ACME-1001'],
  ['b', 'ACME-1002'],
  ['c', 'KT-1001'],
]);

describe('summarizeBulk', () => {
  it('says which changed and why each other one did not, in order', () => {
    const results: BulkItem[] = [
      ok('a', 'ACME-1001'),
      {
        ticket_id: 'b',
        status: 422,
        problem: {
          type: 'https://kt-portal.dev/problems/invalid',
          title: 'Some fields are not valid',
          status: 422,
          detail: 'status: a Closed ticket cannot change status',
          errors: [{ field: 'status', message: 'a Closed ticket cannot change status' }],
        },
      },
      {
        ticket_id: 'c',
        status: 412,
        problem: { type: 'x', title: 'It changed since you read it', status: 412, detail: 'Reload and apply your change again.' },
      },
      { ticket_id: 'zz', status: 404, problem: { type: 'x', title: 'Not found', status: 404 } },
    ];
    const s = summarizeBulk(results, (id) => numbers.get(id), 'Status Open');
    expect(s.changed).toBe(1);
    expect(s.failed).toBe(3);
    expect(s.headline).toBe('Status Open: 1 ticket changed, 3 failed.');
    expect(s.outcomes.map((o) => [o.number, o.ok, o.reason])).toEqual([
      ['ACME-1001', true, undefined],
      ['ACME-1002', false, 'A closed ticket cannot change status.'],
      ['KT-1001', false, 'It changed meanwhile. Try again.'],
      ['zz', false, 'It was not found, or is not yours to change.'],
    ]);
  });

  it('words all-changed and none-changed headlines', () => {
    expect(summarizeBulk([ok('a', 'ACME-1001'), ok('b', 'ACME-1002')], () => undefined, 'Priority High').headline).toBe(
      'Priority High: 2 tickets changed.',
    );
    const none = summarizeBulk(
      [{ ticket_id: 'a', status: 0, problem: { type: 'about:blank', title: 'The portal could not be reached.', status: 0 } }],
      (id) => numbers.get(id),
    );
    expect(none.headline).toBe('No ticket changed; 1 ticket failed.');
    expect(none.outcomes[0].reason).toBe('The portal could not be reached. Check your connection and try again.');
  });
});

describe('failureReason', () => {
  it('prefers the field messages, then a sentence for the status', () => {
    expect(
      failureReason(
        {
          type: 'x',
          title: 'T',
          status: 422,
          errors: [
            { field: 'status', message: 'a Closed ticket cannot change status' },
            { field: 'priority', message: 'use one of low, medium, high, critical' },
          ],
        },
        422,
      ),
    ).toBe('A closed ticket cannot change status. Choose a priority.');
    expect(failureReason({ type: 'x', title: 'Conflict', status: 409, detail: 'this ticket was already merged into another' }, 409)).toBe(
      'This ticket was already merged into another.',
    );
    expect(failureReason(null, 412)).toBe('It changed meanwhile. Try again.');
    expect(failureReason({ type: 'x', title: 'You may not do this', status: 403 }, 403)).toBe('You don’t have permission to do that.');
    expect(failureReason(undefined, 500)).toBe('Something went wrong on our side. Try again in a moment.');
  });
});

describe('bulkBatches and describeChange', () => {
  it('sends one call per tenant of at most 100 tickets, each once, in the order chosen', () => {
    const chosen = [
      { id: '1', tenant_id: 'acme' },
      { id: '2', tenant_id: 'kt' },
      { id: '3', tenant_id: 'acme' },
      { id: '1', tenant_id: 'acme' },
    ];
    expect(bulkBatches(chosen)).toEqual([
      { tenant_id: 'acme', ids: ['1', '3'] },
      { tenant_id: 'kt', ids: ['2'] },
    ]);
    const many = Array.from({ length: 205 }, (_, i) => ({ id: `t${i}`, tenant_id: 'acme' }));
    expect(bulkBatches(many).map((b) => b.ids.length)).toEqual([100, 100, 5]);
  });

  it('names the change', () => {
    expect(describeChange({ priority: 'high' })).toBe('Priority High');
    expect(describeChange({ status: 'in_progress', assignee_id: 'me' }, 'me')).toBe('Status In progress, Assigned to you');
    expect(describeChange({ assignee_id: null })).toBe('Unassigned');
  });
});
