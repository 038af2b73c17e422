// An invoice's status as a chip: its name in words (the colour and mark only repeat it), and
// "Past due" when the due date has passed on an invoice not yet marked overdue.
import { statusLabel } from './labels';

export function StatusChip({ status, pastDue }: { status: string; pastDue?: boolean }) {
  return (
    <span class="invoice-chips">
      <span class={`badge invoice-status invoice-status--${status}`}>
        <span class="visually-hidden">Status: </span>
        {statusLabel(status)}
      </span>
      {pastDue && status !== 'overdue' && <span class="badge invoice-status invoice-status--overdue">Past due</span>}
    </span>
  );
}
