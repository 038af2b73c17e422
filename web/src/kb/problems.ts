// The KB's field errors in the shape its forms show them: the server's paths renamed to the
// form's fields (`related[2]` is the related-articles picker, `tags[1]` the tags field) and its
// KB messages as sentences for people (the shared vocabulary in api/messages.ts stays lean,
// as every screen loads it).
import { ApiError } from '../api/problem';

const FIELDS: [RegExp, string][] = [
  [/^related(_ids)?(\[\d+\])?$/, 'related'],
  [/^access\.org_ids(\[\d+\])?$/, 'orgs'],
  [/^access(\.level)?$/, 'level'],
  [/^tags\[\d+\]$/, 'tags'],
];

const SAY: [field: RegExp, message: RegExp, say: string][] = [
  [/^slug$/, /^is the address of another article/, 'Another article already has this address. Choose another.'],
  [/^slug$/, /^use lower-case letters/, 'Use lower-case letters, digits and single hyphens (at most 80 characters).'],
  [/^category_id$/, /./, 'Choose a category from the list.'],
  [/^related$/, /^use at most|^name at most/, 'Choose at most 10 related articles.'],
  [/^related$/, /./, 'Choose related articles of this knowledge base from the list.'],
  [/^orgs$/, /^name 1 to (\d+)/, 'Choose at least one organization.'],
  [/^orgs$/, /only for the clients level/, 'Organizations are chosen only for the chosen client organizations level.'],
  [/^orgs$/, /./, 'Choose organizations from the list.'],
  [/^tags$/, /without commas|characters/, 'Keep each tag to 1–40 characters, separated by commas.'],
  [/^parent_id$/, /^categories go three levels deep/, 'Categories go three levels deep: choose a parent higher up.'],
  [/^parent_id$/, /^cannot be the category itself/, 'A category cannot go under itself or one of its own sub-categories.'],
  [/^parent_id$/, /deeper than three levels/, 'Its sub-categories would go deeper than three levels: choose a parent higher up.'],
  [/^parent_id$/, /./, 'Choose a parent from the list.'],
  [/^comment$/, /at most 2,000 characters/, 'Shorten the comment to at most 2,000 characters.'],
  [/^publish_at$/, /within a year/, 'Choose a time within a year.'],
  [/^publish_at$/, /./, 'Enter a date and time.'],
  [/^content_type$/, /PNG, JPEG, GIF or WebP/, 'Choose a PNG, JPEG, GIF or WebP image.'],
  [/^size$/, /^an image is 1 byte to/, 'Choose an image of at most 10 MB.'],
];

const renamed = (field: string) => FIELDS.find(([f]) => f.test(field))?.[1] ?? field;

/** `e` with the KB's field errors named and worded for its forms (anything else as it is). */
export function kbProblem(e: unknown): unknown {
  if (!(e instanceof ApiError) || !e.problem?.errors?.length) return e;
  const errors = e.problem.errors.map(({ field, message }) => {
    const name = renamed(field);
    const say = SAY.find(([f, m]) => f.test(name) && m.test(message))?.[2];
    return { field: name, message: say ?? message };
  });
  return new ApiError(e.status, { ...e.problem, errors }, e.retryAfter);
}

/** Runs `act`, throwing its failure as the KB's forms show it. */
export async function kbCall<T>(act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (e) {
    throw kbProblem(e);
  }
}
