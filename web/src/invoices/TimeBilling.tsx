// The invoice editor's tickets and time (Kre8ivTech's staff and super admins): the tickets of the
// billed organization the invoice bills work on, and the billable time logged on them, ticked to
// bill it (an entry billed on another invoice is shown but cannot be ticked). The chosen time
// becomes a line per ticket ("Time: <subject>, 1.5 h", its quantity the hours) for the user to price.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { SelectField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { getTicket, listTickets, listTime, type Ticket, type TimeEntry } from '../tickets/api';
import { formatDay, formatMinutes } from '../tickets/duration';
import {
  billableEntries,
  billedElsewhere,
  chooseEntry,
  chosenMinutes,
  hoursLabel,
  isChosen,
  linkTicket,
  timeLines,
  unlinkTicket,
  type TicketName,
  type TimeLine,
  type WorkErrors,
  type WorkValues,
} from './timeBilling';

type Sheet = { ticket: Ticket; entries: TimeEntry[] } | { error: Error };

/** Each linked ticket with its time sheet, fetched once it is linked. */
function useSheets(tenantId: string, ids: readonly string[]): Record<string, Sheet | undefined> {
  const [sheets, setSheets] = useState<Record<string, Sheet>>({});
  const asked = useRef(new Set<string>());
  useEffect(() => {
    for (const id of ids) {
      if (asked.current.has(id)) continue;
      asked.current.add(id);
      Promise.all([getTicket(tenantId, id), listTime(tenantId, id)]).then(
        ([t, sheet]) => setSheets((s) => ({ ...s, [id]: { ticket: t.ticket, entries: sheet.entries } })),
        (e: unknown) => {
          // Linked again later, it is asked again.
          asked.current.delete(id);
          setSheets((s) => ({ ...s, [id]: { error: e instanceof Error ? e : new Error(String(e)) } }));
        },
      );
    }
  }, [tenantId, ids.join(',')]);
  return sheets;
}

interface Props {
  tenantId: string;
  /** The billed organization (tickets are an organization's); null while none is chosen. */
  orgId: string | null;
  /** The draft being edited (its own time is not "billed on another invoice"). */
  invoiceId: string | null;
  work: WorkValues;
  errors: WorkErrors;
  /** `cleared`: the ticket or entry just changed, whose error goes. */
  onWork: (next: WorkValues, cleared?: string) => void;
  onAddLines: (lines: TimeLine[]) => void;
}

export function TicketsAndTime({ tenantId, orgId, invoiceId, work, errors, onWork, onAddLines }: Props) {
  const sheets = useSheets(tenantId, work.tickets);
  const org = useResource(async () => (orgId ? (await listTickets(tenantId, { org_id: orgId, limit: 100 })).items : []), [tenantId, orgId]);
  const names: Record<string, TicketName | undefined> = {};
  for (const t of org.data ?? []) names[t.id] = t;
  for (const [id, s] of Object.entries(sheets)) if (s && 'ticket' in s) names[id] = s.ticket;
  const entries: Record<string, TimeEntry[] | undefined> = {};
  for (const [id, s] of Object.entries(sheets)) if (s && 'entries' in s) entries[id] = s.entries;

  const [pick, setPick] = useState('');
  const [said, setSaid] = useState('');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const label = (id: string) => (names[id] ? `${names[id].number}: ${names[id].subject}` : 'A linked ticket');
  const free = (org.data ?? []).filter((t) => !work.tickets.includes(t.id));
  const minutes = chosenMinutes(work, entries);

  const link = () => {
    if (!pick) return;
    onWork(linkTicket(work, pick));
    setSaid(`Linked ${label(pick)}.`);
    setPick('');
  };
  const unlink = (id: string) => {
    onWork(unlinkTicket(work, id), id);
    setSaid(`Unlinked ${label(id)}; its time is no longer billed here.`);
    // The button pressed is gone: keep the keyboard in the section.
    headingRef.current?.focus();
  };
  const addLines = () => {
    const lines = timeLines(work, entries, names);
    if (!lines.length) return;
    onAddLines(lines);
    setSaid(
      `Added ${lines.length === 1 ? 'a line' : `${lines.length} lines`} for ${hoursLabel(minutes)} h: give ${lines.length === 1 ? 'it' : 'them'} a unit price.`,
    );
  };

  return (
    <>
      <section class="panel invoice-work" aria-labelledby="invoice-tickets-heading">
        <h2 id="invoice-tickets-heading" tabIndex={-1} ref={headingRef}>
          Tickets
        </h2>
        <p role="status" class="visually-hidden">
          {said}
        </p>
        {errors.ticketList && <p class="alert alert--error">{errors.ticketList}</p>}
        {!orgId ? (
          <p class="muted">Bill a client organization to link its tickets and bill the time logged on them.</p>
        ) : (
          <>
            {work.tickets.length > 0 && (
              <ul class="list invoice-work__tickets" aria-label="Linked tickets">
                {work.tickets.map((id) => (
                  <LinkedTicket
                    key={id}
                    tenantId={tenantId}
                    id={id}
                    name={names[id]}
                    error={errors.tickets[id]}
                    onUnlink={() => unlink(id)}
                  />
                ))}
              </ul>
            )}
            {org.error ? (
              <ErrorNote error={org.error} />
            ) : !org.data ? (
              <Loading label="Loading the organization’s tickets…" />
            ) : (
              <div class="invoice-work__link">
                <SelectField
                  label="Link a ticket"
                  name="link_ticket"
                  value={pick}
                  placeholder={free.length ? 'Choose a ticket' : 'No other tickets'}
                  options={free.map((t) => ({ value: t.id, label: `${t.number}: ${t.subject}` }))}
                  onValue={setPick}
                  hint="Its billable time can then be billed on this invoice."
                />
                <button type="button" class="button button--secondary" disabled={!pick} onClick={link}>
                  Link ticket
                </button>
              </div>
            )}
          </>
        )}
      </section>
      {orgId && work.tickets.length > 0 && (
        <section class="panel invoice-work" aria-labelledby="invoice-time-heading">
          <h2 id="invoice-time-heading">Billable time</h2>
          {errors.entryList && <p class="alert alert--error">{errors.entryList}</p>}
          {work.tickets.map((id) => {
            const sheet = sheets[id];
            const billable = sheet && 'entries' in sheet ? billableEntries(sheet.entries) : [];
            return (
              <fieldset key={id} class="fieldset invoice-work__sheet">
                <legend>{label(id)}</legend>
                {!sheet ? (
                  <Loading label="Loading its time…" />
                ) : 'error' in sheet ? (
                  <ErrorNote error={sheet.error} />
                ) : !billable.length ? (
                  <p class="muted">No billable time is logged on this ticket.</p>
                ) : (
                  <ul class="invoice-work__entries">
                    {billable.map((e) => (
                      <EntryRow
                        key={e.id}
                        entry={e}
                        elsewhere={billedElsewhere(e, invoiceId)}
                        chosen={isChosen(work, id, e.id)}
                        error={errors.entries[e.id]}
                        onChoose={(chosen) => onWork(chooseEntry(work, id, e.id, chosen), e.id)}
                      />
                    ))}
                  </ul>
                )}
              </fieldset>
            );
          })}
          <p>
            Chosen: <strong>{formatMinutes(minutes)}</strong>
            {minutes ? ` (${hoursLabel(minutes)} h)` : ''}
          </p>
          <div class="actions">
            <button type="button" class="button button--secondary" disabled={!minutes} onClick={addLines}>
              Add a line for the chosen time
            </button>
          </div>
          <p class="muted">The line’s quantity is the hours: give it your hourly rate as its unit price.</p>
        </section>
      )}
    </>
  );
}

interface LinkedProps {
  tenantId: string;
  id: string;
  name: TicketName | undefined;
  error: string | undefined;
  onUnlink: () => void;
}

function LinkedTicket({ tenantId, id, name, error, onUnlink }: LinkedProps) {
  const errorId = useId();
  return (
    <li class="invoice-work__ticket">
      <span>
        <a href={`/tickets/${tenantId}/${id}`}>{name?.number ?? 'Ticket'}</a> {name?.subject}
      </span>
      <button
        type="button"
        class="button button--small button--secondary"
        aria-label={`Unlink ${name?.number ?? 'this ticket'}`}
        aria-describedby={error ? errorId : undefined}
        onClick={onUnlink}
      >
        Unlink
      </button>
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </li>
  );
}

interface EntryProps {
  entry: TimeEntry;
  elsewhere: boolean;
  chosen: boolean;
  error: string | undefined;
  onChoose: (chosen: boolean) => void;
}

function EntryRow({ entry, elsewhere, chosen, error, onChoose }: EntryProps) {
  const noteId = useId();
  const errorId = useId();
  const described = [elsewhere ? noteId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <li class={error ? 'invoice-work__entry field--invalid' : 'invoice-work__entry'}>
      <label class="check">
        <input
          type="checkbox"
          name={`time_entry.${entry.id}`}
          checked={chosen && !elsewhere}
          disabled={elsewhere}
          aria-invalid={error ? true : undefined}
          aria-describedby={described}
          onChange={(e) => onChoose(e.currentTarget.checked)}
        />
        <span>
          <strong>{formatMinutes(entry.minutes)}</strong> on {formatDay(entry.work_date)}
          {entry.note ? ` · ${entry.note}` : ''}
        </span>
      </label>
      {elsewhere && (
        <p class="muted invoice-work__note" id={noteId}>
          Billed on another invoice
        </p>
      )}
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </li>
  );
}
