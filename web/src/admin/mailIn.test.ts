import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import type { ReceivedMail } from '../mail/api';
import {
  acceptedSentence,
  actionError,
  discardedSentence,
  emptyText,
  formField,
  forwardingBody,
  listFrom,
  mailProblem,
  needsOrganization,
  reasonLabel,
  reasonSentence,
  retriedSentence,
  senderLabel,
  startAgainError,
  startedSentence,
  statusLabel,
  stopDetailLabel,
  stopReasonLabel,
  statusTone,
  subjectLabel,
  ticketHref,
} from './mailIn';

const mail = (change: Partial<ReceivedMail> = {}): ReceivedMail => ({
  id: '01JMAIL',
  status: 'held',
  reason: 'the sender is not a person of this portal',
  reason_code: 'unknown_sender',
  attempts: 0,
  from_name: 'Nia Newbie',
  from_email: 'nia@prospect.test',
  recipient: 'acme@in.localhost',
  subject: 'Can you build us a shop?',
  automation: 'person',
  verdicts: { spf: 'none', dkim: 'none', dmarc: 'none', spam: 'none', virus: 'none' },
  size: 1200,
  internal: false,
  received_at: '2026-12-01T10:00:00Z',
  ...change,
});

describe('lists and labels', () => {
  it('shows the review list unless the URL names another', () => {
    expect(listFrom(undefined)).toBe('held');
    expect(listFrom('failed')).toBe('failed');
    expect(listFrom('all')).toBe('all');
    expect(listFrom('spam')).toBe('held');
  });

  it('says each status, with its tone', () => {
    expect(['received', 'filed', 'replied', 'held', 'refused', 'ignored', 'failed', 'discarded'].map(statusLabel)).toEqual([
      'Being processed',
      'Filed',
      'Added to its ticket',
      'Held for review',
      'Refused',
      'Ignored',
      'Failed',
      'Discarded',
    ]);
    expect(statusLabel('quarantined_now')).toBe('Quarantined now');
    expect([statusTone('filed'), statusTone('failed'), statusTone('held'), statusTone('new')]).toEqual([
      'ok',
      'warn',
      'neutral',
      'neutral',
    ]);
  });

  it('names the sender and the subject, also when they are missing', () => {
    expect(senderLabel(mail())).toBe('Nia Newbie <nia@prospect.test>');
    expect(senderLabel(mail({ from_name: null }))).toBe('nia@prospect.test');
    expect(senderLabel(mail({ from_name: ' ', from_email: null }))).toBe('No sender given');
    expect(subjectLabel(mail({ subject: '  ' }))).toBe('(no subject)');
    expect(reasonSentence('the sender is not a person of this portal')).toBe('The sender is not a person of this portal.');
    expect(reasonSentence('a delivery report (bounce).')).toBe('A delivery report (bounce).');
  });

  it('names the reason by what became of the mail', () => {
    expect(['held', 'filed', 'replied', 'discarded', 'refused', 'ignored', 'failed'].map(reasonLabel)).toEqual([
      'Held because',
      'Held because',
      'Held because',
      'Held because',
      'Refused because',
      'Ignored because',
      'Why',
    ]);
  });

  it('asks for an organization only when the sender is unknown', () => {
    expect(needsOrganization(mail())).toBe(true);
    expect(needsOrganization(mail({ reason_code: 'dmarc_failed' }))).toBe(false);
  });

  it('links the ticket a mail filed', () => {
    expect(ticketHref('acme', mail({ ticket_id: '01JT' }))).toBe('/tickets/acme/01JT');
    expect(ticketHref('acme', mail())).toBeNull();
  });

  it('says what each list will show when it is empty', () => {
    expect(emptyText('held', 'acme@in.localhost')).toMatch(/^Nothing to review\. Mail from senders the portal does not know waits here/);
    expect(emptyText('failed', undefined)).toMatch(/^No failed mail\./);
    expect(emptyText('all', 'acme@in.localhost')).toBe(
      'No mail received yet. Mail sent or forwarded to acme@in.localhost appears here with what became of it: the ticket it filed, or why not.',
    );
  });
});

describe('after acting on a mail', () => {
  it('says where an accepted mail went, and who was invited', () => {
    expect(acceptedSentence(mail({ status: 'filed', ticket_ref: 'ACME-1042' }), 'Globex')).toBe(
      '“Can you build us a shop?” is filed as ACME-1042. Nia Newbie is invited to the portal as a client of Globex.',
    );
    expect(acceptedSentence(mail({ status: 'replied', ticket_ref: 'ACME-1001', from_name: null }))).toBe(
      '“Can you build us a shop?” is added to ACME-1001.',
    );
  });

  it('says a discard keeps the mail in the log, and how a retry went', () => {
    expect(discardedSentence(mail())).toBe('“Can you build us a shop?” is discarded. It stays in All mail, with its original.');
    expect(retriedSentence(mail({ status: 'filed', ticket_ref: 'ACME-7' }))).toBe('“Can you build us a shop?” is filed as ACME-7.');
    expect(retriedSentence(mail({ status: 'failed', error: 'store unavailable' }))).toBe(
      '“Can you build us a shop?” failed again: store unavailable.',
    );
    expect(retriedSentence(mail({ status: 'ignored' }))).toBe('“Can you build us a shop?” is ignored now.');
  });

  it('explains a mail someone else dealt with, and passes other problems on', () => {
    const conflict = new ApiError(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'this mail is filed, not held' });
    expect(actionError(conflict, mail(), 'held')).toBe(
      '“Can you build us a shop?” is no longer held for review (someone may have dealt with it already). The list is up to date now.',
    );
    expect(actionError(conflict, mail(), 'failed')).toMatch(/is no longer failed/);
    const gone = new ApiError(404, { type: 'about:blank', title: 'Not found', status: 404 });
    expect(actionError(gone, mail(), 'held')).toMatch(/^“Can you build us a shop\?” is gone/);
    expect(actionError(new ApiError(403, undefined), mail(), 'held')).toBe('You don’t have permission to do that.');
  });
});

describe('forwarding addresses', () => {
  it('sends the filled rows, trimmed, and remembers the row of each', () => {
    expect(forwardingBody([' support@acme.test ', '', 'help@acme.test', '  '])).toEqual({
      addresses: ['support@acme.test', 'help@acme.test'],
      rowOf: [0, 2],
    });
  });

  it('puts the server’s error on the row it is about', () => {
    expect(formField('forwarded_from[1]', [0, 2])).toBe('forwarded_from[2]');
    expect(formField('forwarded_from[5]', [0, 2])).toBe('forwarded_from');
    expect(formField('forwarded_from', [0])).toBe('forwarded_from');
    expect(formField('unknown_senders', [])).toBe('unknown_senders');
  });
});

describe('mailProblem', () => {
  const invalid = (errors: { field: string; message: string }[]) =>
    new ApiError(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors });

  it('words Mail in’s field errors, each address at its row, and leaves the rest as they are', () => {
    const worded = mailProblem(
      invalid([
        { field: 'forwarded_from[1]', message: 'is not an email address' },
        { field: 'forwarded_from', message: 'list at most 10 addresses' },
        { field: 'unknown_senders', message: 'use hold or refuse' },
        { field: 'body', message: 'is required' },
      ]),
      [0, 3],
    ) as ApiError;
    expect(worded.status).toBe(422);
    expect(worded.problem?.errors).toEqual([
      { field: 'forwarded_from[3]', message: 'Enter an email address such as support@example.com.' },
      { field: 'forwarded_from', message: 'List at most 10 forwarding addresses.' },
      { field: 'unknown_senders', message: 'Choose to hold mail from unknown senders for review, or to refuse it.' },
      { field: 'body', message: 'is required' },
    ]);
  });

  it('asks for the organization an unknown sender joins', () => {
    const worded = mailProblem(invalid([{ field: 'org_id', message: 'name the organization the new client belongs to' }])) as ApiError;
    expect(worded.problem?.errors).toEqual([{ field: 'org_id', message: 'Choose the organization the sender joins as a client.' }]);
  });

  it('passes anything else on', () => {
    const conflict = new ApiError(409, { type: 'about:blank', title: 'Conflict', status: 409 });
    expect(mailProblem(conflict)).toBe(conflict);
    expect(mailProblem('offline')).toBe('offline');
  });
});

describe('stopped addresses', () => {
  it('says why mail stopped, and what the detail is', () => {
    expect(stopReasonLabel('bounce')).toBe('Bounced');
    expect(stopReasonLabel('complaint')).toBe('Reported as spam');
    expect(stopReasonLabel('rate_limited')).toBe('Rate limited');
    expect(stopDetailLabel('bounce')).toBe('Server’s reply');
    expect(stopDetailLabel('complaint')).toBe('Complaint type');
    expect(startedSentence('gone@example.com')).toBe('Mail to gone@example.com starts again.');
  });

  it('says a refusal in the server’s words, and an address no longer stopped plainly', () => {
    const refused = new ApiError(409, {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'its owner reported our mail as spam: only they can start it again, by confirming the address from their settings',
    });
    expect(startAgainError(refused, 'x@example.com')).toBe(
      'Its owner reported our mail as spam: only they can start it again, by confirming the address from their settings.',
    );
    const gone = new ApiError(404, { type: 'about:blank', title: 'Not found', status: 404 });
    expect(startAgainError(gone, 'x@example.com')).toBe(
      'x@example.com is no longer stopped (someone may have started mail to it again already). The list is up to date now.',
    );
  });
});
