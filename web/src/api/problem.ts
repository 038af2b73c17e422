// problem+json answers (RFC 9457) as the UI uses them: one message per field at fault, and a
// summary for the rest.
import type { Schemas } from './client';

export type Problem = Schemas['Problem'];
export type FieldErrors = Record<string, string>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
  ) {
    super(problem?.detail ?? problem?.title ?? `Request failed (${status})`);
  }
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'status' in value && 'title' in value;
}

/** The first message for each field the server named. */
export function fieldErrors(problem: Problem | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const { field, message } of problem?.errors ?? []) out[field] ??= message;
  return out;
}

/** What to say above the form: the errors on fields the form does not show, or the problem's title. */
export function summary(problem: Problem | undefined, shownFields: Iterable<string>, status = 0): string {
  const shown = new Set(shownFields);
  const others = (problem?.errors ?? []).filter((e) => !shown.has(e.field));
  if (others.length) return others.map((e) => `${e.field}: ${e.message}`).join('; ');
  if (problem?.errors?.length) return problem.title;
  return problem?.detail ?? problem?.title ?? (status ? `Something went wrong (${status}).` : 'The portal could not be reached.');
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a successful answer; otherwise throws an ApiError carrying the problem. */
export function unwrap<T>({ data, error, response }: Answer<T>): T {
  if (response.ok) return data as T;
  throw new ApiError(response.status, isProblem(error) ? error : undefined);
}
