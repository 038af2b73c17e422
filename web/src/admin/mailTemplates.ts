// Mail templates as the editor says and does them: the address of a kind's editor, a variable
// inserted where the cursor is, the server's field errors worded for the editor, what is said
// after saving or resetting, and the preview asked a moment after the typing stops (the request
// before it aborted when newer text goes, and only the newest answer shown).
import { ApiError } from '../api/problem';

/** How long the typing pauses before the preview is asked for. */
export const PREVIEW_DELAY = 400;

/** The editor's address: the kind of mail chosen (if any) of the tenant named (if any). */
export function templatesHref(kind?: string, tenant?: string): string {
  const q = new URLSearchParams();
  if (tenant) q.set('tenant', tenant);
  if (kind) q.set('kind', kind);
  const s = q.toString();
  return `/admin/mail-templates${s ? `?${s}` : ''}`;
}

/**
 * The kinds of mail as the list groups them, each in the server's order: mail people are sent
 * one at a time (invitations, sign-in links, answers), then the notifications (which carry an
 * unsubscribe link and the notification-settings footer). A group with nothing is left out.
 */
export function groupTemplates<T extends { notification: boolean }>(items: readonly T[]): { heading: string; items: T[] }[] {
  return [
    { heading: 'Account and other mail', items: items.filter((t) => !t.notification) },
    { heading: 'Notifications', items: items.filter((t) => t.notification) },
  ].filter((g) => g.items.length);
}

/** A variable as a template writes it. */
export const variableToken = (name: string) => `{{${name}}}`;

/** "Customized" (the tenant's own) or "Default". */
export const originLabel = (customized: boolean) => (customized ? 'Customized' : 'Default');

const WORDISH = /[\p{L}\p{N}}]$/u;
const WORDISH_START = /^[\p{L}\p{N}{]/u;

/**
 * `insert` put in place of the selection `start`..`end` of `text` (the cursor when they are
 * equal), with a space between it and a word it would otherwise touch. Returns the new text and
 * the cursor just after what was inserted.
 */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const clamp = (n: number) => Math.max(0, Math.min(text.length, Number.isFinite(n) ? n : text.length));
  const from = clamp(Math.min(start, end));
  const to = clamp(Math.max(start, end));
  const before = text.slice(0, from);
  const after = text.slice(to);
  const lead = WORDISH.test(before) ? ' ' : '';
  const trail = WORDISH_START.test(after) ? ' ' : '';
  const head = `${before}${lead}${insert}`;
  return { text: `${head}${trail}${after}`, caret: head.length };
}

const n = (digits: string) => Number(digits).toLocaleString('en-US');

const SAY: [field: RegExp, message: RegExp, say: string | ((m: RegExpMatchArray) => string)][] = [
  [
    /^(subject|body)$/,
    /^\{\{\s*(.*?)\s*\}\} is not a variable of this mail; use (.+)$/,
    (m) =>
      `“{{${m[1]}}}” is not a variable of this mail. Use one of: ${m[2]
        .split(/,\s*/)
        .map((v) => variableToken(v.trim()))
        .join(', ')}.`,
  ],
  [/^(subject|body)$/, /^has a \{\{ without its closing \}\}/, 'Close each {{ with }}.'],
  [/^subject$/, /^use 1 to (\d+) characters on one line/, (m) => `Write a subject of 1 to ${n(m[1])} characters, on one line.`],
  [/^body$/, /^(is required|missing field)/, 'Write the body of the mail.'],
  [/^body$/, /^use at most (\d+) characters/, (m) => `Shorten the body to at most ${n(m[1])} characters.`],
];

/** `e` with its field errors as the editor shows them (others as they are). */
export function templateProblem(e: unknown): unknown {
  if (!(e instanceof ApiError) || !e.problem?.errors?.length) return e;
  const errors = e.problem.errors.map(({ field, message }) => {
    for (const [f, m, say] of SAY) {
      const match = f.test(field) ? message.trim().match(m) : null;
      if (match) return { field, message: typeof say === 'string' ? say : say(match) };
    }
    return { field, message };
  });
  return new ApiError(e.status, { ...e.problem, errors }, e.retryAfter);
}

/** Said after saving. */
export const savedSentence = (label: string) => `Saved. “${label}” mail is written from your template now.`;

/** Said after resetting. */
export const resetSentence = (label: string) => `Reset. “${label}” mail is written from the default template again.`;

/** Said when someone else changed the template since it was opened. */
export const STALE = 'Someone else changed this template since you opened it. Reload to see their version, then make your change again.';

export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface Latest<I> {
  /** The input changed: asked for after `delay` without a further change. */
  update(input: I): void;
  /** Asked for now (the first time, or a refresh). */
  now(input: I): void;
  /** Stops waiting and drops the request under way (the editor goes away). */
  stop(): void;
}

/**
 * Runs `run` for the newest input only: `update` waits for `delay` without a further change,
 * `now` runs at once; a newer run aborts the one under way, whose answer is then not told.
 * `onBusy` is told when a run starts, `onDone` its outcome.
 */
export function latestOnly<I, O>(
  run: (input: I, signal: AbortSignal) => Promise<O>,
  onBusy: () => void,
  onDone: (outcome: Outcome<O>) => void,
  delay = PREVIEW_DELAY,
): Latest<I> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: AbortController | null = null;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    running?.abort();
    running = null;
  };
  const now = (input: I) => {
    cancel();
    const mine = new AbortController();
    running = mine;
    onBusy();
    run(input, mine.signal).then(
      (value) => {
        if (running !== mine) return;
        running = null;
        onDone({ ok: true, value });
      },
      (error: unknown) => {
        if (running !== mine) return;
        running = null;
        onDone({ ok: false, error });
      },
    );
  };
  return {
    update(input) {
      clearTimeout(timer);
      timer = setTimeout(() => now(input), delay);
    },
    now,
    stop: cancel,
  };
}
