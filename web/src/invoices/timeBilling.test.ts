import { describe, expect, it } from 'vitest';
import type { TimeEntry } from '../tickets/api';
import {
  billableEntries,
  billedElsewhere,
  billsTime,
  chooseEntry,
  chosenMinutes,
  hasWorkErrors,
  hoursLabel,
  hoursOf,
  isChosen,
  linkTicket,
  NO_WORK,
  splitWorkErrors,
  timeLines,
  unlinkTicket,
  workBody,
  workOf,
} from './timeBilling';

const entry = (id: string, minutes: number, more: Partial<TimeEntry> = {}): TimeEntry => ({
  id,
  user_id: 'u1',
  minutes,
  work_date: '2026-12-01',
  note: '',
  billable: true,
  created_at: '2026-12-01T10:00:00Z',
  ...more,
});

describe('billing time on invoices', () => {
  it('is for Kre8ivTech’s staff and super admins', () => {
    expect(['super_admin', 'staff', 'partner', 'partner_staff', 'client', null].map((r) => billsTime(r as never))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('reads what a saved invoice links and bills, ticket by ticket', () => {
    expect(workOf(null)).toEqual(NO_WORK);
    const w = workOf({
      ticket_ids: ['t2', 't1'],
      time_entries: [
        { ticket_id: 't1', entry_id: 'a', minutes: 30, work_date: '2026-12-01' },
        { ticket_id: 't2', entry_id: 'b', minutes: 45, work_date: '2026-12-02' },
        { ticket_id: 't1', entry_id: 'c', minutes: 15, work_date: '2026-12-03' },
      ],
    });
    expect(w).toEqual({ tickets: ['t2', 't1'], entries: { t1: ['a', 'c'], t2: ['b'] } });
    // Sent: the tickets sorted as the server keeps them, the entries ticket by ticket.
    expect(workBody(w)).toEqual({ ticket_ids: ['t1', 't2'], time_entry_ids: ['b', 'a', 'c'] });
  });

  it('links, chooses and unlinks (a ticket’s time goes with it)', () => {
    let w = linkTicket(NO_WORK, 't1');
    w = linkTicket(linkTicket(w, 't2'), 't1');
    expect(w.tickets).toEqual(['t1', 't2']);
    w = chooseEntry(chooseEntry(w, 't1', 'a', true), 't2', 'b', true);
    expect([isChosen(w, 't1', 'a'), isChosen(w, 't2', 'b'), isChosen(w, 't1', 'b')]).toEqual([true, true, false]);
    w = chooseEntry(w, 't1', 'a', false);
    expect(isChosen(w, 't1', 'a')).toBe(false);
    w = unlinkTicket(chooseEntry(w, 't1', 'a', true), 't1');
    expect(w).toEqual({ tickets: ['t2'], entries: { t2: ['b'] } });
    expect(workBody(w).time_entry_ids).toEqual(['b']);
  });

  it('shows billable entries, those billed on another invoice apart', () => {
    const sheet = [entry('a', 30), entry('b', 15, { billable: false }), entry('c', 60, { invoice_id: 'inv9' })];
    expect(billableEntries(sheet).map((e) => e.id)).toEqual(['a', 'c']);
    expect(billedElsewhere(sheet[2], 'inv1')).toBe(true);
    expect(billedElsewhere(sheet[2], 'inv9')).toBe(false);
    expect(billedElsewhere(sheet[2], null)).toBe(true);
    expect(billedElsewhere(sheet[0], null)).toBe(false);
  });

  it('makes hours with 2 decimals, and a line per ticket with chosen time', () => {
    expect([hoursOf(90), hoursOf(100), hoursOf(60), hoursOf(1), hoursOf(0)]).toEqual(['1.50', '1.67', '1.00', '0.02', '0.00']);
    expect([hoursLabel(90), hoursLabel(100), hoursLabel(120)]).toEqual(['1.5', '1.67', '2']);
    const w = { tickets: ['t1', 't2', 't3'], entries: { t1: ['a', 'b'], t2: ['c'], t3: [] } };
    const sheets = { t1: [entry('a', 60), entry('b', 30), entry('x', 45)], t2: [entry('c', 20)], t3: [entry('d', 10)] };
    const names = { t1: { number: 'KT-1001', subject: 'Migrate the shop' }, t2: { number: 'KT-1002', subject: '  ' } };
    expect(timeLines(w, sheets, names)).toEqual([
      { description: 'Time: Migrate the shop, 1.5 h', quantity: '1.50' },
      { description: 'Time: KT-1002, 0.33 h', quantity: '0.33' },
    ]);
    expect(chosenMinutes(w, sheets)).toBe(110);
    expect(chosenMinutes(w, {})).toBe(0);
  });

  it('puts the server’s faults on the ticket or entry they name, and leaves the rest to the editor', () => {
    const sent = { ticket_ids: ['t1', 't2'], time_entry_ids: ['a', 'b', 'c'] };
    const { work, problem } = splitWorkErrors(
      {
        type: 'about:blank',
        title: 'Invalid',
        status: 422,
        errors: [
          { field: 'lines[0].quantity', message: 'use a quantity above 0' },
          { field: 'time_entry_ids[0]', message: 'is billed on another invoice already' },
          { field: 'time_entry_ids[1]', message: 'is not billable time' },
          { field: 'time_entry_ids[2]', message: 'is not a time entry of the linked tickets' },
          { field: 'ticket_ids[1]', message: 'is not a ticket of the billed organization in this portal' },
          { field: 'time_entry_ids', message: "time is billed by Kre8ivTech's staff" },
        ],
      },
      sent,
    );
    expect(work).toEqual({
      tickets: { t2: 'This ticket is not one of the billed organization’s: unlink it.' },
      entries: {
        a: 'Billed on another invoice: untick it.',
        b: 'This time is not billable: untick it.',
        c: 'This time is no longer on the linked tickets: untick it.',
      },
      entryList: 'Only Kre8ivTech’s staff bill time on invoices.',
    });
    expect(problem?.errors).toEqual([{ field: 'lines[0].quantity', message: 'use a quantity above 0' }]);
    expect(hasWorkErrors(work)).toBe(true);
    expect(hasWorkErrors(splitWorkErrors(undefined, sent).work)).toBe(false);
    expect(
      splitWorkErrors(
        { type: 'about:blank', title: 'x', status: 422, errors: [{ field: 'ticket_ids', message: 'link at most 50 tickets' }] },
        sent,
      ).work.ticketList,
    ).toBe('Link at most 50 tickets.');
  });
});
