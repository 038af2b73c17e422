// The names the API uses for priorities, statuses and categories, and how the UI says them.
import type { Schemas } from '../api/client';
import { isOption, type Option } from '../ui/options';

export type Priority = Schemas['Priority'];
export type Category = Schemas['Category'];
export type Status = NonNullable<Schemas['TicketUpdate']['status']>;

export const PRIORITIES = [
  { value: 'low', label: 'Low' },
  { value: 'medium', label: 'Medium' },
  { value: 'high', label: 'High' },
  { value: 'critical', label: 'Critical' },
] as const satisfies readonly Option<Priority>[];

export const STATUSES = [
  { value: 'new', label: 'New' },
  { value: 'open', label: 'Open' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'pending_client', label: 'Pending client' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'closed', label: 'Closed' },
] as const satisfies readonly Option<Status>[];

export const CATEGORIES = [
  { value: 'technical_support', label: 'Technical support' },
  { value: 'billing', label: 'Billing' },
  { value: 'general_inquiry', label: 'General inquiry' },
  { value: 'bug_report', label: 'Bug report' },
  { value: 'feature_request', label: 'Feature request' },
] as const satisfies readonly Option<Category>[];

export const isPriority = (p: string | null | undefined): p is Priority => isOption(PRIORITIES, p);
export const isStatus = (s: string | null | undefined): s is Status => isOption(STATUSES, s);
export const isCategory = (c: string | null | undefined): c is Category => isOption(CATEGORIES, c);

/** Statuses of tickets still being worked on. */
export const OPEN_STATUSES = 'new,open,in_progress,pending_client';

const label = (list: readonly Option[], value: string) => list.find((x) => x.value === value)?.label ?? value;

export const priorityLabel = (p: string) => label(PRIORITIES, p);
export const statusLabel = (s: string) => label(STATUSES, s);
export const categoryLabel = (c: string) => label(CATEGORIES, c);

/** The priority one step up, for "Escalate"; undefined at the top. */
export function raisedPriority(p: string): Priority | undefined {
  const i = PRIORITIES.findIndex((x) => x.value === p);
  return i >= 0 && i < PRIORITIES.length - 1 ? PRIORITIES[i + 1].value : undefined;
}
