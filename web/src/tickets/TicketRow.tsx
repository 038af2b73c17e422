// One ticket in a list: number, subject, priority, status and, while it waits, its position.
import { timeAgo } from '../ui/format';
import { priorityLabel, statusLabel } from './labels';
import { ticketPath, type Ticket } from './api';

export function TicketRow({ ticket, extra }: { ticket: Ticket; extra?: string }) {
  return (
    <div class="ticket-row">
      <a class="ticket-row__subject" href={ticketPath(ticket)}>
        <span class="mono">{ticket.number}</span> {ticket.subject}
      </a>
      <span class={`badge badge--${ticket.priority}`}>{priorityLabel(ticket.priority)}</span>
      <span class="badge">{statusLabel(ticket.status)}</span>
      <span class="ticket-row__meta">
        {ticket.queue ? `${ticket.queue.label} · ` : ''}
        {extra ? `${extra} · ` : ''}updated {timeAgo(ticket.updated_at)}
      </span>
    </div>
  );
}

export function TicketRows({ tickets, extra }: { tickets: Ticket[]; extra?: (t: Ticket) => string | undefined }) {
  return (
    <ul class="list">
      {tickets.map((t) => (
        <li key={t.id}>
          <TicketRow ticket={t} extra={extra?.(t)} />
        </li>
      ))}
    </ul>
  );
}
