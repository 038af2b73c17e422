// The live form's engine against the server's test vectors: both must give the same path,
// visible fields, values and errors for every case.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, nextPage } from './engine';
import { format, fixedOf, mul, div } from './fixed';
import { evalExpr, parseFormula } from './calc';
import type { FormDocument, Json, UploadInfo } from './types';

interface Case {
  answers: Record<string, Json>;
  uploads?: Record<string, UploadInfo>;
  next?: { from: string; to: string | null };
  expect: { path: string[]; visible: string[]; values: Record<string, Json>; errors: Record<string, string> };
}
interface Vector {
  name: string;
  form: FormDocument;
  cases: Case[];
}

const vectors: Vector[] = JSON.parse(readFileSync(resolve(__dirname, '../../../shared/domain/tests/form_vectors.json'), 'utf8'));

describe('the form engine matches the server on every shared vector', () => {
  for (const v of vectors) {
    v.cases.forEach((c, i) => {
      it(`${v.name} (case ${i})`, () => {
        const got = evaluate(v.form, c.answers, (id) => c.uploads?.[id]);
        expect(got).toEqual(c.expect);
        if (c.next) expect(nextPage(v.form, c.answers, c.next.from)).toBe(c.next.to);
      });
    });
  }
  it('runs them all', () => {
    expect(vectors.reduce((n, v) => n + v.cases.length, 0)).toBeGreaterThanOrEqual(15);
  });
});

describe('fixed-point formulas', () => {
  const calc = (src: string) =>
    format(
      evalExpr(parseFormula(src), () => 0n),
      6,
    );
  it('truncates toward zero and rounds half away from zero', () => {
    expect(calc('10 / 3')).toBe('3.333333');
    expect(calc('-10 / 3')).toBe('-3.333333');
    expect(calc('round(2.5, 0) + round(-2.5, 0)')).toBe('0.000000');
    expect(format(mul(fixedOf('1.5')!, fixedOf('1.5')!), 2)).toBe('2.25');
    expect(() => div(1n, 0n)).toThrow('cannot divide by zero');
    expect(() => calc('1000000000000000 * 2')).toThrow('is out of range');
    expect(() => parseFormula('sqrt(4)')).toThrow('has no function sqrt');
  });
});
