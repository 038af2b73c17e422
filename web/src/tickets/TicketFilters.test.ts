import { describe, expect, it } from 'vitest';
import { apiQuery, filtersFrom, filtersQuery } from './TicketFilters';
import { OPEN_STATUSES } from './labels';

describe('ticket filters', () => {
  it('defaults to open tickets of every client and priority', () => {
    const f = filtersFrom({});
    expect(f).toEqual({ org_id: '', status: OPEN_STATUSES, priority: '', requester_id: '', tenant: '' });
    expect(filtersQuery(f)).toBe('');
    expect(apiQuery(f)).toEqual({ org_id: undefined, status: OPEN_STATUSES, priority: undefined, requester_id: undefined });
  });

  it('round-trips through the URL', () => {
    const f = { org_id: 'o1', status: 'resolved', priority: 'high', requester_id: 'u1', tenant: 't1' };
    const query = Object.fromEntries(new URLSearchParams(filtersQuery(f)));
    expect(filtersFrom(query)).toEqual(f);
  });

  it('sends no status for "any status"', () => {
    expect(apiQuery({ org_id: '', status: 'all', priority: '', requester_id: '', tenant: '' }).status).toBeUndefined();
  });
});
