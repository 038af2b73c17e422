// Small pure parts of reading what a form gathered.
import type { Field, FormDocument, Json } from './types';

/** `count` of `total` in percent, one decimal ("62.5 %"); "—" of nothing. */
export const share = (count: number, total: number) => (total > 0 ? `${(Math.round((count * 1000) / total) / 10).toFixed(1)} %` : '—');

/** An answer as people read it: choices by their labels, lists joined, parts of an address and rows of a grid on their own lines. */
export function answerText(f: Field | undefined, v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  const label = (x: Json) => {
    const o = typeof x === 'string' ? f?.options?.find((c) => c.value === x) : undefined;
    return o?.label || (typeof x === 'string' ? x : JSON.stringify(x));
  };
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.map(label).join(', ');
  if (typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => (f?.type === 'matrix' ? `${k}: ${String(x)}` : String(x)))
      .join('\n');
  return label(v);
}

/** The fields of a document that take an answer or show a value, in order. */
export const answerFields = (doc: FormDocument) =>
  doc.pages.flatMap((p) => p.fields).filter((f) => !['section', 'paragraph', 'divider'].includes(f.type));
