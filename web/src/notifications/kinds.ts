// How notification kinds read in the UI.
import type { Schemas } from '../api/client';
import { isOption, type Option } from '../ui/options';

export type NotificationKind = Schemas['NotificationKind'];

export const KIND_OPTIONS = [
  { value: 'ticket_received', label: 'Ticket received' },
  { value: 'ticket_new', label: 'New tickets to work on' },
  { value: 'ticket_reply', label: 'Replies' },
  { value: 'ticket_note', label: 'Internal notes' },
  { value: 'ticket_status', label: 'Status changes' },
  { value: 'ticket_assigned', label: 'Assignments' },
  { value: 'sla_alert', label: 'SLA alerts' },
  { value: 'queue_near_front', label: 'Near the front of the queue' },
  { value: 'invoice_issued', label: 'New invoices' },
  { value: 'invoice_reminder', label: 'Invoice reminders' },
  { value: 'invoice_payment', label: 'Payments and receipts' },
  { value: 'invoice_activity', label: 'Invoice activity' },
  { value: 'mention', label: 'Mentions in messages' },
  { value: 'message', label: 'New messages' },
  { value: 'announcement', label: 'Announcements' },
  { value: 'service_request_new', label: 'New service requests' },
  { value: 'service_request_update', label: 'Service request updates' },
] as const satisfies readonly Option<NotificationKind>[];

export const isNotificationKind = (kind: string | null | undefined): kind is NotificationKind => isOption(KIND_OPTIONS, kind);

export const kindLabel = (kind: string) => KIND_OPTIONS.find((o) => o.value === kind)?.label ?? kind.replace(/_/g, ' ');
