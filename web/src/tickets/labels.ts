// The names the API uses for priorities, statuses and categories, and how the UI says them.

export const PRIORITIES = [
  { value: 'low', label: 'Low' },
  { value: 'medium', label: 'Medium' },
  { value: 'high', label: 'High' },
  { value: 'critical', label: 'Critical' },
] as const;

export const STATUSES = [
  { value: 'new', label: 'New' },
  { value: 'open', label: 'Open' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'pending_client', label: 'Pending client' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'closed', label: 'Closed' },
] as const;

export const CATEGORIES = [
  { value: 'technical_support', label: 'Technical support' },
  { value: 'billing', label: 'Billing' },
  { value: 'general_inquiry', label: 'General inquiry' },
  { value: 'bug_report', label: 'Bug report' },
  { value: 'feature_request', label: 'Feature request' },
] as const;

/** Statuses of tickets still being worked on. */
export const OPEN_STATUSES = 'new,open,in_progress,pending_client';

const label = (list: readonly { value: string; label: string }[], value: string) => list.find((x) => x.value === value)?.label ?? value;

export const priorityLabel = (p: string) => label(PRIORITIES, p);
export const statusLabel = (s: string) => label(STATUSES, s);
export const categoryLabel = (c: string) => label(CATEGORIES, c);

/** The priority one step up, for "Escalate"; undefined at the top. */
export function raisedPriority(p: string): string | undefined {
  const i = PRIORITIES.findIndex((x) => x.value === p);
  return i >= 0 && i < PRIORITIES.length - 1 ? PRIORITIES[i + 1].value : undefined;
}
