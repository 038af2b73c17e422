// The time entries an invoice bills, on its page (its issuers only: the API gives the billed party
// none, time being internal): each with its ticket (linked), day and duration, and the total.
import { useResource } from '../ui/useResource';
import { getTicket } from '../tickets/api';
import { formatDay, formatMinutes } from '../tickets/duration';
import type { Invoice } from './api';

type TimeLink = Invoice['time_entries'][number];

/** 150 -> "2.5" (the editor's timeBilling.ts says it the same way; not imported, to keep it in the editor's chunk). */
const hours = (minutes: number) => String(Math.round((minutes / 60) * 100) / 100);

export function BilledTime({ tenantId, entries }: { tenantId: string; entries: readonly TimeLink[] }) {
  const ids = [...new Set(entries.map((e) => e.ticket_id))];
  // Each ticket's number and subject; a ticket that cannot be read is still linked.
  const tickets = useResource(
    async () =>
      Object.fromEntries(
        await Promise.all(
          ids.map(
            async (id) =>
              [
                id,
                await getTicket(tenantId, id).then(
                  (t) => t.ticket,
                  () => null,
                ),
              ] as const,
          ),
        ),
      ),
    [tenantId, ids.join(',')],
  );
  const total = entries.reduce((sum, e) => sum + e.minutes, 0);
  return (
    <section class="panel" aria-labelledby="invoice-time-heading">
      <h2 id="invoice-time-heading">Billed time</h2>
      <div class="table-wrap" role="region" aria-label="Time entries billed" tabIndex={0}>
        <table class="invoice-table">
          <thead>
            <tr>
              <th scope="col">Ticket</th>
              <th scope="col">Date</th>
              <th scope="col" class="num">
                Time
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const t = tickets.data?.[e.ticket_id];
              return (
                <tr key={e.entry_id}>
                  <th scope="row">
                    <a href={`/tickets/${tenantId}/${e.ticket_id}`}>{t?.number ?? 'Ticket'}</a>
                    {t?.subject && <span class="muted invoice-time__subject">{t.subject}</span>}
                  </th>
                  <td>{formatDay(e.work_date)}</td>
                  <td class="num">{formatMinutes(e.minutes)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p>
        Total: <strong>{formatMinutes(total)}</strong> ({hours(total)} h)
      </p>
    </section>
  );
}
