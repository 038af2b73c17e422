// Billing time on an invoice (Kre8ivTech's staff and super admins, who read time): the tickets
// it links (of the billed organization), the billable time entries of those tickets it bills
// (each entry on one invoice at most), the lines the chosen time makes, and the server's faults
// at `ticket_ids[i]` and `time_entry_ids[i]` placed on the ticket or entry they name.
import { fieldMessage } from '../api/messages';
import type { Problem } from '../api/problem';
import type { Role } from '../app/session';
import type { TimeEntry } from '../tickets/api';
import type { Invoice } from './api';

/** Whether `role` bills time on invoices (only they may read it). */
export const billsTime = (role: Role | null) => role === 'super_admin' || role === 'staff';

export interface WorkValues {
  /** The linked tickets, in the order linked. */
  tickets: string[];
  /** The chosen time entries of each linked ticket. */
  entries: Record<string, string[]>;
}

export const NO_WORK: WorkValues = { tickets: [], entries: {} };

/** What a saved invoice links and bills. */
export function workOf(inv: Pick<Invoice, 'ticket_ids' | 'time_entries'> | null | undefined): WorkValues {
  if (!inv) return NO_WORK;
  const entries: Record<string, string[]> = {};
  for (const l of inv.time_entries ?? []) (entries[l.ticket_id] ??= []).push(l.entry_id);
  return { tickets: [...(inv.ticket_ids ?? [])], entries };
}

export const linkTicket = (w: WorkValues, id: string): WorkValues => (w.tickets.includes(id) ? w : { ...w, tickets: [...w.tickets, id] });

/** Unlinked: its time goes with it. */
export function unlinkTicket(w: WorkValues, id: string): WorkValues {
  const { [id]: _, ...entries } = w.entries;
  return { tickets: w.tickets.filter((t) => t !== id), entries };
}

export function chooseEntry(w: WorkValues, ticket: string, entry: string, chosen: boolean): WorkValues {
  const now = (w.entries[ticket] ?? []).filter((e) => e !== entry);
  return { ...w, entries: { ...w.entries, [ticket]: chosen ? [...now, entry] : now } };
}

export const isChosen = (w: WorkValues, ticket: string, entry: string) => (w.entries[ticket] ?? []).includes(entry);

/**
 * What the request says: the tickets sorted (as the server keeps them, so `ticket_ids[i]` names
 * the i-th sent), and the chosen entries of linked tickets, ticket by ticket.
 */
export function workBody(w: WorkValues): { ticket_ids: string[]; time_entry_ids: string[] } {
  const ticket_ids = [...w.tickets].sort();
  return { ticket_ids, time_entry_ids: w.tickets.flatMap((t) => w.entries[t] ?? []) };
}

/** Whose entry `entry` is for this invoice: free to bill, or billed on another invoice. */
export const billedElsewhere = (entry: Pick<TimeEntry, 'invoice_id'>, invoiceId: string | null) =>
  Boolean(entry.invoice_id) && entry.invoice_id !== invoiceId;

/** The entries of a time sheet that may be billed (billable ones; those billed elsewhere shown, not chosen). */
export const billableEntries = (entries: readonly TimeEntry[]) => entries.filter((e) => e.billable);

/** 90 -> "1.50": hours with 2 decimals, as a line's quantity. */
export const hoursOf = (minutes: number) => (Math.round((minutes / 60) * 100) / 100).toFixed(2);

/** 90 -> "1.5", 120 -> "2", 100 -> "1.67": hours as people read them. */
export const hoursLabel = (minutes: number) => String(Number(hoursOf(minutes)));

export interface TicketName {
  number: string;
  subject: string;
}

export interface TimeLine {
  description: string;
  quantity: string;
}

/** A line per linked ticket with chosen time: "Time: <subject or number>, 1.5 h", its quantity the hours. */
export function timeLines(
  w: WorkValues,
  sheets: Record<string, readonly TimeEntry[] | undefined>,
  names: Record<string, TicketName | undefined>,
): TimeLine[] {
  const lines: TimeLine[] = [];
  for (const t of w.tickets) {
    const chosen = new Set(w.entries[t] ?? []);
    const minutes = (sheets[t] ?? []).filter((e) => chosen.has(e.id)).reduce((sum, e) => sum + e.minutes, 0);
    if (!minutes) continue;
    const name = names[t]?.subject.trim() || names[t]?.number || 'ticket';
    lines.push({ description: `Time: ${name}, ${hoursLabel(minutes)} h`, quantity: hoursOf(minutes) });
  }
  return lines;
}

/** Minutes chosen on all linked tickets (of the entries known). */
export function chosenMinutes(w: WorkValues, sheets: Record<string, readonly TimeEntry[] | undefined>): number {
  return w.tickets.reduce((sum, t) => {
    const chosen = new Set(w.entries[t] ?? []);
    return sum + (sheets[t] ?? []).filter((e) => chosen.has(e.id)).reduce((s, e) => s + e.minutes, 0);
  }, 0);
}

export interface WorkErrors {
  /** By ticket id. */
  tickets: Record<string, string>;
  /** By time entry id. */
  entries: Record<string, string>;
  /** About the tickets as a whole (`ticket_ids`). */
  ticketList?: string;
  /** About the time as a whole (`time_entry_ids`). */
  entryList?: string;
}

export const NO_WORK_ERRORS: WorkErrors = { tickets: {}, entries: {} };

export const hasWorkErrors = (e: WorkErrors) =>
  Boolean(e.ticketList || e.entryList || Object.keys(e.tickets).length || Object.keys(e.entries).length);

/** An entry's fault, in words for people. */
function entryMessage(message: string): string {
  if (/another invoice/.test(message)) return 'Billed on another invoice: untick it.';
  if (/not billable/.test(message)) return 'This time is not billable: untick it.';
  if (/not a time entry/.test(message)) return 'This time is no longer on the linked tickets: untick it.';
  return fieldMessage('time_entry_ids', message);
}

function listMessage(field: 'ticket_ids' | 'time_entry_ids', message: string): string {
  if (/staff/.test(message)) return 'Only Kre8ivTech’s staff bill time on invoices.';
  const most = message.match(/at most (\d+)/);
  if (most) return field === 'ticket_ids' ? `Link at most ${most[1]} tickets.` : `Bill at most ${most[1]} time entries on one invoice.`;
  return fieldMessage(field, message);
}

/**
 * The faults of `problem` about tickets and time, placed on what `sent` named; the rest of the
 * problem (the lines', the party's) left for the editor's fields.
 */
export function splitWorkErrors(
  problem: Problem | undefined,
  sent: { ticket_ids: string[]; time_entry_ids: string[] },
): { work: WorkErrors; problem: Problem | undefined } {
  const work: WorkErrors = { tickets: {}, entries: {} };
  const rest: NonNullable<Problem['errors']> = [];
  for (const e of problem?.errors ?? []) {
    const at = e.field.match(/^(ticket_ids|time_entry_ids)(?:\[(\d+)\])?/);
    if (!at) {
      rest.push(e);
      continue;
    }
    const [, field, index] = at as unknown as [string, 'ticket_ids' | 'time_entry_ids', string | undefined];
    const id = index === undefined ? undefined : (field === 'ticket_ids' ? sent.ticket_ids : sent.time_entry_ids)[Number(index)];
    if (field === 'ticket_ids' && id) work.tickets[id] ??= 'This ticket is not one of the billed organization’s: unlink it.';
    else if (field === 'time_entry_ids' && id) work.entries[id] ??= entryMessage(e.message);
    else if (field === 'ticket_ids') work.ticketList ??= listMessage(field, e.message);
    else work.entryList ??= listMessage(field, e.message);
  }
  return { work, problem: problem && { ...problem, errors: rest } };
}
