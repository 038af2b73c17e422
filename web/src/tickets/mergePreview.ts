// The merge dialog's preview of the ticket being merged into: what the typed number names (as
// the server reads it: ACME-1002, acme-01002, or 1002 in this portal), and what to say about
// the lookup's answer. Pure, so the dialog only wires it to the lookup and the debounce.
import { ApiError, fieldErrors } from '../api/problem';
import { statusLabel } from './labels';

/** How long typing pauses before the number is looked up. */
export const LOOKUP_DELAY_MS = 300;

// The first number a portal gives (kt_domain::ticket::FIRST_TICKET_NUMBER): below it, a prefixed number is no number.
const FIRST_TICKET_NUMBER = 1001;

export interface PreviewTicket {
  id: string;
  number: string;
  subject: string;
  status: string;
}

export type MergePreview =
  | { kind: 'none' }
  | { kind: 'self'; number: string }
  | { kind: 'found'; ticket: PreviewTicket }
  | { kind: 'missing'; number: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'failed' };

export const NO_PREVIEW: MergePreview = { kind: 'none' };

/**
 * The ticket number `input` names, written as the portal writes it (`ACME-1002`); bare digits
 * take the prefix of `own` (this ticket's number). Undefined when nothing is typed or the text
 * is no ticket number (the server then says why).
 */
export function typedNumber(input: string, own: string): string | undefined {
  const text = input.trim();
  const prefixed = /^(.+)-(\d+)$/.exec(text);
  if (prefixed) {
    const n = Number(prefixed[2]);
    return Number.isSafeInteger(n) && n >= FIRST_TICKET_NUMBER ? `${prefixed[1].toUpperCase()}-${n}` : undefined;
  }
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? `${own.replace(/-\d+$/, '')}-${n}` : undefined;
  }
  return undefined;
}

/** What can be said before asking the server: nothing typed, or this very ticket; undefined when a lookup is needed. */
export function previewBeforeLookup(input: string, own: Pick<PreviewTicket, 'number'>): MergePreview | undefined {
  if (!input.trim()) return NO_PREVIEW;
  const number = typedNumber(input, own.number);
  return number === own.number ? { kind: 'self', number } : undefined;
}

/** The preview for the lookup's answer: the ticket found (or none) under `input`. */
export function previewOf(input: string, own: Pick<PreviewTicket, 'id' | 'number'>, found: PreviewTicket | undefined): MergePreview {
  if (found) return found.id === own.id ? { kind: 'self', number: found.number } : { kind: 'found', ticket: found };
  return { kind: 'missing', number: typedNumber(input, own.number) ?? input.trim() };
}

/** The preview when the lookup failed: the server's word on the number (422), or that it could not be asked. */
export function previewOfError(error: unknown): MergePreview {
  const message = error instanceof ApiError && error.status === 422 ? fieldErrors(error.problem).number : undefined;
  return message ? { kind: 'invalid', message } : { kind: 'failed' };
}

/** The preview as one line of text ('' for none). */
export function previewText(preview: MergePreview): string {
  switch (preview.kind) {
    case 'none':
      return '';
    case 'self':
      return `${preview.number} is this ticket: it cannot merge into itself.`;
    case 'found':
      return `${preview.ticket.number} · ${preview.ticket.subject} · ${statusLabel(preview.ticket.status)}`;
    case 'missing':
      return `No ticket ${preview.number} here`;
    case 'invalid':
      return preview.message;
    case 'failed':
      return 'The ticket could not be looked up just now; merging still checks the number.';
  }
}

/** Whether the preview shows a problem with the number (styled as an error). */
export const previewIsProblem = (preview: MergePreview) => preview.kind !== 'none' && preview.kind !== 'found';

/** Whether the confirm button stays disabled: only for this very ticket (the server checks the rest on merge). */
export const previewBlocksMerge = (preview: MergePreview) => preview.kind === 'self';
