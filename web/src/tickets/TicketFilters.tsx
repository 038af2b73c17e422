// Filters for ticket lists, kept in the URL so a filtered view can be shared and reloaded.
import { SelectField } from '../ui/Field';
import type { Org } from './orgs';
import { isPriority, OPEN_STATUSES, PRIORITIES, STATUSES } from './labels';

export interface Filters {
  org_id: string;
  status: string;
  priority: string;
  /** One person's tickets (from a ticket page's "their other tickets"). */
  requester_id: string;
  /** Another tenant's tickets (house staff following a requester of a partner's portal). */
  tenant: string;
}

export const STATUS_FILTERS = [{ value: OPEN_STATUSES, label: 'All open' }, ...STATUSES, { value: 'all', label: 'Any status' }];

export function filtersFrom(query: Record<string, string | undefined>): Filters {
  return {
    org_id: query.org_id ?? '',
    status: query.status ?? OPEN_STATUSES,
    priority: query.priority ?? '',
    requester_id: query.requester_id ?? '',
    tenant: query.tenant ?? '',
  };
}

export function filtersQuery(f: Filters): string {
  const q = new URLSearchParams();
  if (f.org_id) q.set('org_id', f.org_id);
  if (f.status !== OPEN_STATUSES) q.set('status', f.status);
  if (f.priority) q.set('priority', f.priority);
  if (f.requester_id) q.set('requester_id', f.requester_id);
  if (f.tenant) q.set('tenant', f.tenant);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The list query the API takes for these filters. */
export function apiQuery(f: Filters) {
  return {
    org_id: f.org_id || undefined,
    status: f.status === 'all' ? undefined : f.status,
    // The filters come from the URL too: a word that is not a priority filters nothing.
    priority: isPriority(f.priority) ? f.priority : undefined,
    requester_id: f.requester_id || undefined,
  };
}

export function TicketFilters({ filters, orgs, onChange }: { filters: Filters; orgs?: Org[]; onChange: (f: Filters) => void }) {
  return (
    <form class="form form--inline panel" role="search" aria-label="Filter tickets" onSubmit={(e) => e.preventDefault()}>
      {orgs && orgs.length > 1 && (
        <SelectField
          label="Client"
          name="org_id"
          value={filters.org_id}
          placeholder="All clients"
          options={orgs.map((o) => ({ value: o.id, label: o.name }))}
          onValue={(org_id) => onChange({ ...filters, org_id })}
        />
      )}
      <SelectField
        label="Status"
        name="status"
        value={filters.status}
        options={STATUS_FILTERS}
        onValue={(status) => onChange({ ...filters, status })}
      />
      <SelectField
        label="Priority"
        name="priority"
        value={filters.priority}
        placeholder="Any priority"
        options={PRIORITIES}
        onValue={(priority) => onChange({ ...filters, priority })}
      />
    </form>
  );
}
