// The search language's faults (`q` of a search, `query` of a saved one) and the saved
// searches' names, as sentences for people. The server says exactly what is wrong and where
// ("close the quote opened at character 7"); this keeps that and says it as a sentence (the
// shared vocabulary in api/messages.ts stays lean, as every screen loads it).
import { ApiError } from '../api/problem';

type Say = string | ((m: RegExpMatchArray) => string);

/** A value for each filter, for saying how one is written. */
const EXAMPLE: Record<string, string> = {
  type: 'ticket',
  status: 'open',
  priority: 'high',
  from: 'dana',
  org: 'globex',
  tag: 'billing',
  after: '2026-12-01',
  before: '2026-12-01',
};

const QUERY: [RegExp, Say][] = [
  [/^close the quote opened at character (\d+)/, (m) => `Close the quote opened at character ${m[1]}.`],
  [
    /^the quotes at character (\d+) hold nothing/,
    (m) => `The quotes at character ${m[1]} hold nothing: put words between them or remove them.`,
  ],
  [/^(\w+):(.*) is not known; use one of (.+)$/, (m) => `“${m[1]}:${m[2]}” is not known: use ${m[1]}: with one of ${m[3]}.`],
  [/^(\w+):(.*) is not a day; write it like (\S+)$/, (m) => `“${m[1]}:${m[2]}” is not a day: write it like ${m[3]}.`],
  [
    /^(\w+): needs a value \(character (\d+)\)/,
    (m) => `Give ${m[1]}: a value (character ${m[2]}), such as ${m[1]}:${EXAMPLE[m[1]] ?? 'word'}.`,
  ],
  [/^-(\w+): cannot be excluded/, (m) => `A filter cannot be excluded with -: write ${m[1]}: with the values you want instead.`],
  [/^after: must be earlier than before:/, 'Choose an after: day earlier than the before: day.'],
  [/^use at most (\d+) characters/, (m) => `Shorten the search to at most ${m[1]} characters.`],
  [/^use at most (\d+) words and phrases/, (m) => `Use at most ${m[1]} words and phrases.`],
  [/^(\w+): is not a filter/, (m) => `There is no filter called “${m[1]}:”. See “How to search” for the filters.`],
];

const NAME: [RegExp, Say][] = [
  [/^you have a saved search of this name/, 'You already have a saved search with this name. Choose another.'],
  [/^use 1 to (\d+) characters/, (m) => `Name it in 1 to ${m[1]} characters, on one line.`],
];

function sentence(text: string): string {
  const t = text.trim();
  if (!t) return t;
  const s = t[0].toUpperCase() + t.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

function reword(rules: [RegExp, Say][], message: string): string {
  for (const [pattern, say] of rules) {
    const m = message.trim().match(pattern);
    if (m) return typeof say === 'string' ? say : say(m);
  }
  return sentence(message);
}

/** What to say about the search `message` the server wrote for `q` or `query`. */
export const queryMessage = (message: string) => reword(QUERY, message);

/** What to say about the saved search name's `message`. */
export const nameMessage = (message: string) => reword(NAME, message);

/** The message for the query's fault in `e` (a 422 naming `q` or `query`), if that is what it is. */
export function queryFault(e: unknown): string | null {
  if (!(e instanceof ApiError) || e.status !== 422) return null;
  const fault = e.problem?.errors?.find((x) => x.field === 'q' || x.field === 'query');
  return fault ? queryMessage(fault.message) : null;
}

/** `e` with the search's field errors worded for people (anything else as it is). */
export function searchProblem(e: unknown): unknown {
  if (!(e instanceof ApiError) || !e.problem?.errors?.length) return e;
  const errors = e.problem.errors.map(({ field, message }) => ({
    field,
    message: field === 'q' || field === 'query' ? queryMessage(message) : field === 'name' ? nameMessage(message) : message,
  }));
  return new ApiError(e.status, { ...e.problem, errors }, e.retryAfter);
}
