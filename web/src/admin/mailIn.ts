// Mail in as its screen says it: the lists (review, failed, all), each mail's status, sender,
// subject and reason in words, the sentences said after accepting, discarding or retrying one,
// the forwarding addresses as the form holds them, and the server's field errors worded for the
// screen's forms (the shared vocabulary in api/messages.ts stays lean, as every screen loads it).
import { ApiError, errorMessage } from '../api/problem';
import type { MailList, ReceivedMail } from '../mail/api';
import type { Tone } from '../mail/verdicts';

export const MAIL_LISTS: readonly { list: MailList; label: string }[] = [
  { list: 'held', label: 'Review' },
  { list: 'failed', label: 'Failed' },
  { list: 'all', label: 'All mail' },
];

export const isMailList = (value: string | undefined): value is MailList => value === 'all' || value === 'held' || value === 'failed';

/** The list shown for the URL's `?list=` (the review list unless another is named). */
export const listFrom = (value: string | undefined): MailList => (isMailList(value) ? value : 'held');

const STATUS: Record<string, [label: string, tone: Tone]> = {
  received: ['Being processed', 'neutral'],
  filed: ['Filed', 'ok'],
  replied: ['Added to its ticket', 'ok'],
  held: ['Held for review', 'neutral'],
  refused: ['Refused', 'neutral'],
  ignored: ['Ignored', 'neutral'],
  failed: ['Failed', 'warn'],
  discarded: ['Discarded', 'neutral'],
};

/** "Filed", "Held for review", ... (a status the screen does not know, capitalized). */
export function statusLabel(status: string): string {
  return STATUS[status]?.[0] ?? sentenceCase(status.replace(/_/g, ' '));
}

export const statusTone = (status: string): Tone => STATUS[status]?.[1] ?? 'neutral';

const sentenceCase = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);

/** What a mail's reason is called in the log: why it was held (also once accepted or discarded), refused or ignored. */
export function reasonLabel(status: string): string {
  if (status === 'refused') return 'Refused because';
  if (status === 'ignored') return 'Ignored because';
  if (status === 'failed' || status === 'received') return 'Why';
  return 'Held because';
}

/** A reason in words ("the sender is not a person of this portal") as a sentence. */
export function reasonSentence(reason: string): string {
  const s = sentenceCase(reason.trim());
  return !s || /[.!?]$/.test(s) ? s : `${s}.`;
}

/** "Nia Newbie <newbie@prospect.test>", or the address alone, or that none was given. */
export function senderLabel(m: Pick<ReceivedMail, 'from_name' | 'from_email'>): string {
  const name = m.from_name?.trim();
  const email = m.from_email?.trim();
  if (name && email) return `${name} <${email}>`;
  return email || name || 'No sender given';
}

/** Who the sender is in a sentence: the name, else the address. */
export const senderName = (m: Pick<ReceivedMail, 'from_name' | 'from_email'>) =>
  m.from_name?.trim() || m.from_email?.trim() || 'The sender';

/** The subject, or that there is none. */
export const subjectLabel = (m: Pick<ReceivedMail, 'subject'>) => m.subject.trim() || '(no subject)';

/** Whether accepting the mail makes its sender a client (they are unknown): an organization is asked. */
export const needsOrganization = (m: Pick<ReceivedMail, 'reason_code'>) => m.reason_code === 'unknown_sender';

/** The ticket page of the ticket a mail filed or was added to. */
export const ticketHref = (tenantId: string, m: Pick<ReceivedMail, 'ticket_id'>) =>
  m.ticket_id ? `/tickets/${encodeURIComponent(tenantId)}/${encodeURIComponent(m.ticket_id)}` : null;

/** What became of a mail, after the person acted on it. */
function outcome(m: ReceivedMail): string {
  const ref = m.ticket_ref ?? 'its ticket';
  if (m.status === 'filed') return `is filed as ${ref}`;
  if (m.status === 'replied') return `is added to ${ref}`;
  if (m.status === 'failed') return `failed again${m.error ? `: ${m.error}` : ''}`;
  return `is ${statusLabel(m.status).toLowerCase()} now`;
}

/** Said after Accept: "“Hello” is filed as ACME-1042. Nia is invited as a client of Globex." */
export function acceptedSentence(m: ReceivedMail, org?: string): string {
  const invited = org ? ` ${senderName(m)} is invited to the portal as a client of ${org}.` : '';
  return `“${subjectLabel(m)}” ${outcome(m)}.${invited}`;
}

/** Said after Discard. */
export const discardedSentence = (m: ReceivedMail) => `“${subjectLabel(m)}” is discarded. It stays in All mail, with its original.`;

/** Said after Retry: it went through, or failed again (and stays in the list). */
export const retriedSentence = (m: ReceivedMail) => `“${subjectLabel(m)}” ${outcome(m)}.`;

/**
 * Why acting on a mail failed; one that is no longer where the list showed it (someone else
 * dealt with it meanwhile) is said plainly.
 */
export function actionError(e: unknown, m: ReceivedMail, was: 'held' | 'failed'): string {
  if (e instanceof ApiError && (e.status === 409 || e.status === 404)) {
    const gone = e.status === 404 ? 'is gone' : `is no longer ${was === 'held' ? 'held for review' : 'failed'}`;
    return `“${subjectLabel(m)}” ${gone} (someone may have dealt with it already). The list is up to date now.`;
  }
  return errorMessage(e);
}

/** What each list shows when empty. */
export function emptyText(list: MailList, address: string | undefined): string {
  const to = address ? ` to ${address}` : '';
  if (list === 'held')
    return `Nothing to review. Mail from senders the portal does not know waits here while they are held for review, as does mail held for another reason (a failed DMARC check, say), until someone accepts or discards it.`;
  if (list === 'failed')
    return 'No failed mail. Mail the portal could not process, even after trying again, appears here with the error, to retry once the cause is fixed.';
  return `No mail received yet. Mail sent or forwarded${to} appears here with what became of it: the ticket it filed, or why not.`;
}

/** The API's name for the forwarding address in row `i`. */
export const forwardField = (i: number) => `forwarded_from[${i}]`;

/**
 * The forwarding addresses to send (trimmed, the empty rows left out) and, for each one sent,
 * the row it came from (so the server's `forwarded_from[n]` error is put at the right field).
 */
export function forwardingBody(rows: readonly string[]): { addresses: string[]; rowOf: number[] } {
  const addresses: string[] = [];
  const rowOf: number[] = [];
  rows.forEach((r, i) => {
    const a = r.trim();
    if (!a) return;
    addresses.push(a);
    rowOf.push(i);
  });
  return { addresses, rowOf };
}

/** A field the server named, as the form's: `forwarded_from[n]` (the n-th sent) becomes its row's. */
export function formField(field: string, rowOf: readonly number[]): string {
  const m = field.match(/^forwarded_from\[(\d+)\]$/);
  if (!m) return field;
  const row = rowOf[Number(m[1])];
  return row === undefined ? 'forwarded_from' : forwardField(row);
}

const SAY: [field: RegExp, message: RegExp, say: string | ((m: RegExpMatchArray) => string)][] = [
  [/^unknown_senders$/, /^use hold or refuse/, 'Choose to hold mail from unknown senders for review, or to refuse it.'],
  [/^forwarded_from$/, /^list at most (\d+) addresses/, (m) => `List at most ${m[1]} forwarding addresses.`],
  [/^forwarded_from(\[\d+\])?$/, /^is not an email address/, 'Enter an email address such as support@example.com.'],
  [/^org_id$/, /^name the organization the new client belongs to/, 'Choose the organization the sender joins as a client.'],
];

/**
 * `e` with its field errors as the screen's forms show them: each forwarding address at its own
 * row (`rowOf`, see `forwardingBody`) and Mail in's messages as sentences (others as they are).
 */
export function mailProblem(e: unknown, rowOf: readonly number[] = []): unknown {
  if (!(e instanceof ApiError) || !e.problem?.errors?.length) return e;
  const errors = e.problem.errors.map(({ field, message }) => {
    for (const [f, m, say] of SAY) {
      const match = f.test(field) ? message.trim().match(m) : null;
      if (match) return { field: formField(field, rowOf), message: typeof say === 'string' ? say : say(match) };
    }
    return { field: formField(field, rowOf), message };
  });
  return new ApiError(e.status, { ...e.problem, errors }, e.retryAfter);
}

/** What a stopped address is, said above their list. */
export const STOPPED_ABOUT =
  'Mail to these addresses bounced or was reported as spam, so the portal stopped sending there (only the mail that confirms an address still goes).';

/** What the list of stopped addresses shows when empty. */
export const STOPPED_EMPTY =
  'No stopped addresses. When mail to an address bounces or is reported as spam, the portal stops sending there and lists it here.';

/** Why mail to an address stopped, as its badge says it. */
export function stopReasonLabel(reason: string): string {
  if (reason === 'bounce') return 'Bounced';
  if (reason === 'complaint') return 'Reported as spam';
  return sentenceCase(reason.replace(/_/g, ' '));
}

/** What the detail of a stop is called: the receiving server's words, or the complaint's type. */
export const stopDetailLabel = (reason: string) => (reason === 'complaint' ? 'Complaint type' : 'Server’s reply');

/** Said after "Start mail again". */
export const startedSentence = (email: string) => `Mail to ${email} starts again.`;

/** Said under an address only its owner can start mail to again. */
export const OWNER_ONLY = 'Only its owner can start mail again, by confirming the address from their account settings.';

/**
 * Why starting mail again failed: an address no longer stopped (someone started it meanwhile) is
 * said plainly; a complaint's refusal (409) says why, in the server's words.
 */
export function startAgainError(e: unknown, email: string): string {
  if (e instanceof ApiError && e.status === 404)
    return `${email} is no longer stopped (someone may have started mail to it again already). The list is up to date now.`;
  return errorMessage(e);
}
