// Field errors in the shape a form shows them: the server's paths renamed to the form's field
// names, and the form's own checks (before anything is sent) as the same kind of problem.
import { ApiError } from '../api/problem';

/** `e` with each field error renamed by `rename` (other errors as they are). */
export function renamed(e: unknown, rename: (field: string) => string): unknown {
  if (!(e instanceof ApiError) || !e.problem?.errors?.length) return e;
  const errors = e.problem.errors.map((x) => ({ ...x, field: rename(x.field) }));
  return new ApiError(e.status, { ...e.problem, errors }, e.retryAfter);
}

/** The form's own check failing on `fields`, each with `message` (a sentence for people). */
export function formProblem(fields: readonly string[], message: string): ApiError {
  return new ApiError(422, {
    type: 'about:blank',
    title: 'Some fields are not valid',
    status: 422,
    errors: fields.map((field) => ({ field, message })),
  });
}
