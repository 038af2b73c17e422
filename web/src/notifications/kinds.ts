// How notification kinds read in the UI.
export const KIND_LABELS: Record<string, string> = {
  ticket_received: 'Ticket received',
  ticket_reply: 'Replies',
  ticket_note: 'Internal notes',
  ticket_status: 'Status changes',
  ticket_assigned: 'Assignments',
  sla_alert: 'SLA alerts',
  queue_near_front: 'Near the front of the queue',
};

export const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');
