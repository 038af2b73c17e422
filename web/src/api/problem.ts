// problem+json answers (RFC 9457) as the UI uses them: one message per field at fault, and a
// summary for the rest, all worded for people by `messages.ts`.
import type { Schemas } from './client';
import { fieldMessage, fieldSentences, parseRetryAfter, problemMessage, type ProblemContext } from './messages';

export type Problem = Schemas['Problem'];
export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    /** Seconds the server asked to wait (Retry-After), for 429s. */
    readonly retryAfter?: number,
  ) {
    super(problemMessage(status, problem, retryAfter));
  }
}

/** A field the app's own check found at fault before asking the server, shown like the server's. */
export class FieldProblem extends ApiError {
  constructor(field: string, message: string) {
    super(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors: [{ field, message }] });
  }
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

/** The first message for each field the server named, worded for people. */
export function fieldErrors(problem: Problem | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const { field, message } of problem?.errors ?? []) out[field] ??= fieldMessage(field, message);
  return out;
}

/**
 * What to say above the form: the errors on fields the form does not show; a pointer to the
 * marked fields when it shows them all; otherwise what the problem means where it happened.
 */
export function summary(
  problem: Problem | undefined,
  shownFields: Iterable<string>,
  status = 0,
  retryAfter?: number,
  context?: ProblemContext,
): string {
  const shown = new Set(shownFields);
  const others = (problem?.errors ?? []).filter((e) => !shown.has(e.field));
  if (others.length) return fieldSentences({ ...problem!, errors: others }).join(' ');
  if (problem?.errors?.length) return 'Please correct the fields marked below.';
  return problemMessage(status, problem, retryAfter, context);
}

/** What to tell a person about any error caught around an API call. */
export function errorMessage(e: unknown, context?: ProblemContext): string {
  if (e instanceof ApiError) return problemMessage(e.status, e.problem, e.retryAfter, context);
  // fetch rejects with a TypeError when there is no answer; other errors are the app's own words.
  if (e instanceof Error && !(e instanceof TypeError)) return e.message;
  return problemMessage(0, undefined);
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer; otherwise throws an ApiError carrying the problem. */
export function unwrap<T>({ data, error, response }: Answer<T>): T {
  if (response.ok) return data as T;
  throw new ApiError(response.status, isProblem(error) ? error : undefined, parseRetryAfter(response.headers?.get('Retry-After')));
}
