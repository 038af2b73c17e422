// Small pure parts of filling a form, kept apart to be tested on their own.
import type { Problem } from '../api/problem';
import type { Field } from './types';

/** The server's errors on answers (`answers.<key>`) by field key, first message each. */
export function answerErrors(problem: Problem | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, message } of problem?.errors ?? []) {
    if (!field.startsWith('answers.')) continue;
    const key = field.slice('answers.'.length);
    out[key] ??= message.replace(/\.$/, '');
  }
  return out;
}

/** How a field is named to people. */
export const fieldLabel = (f: Pick<Field, 'key' | 'label'>) => (f.label?.trim() ? f.label.trim() : f.key);

/** Where `page` is on the path of pages visited (the first when it is not on it). */
export const pageIndex = (path: string[], page: string) => Math.max(0, path.indexOf(page));
