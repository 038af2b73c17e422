// The builder's conversions: a form's schedule between RFC 3339 and the browser's local
// date-time input, and the server's errors on the document sorted by field and rule.

const two = (n: number) => String(n).padStart(2, '0');

/** An RFC 3339 instant as a `datetime-local` value in this browser's zone ('' for none). */
export function toLocalInput(at: string | null | undefined): string {
  if (!at) return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** A `datetime-local` value (this browser's zone) as RFC 3339 in UTC (null for none). */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface PathErrors {
  /** By `page-index` of the field: its settings' errors (`key`, `options`, …). */
  fields: Record<string, Record<string, string>>;
  /** By rule number. */
  rules: Record<number, string>;
}

/** Sorts `document.pages[0].fields[2].options` and `document.rules[1].then[0]` errors. */
export function pathErrors(errors: Record<string, string>): PathErrors {
  const out: PathErrors = { fields: {}, rules: {} };
  for (const [path, message] of Object.entries(errors)) {
    const f = /^document\.pages\[(\d+)\]\.fields\[(\d+)\]\.(\w+)$/.exec(path);
    if (f) {
      const at = `${f[1]}-${f[2]}`;
      out.fields[at] ??= {};
      out.fields[at][f[3]] ??= message;
      continue;
    }
    const r = /^document\.rules\[(\d+)\]/.exec(path);
    if (r) out.rules[Number(r[1])] ??= message;
  }
  return out;
}
