// The form engine of the live form: which pages are visited, which fields show, the clean
// answers, calculated values and errors — the same evaluation as the server's
// (kt_domain::forms::evaluate), checked against the same test vectors
// (shared/domain/tests/form_vectors.json).
import { CalcError, compareDecimal, fixedOf, format, fromInt } from './fixed';
import { evalExpr, parseFormula } from './calc';
import { checkField, isEmptyAnswer, places } from './fields';
import { type Condition, type FormDocument, type Json, NUMERIC, type UploadInfo } from './types';

export interface Evaluation {
  path: string[];
  visible: string[];
  values: Record<string, Json>;
  errors: Record<string, string>;
}

const textOf = (v: Json): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'boolean' ? String(v) : null;

const same = (a: Json, b: Json, numeric: boolean): boolean => {
  if (numeric) {
    const x = textOf(a);
    const y = textOf(b);
    return x !== null && y !== null && compareDecimal(x, y) === 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return (
      a.length === b.length &&
      a.every((i) => b.some((j) => JSON.stringify(j) === JSON.stringify(i))) &&
      b.every((i) => a.some((j) => JSON.stringify(j) === JSON.stringify(i)))
    );
  }
  if (Array.isArray(a)) return a.length === 1 && same(a[0], b, false);
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b;
  const x = textOf(a);
  const y = textOf(b);
  return x !== null && y !== null && x === y;
};

export const evaluate = (
  doc: FormDocument,
  answers: Record<string, Json>,
  upload: (id: string) => UploadInfo | undefined = () => undefined,
): Evaluation => {
  const fields = new Map(doc.pages.flatMap((p) => p.fields.map((f) => [f.key, f] as const)));
  const rules = doc.rules ?? [];
  const values: Record<string, Json> = {};
  const out: Evaluation = { path: [], visible: [], values, errors: {} };
  const numeric = (key: string) => NUMERIC.includes(fields.get(key)?.type ?? 'text');

  const holds = (c: Condition): boolean => {
    if ('all' in c) return c.all.every(holds);
    if ('any' in c) return c.any.some(holds);
    if ('not' in c) return !holds(c.not);
    const { field, op } = c.test;
    const want = c.test.value ?? null;
    const given = values[field];
    const answer = given === undefined || isEmptyAnswer(given) ? undefined : given;
    const num = numeric(field);
    if (op === 'is_empty') return answer === undefined;
    if (op === 'is_not_empty') return answer !== undefined;
    if (op === 'not_equals') return !(answer !== undefined && same(answer, want, num));
    if (answer === undefined) return false;
    switch (op) {
      case 'equals':
        return same(answer, want, num);
      case 'one_of': {
        const list = Array.isArray(want) ? want : [];
        return Array.isArray(answer) ? answer.some((i) => list.some((w) => same(i, w, false))) : list.some((w) => same(answer, w, num));
      }
      case 'contains': {
        if (Array.isArray(answer)) return answer.some((i) => same(i, want, false));
        const x = textOf(answer);
        const y = textOf(want);
        return x !== null && y !== null && x.toLowerCase().includes(y.toLowerCase());
      }
      default: {
        let ord: number;
        if (num) {
          const x = textOf(answer);
          const y = textOf(want);
          const c2 = x !== null && y !== null ? compareDecimal(x, y) : null;
          if (c2 === null) return false;
          ord = c2;
        } else {
          if (typeof answer !== 'string' || typeof want !== 'string') return false;
          ord = answer < want ? -1 : answer > want ? 1 : 0;
        }
        return op === 'greater_than' ? ord > 0 : op === 'less_than' ? ord < 0 : op === 'at_least' ? ord >= 0 : ord <= 0;
      }
    }
  };

  const amount = (key: string): bigint => {
    const f = fields.get(key);
    const v = values[key];
    if (!f || v === undefined) return 0n;
    const score = (choice: Json): bigint => {
      const o = typeof choice === 'string' ? (f.options ?? []).find((x) => x.value === choice) : undefined;
      return (o?.score != null ? fixedOf(o.score) : null) ?? 0n;
    };
    if (NUMERIC.includes(f.type)) return (textOf(v) !== null ? fixedOf(textOf(v)!) : null) ?? 0n;
    switch (f.type) {
      case 'dropdown':
      case 'radio':
        return score(v);
      case 'multi_select':
      case 'checkboxes':
        return Array.isArray(v) ? v.reduce<bigint>((sum, c) => sum + score(c), 0n) : 0n;
      case 'toggle':
        return fromInt(v === true ? 1 : 0);
      case 'file':
      case 'image':
        return fromInt(Array.isArray(v) ? v.length : 0);
      default:
        return 0n;
    }
  };

  const shownBy = (kind: 'show' | 'show_page') =>
    new Set(
      rules.flatMap((r) =>
        r.then.flatMap((a) => (a.do === kind ? [kind === 'show' ? (a as { field: string }).field : (a as { page: string }).page] : [])),
      ),
    );
  const shownFields = shownBy('show');
  const shownPages = shownBy('show_page');
  const acted = (match: (a: (typeof rules)[number]['then'][number]) => boolean) => rules.some((r) => r.then.some(match) && holds(r.when));

  let i = 0;
  while (i < doc.pages.length) {
    const page = doc.pages[i];
    const pageShown =
      (!shownPages.has(page.key) || acted((a) => a.do === 'show_page' && a.page === page.key)) &&
      !acted((a) => a.do === 'hide_page' && a.page === page.key);
    if (!pageShown) {
      i += 1;
      continue;
    }
    out.path.push(page.key);
    for (const f of page.fields) {
      const shown =
        (!shownFields.has(f.key) || acted((a) => a.do === 'show' && a.field === f.key)) &&
        !acted((a) => a.do === 'hide' && a.field === f.key);
      if (!shown) continue;
      out.visible.push(f.key);
      if (f.type === 'calculated') {
        try {
          if (!f.formula) throw new CalcError('has no formula');
          values[f.key] = format(evalExpr(parseFormula(f.formula), amount), places(f));
        } catch (e) {
          if (!(e instanceof CalcError)) throw e;
          out.errors[f.key] = e.message;
        }
        continue;
      }
      const r = checkField(f, answers[f.key], upload);
      if (r.error !== undefined) out.errors[f.key] = r.error;
      else if (r.value !== undefined) values[f.key] = r.value;
    }
    let skip: number | undefined;
    for (const r of rules) {
      for (const a of r.then) {
        if (skip === undefined && a.do === 'skip_to' && a.from === page.key && holds(r.when)) {
          const to = doc.pages.findIndex((p) => p.key === a.to);
          if (to >= 0) skip = to;
        }
      }
      if (skip !== undefined) break;
    }
    i = skip !== undefined && skip > i ? skip : i + 1;
  }
  return out;
};

/** The page after `current` with these answers (null: the last). */
export const nextPage = (doc: FormDocument, answers: Record<string, Json>, current: string): string | null => {
  const { path } = evaluate(doc, answers);
  const at = path.indexOf(current);
  return at < 0 ? null : (path[at + 1] ?? null);
};
