// Formulas of calculated fields, parsed and evaluated exactly as the server does
// (kt_domain::forms::calc): numbers, field keys, + - * /, parentheses, min, max, abs,
// round(x, places), floor, ceil.
import { CalcError, add, ceilFixed, div, fixedOf, floorFixed, mul, round, SCALE, sub, checked } from './fixed';

export type Expr =
  | { kind: 'number'; value: bigint }
  | { kind: 'field'; key: string }
  | { kind: 'neg'; expr: Expr }
  | { kind: 'bin'; op: string; left: Expr; right: Expr }
  | { kind: 'call'; name: string; args: Expr[] };

const FUNCTIONS = ['min', 'max', 'abs', 'round', 'floor', 'ceil'];

class Parser {
  at = 0;
  constructor(private src: string) {}

  peek(): string | undefined {
    while (this.at < this.src.length && /\s/.test(this.src[this.at])) this.at += 1;
    return this.src[this.at];
  }

  expr(depth: number): Expr {
    if (depth > 32) throw new CalcError('nests too deeply');
    let left = this.term(depth);
    for (let c = this.peek(); c === '+' || c === '-'; c = this.peek()) {
      this.at += 1;
      left = { kind: 'bin', op: c, left, right: this.term(depth) };
    }
    return left;
  }

  term(depth: number): Expr {
    let left = this.unary(depth);
    for (let c = this.peek(); c === '*' || c === '/'; c = this.peek()) {
      this.at += 1;
      left = { kind: 'bin', op: c, left, right: this.unary(depth) };
    }
    return left;
  }

  unary(depth: number): Expr {
    if (this.peek() === '-') {
      this.at += 1;
      return { kind: 'neg', expr: this.unary(depth + 1) };
    }
    return this.primary(depth);
  }

  primary(depth: number): Expr {
    const c = this.peek();
    if (c === '(') {
      this.at += 1;
      const e = this.expr(depth + 1);
      if (this.peek() !== ')') throw new CalcError('misses a closing parenthesis');
      this.at += 1;
      return e;
    }
    if (c !== undefined && /[0-9.]/.test(c)) {
      const start = this.at;
      while (this.at < this.src.length && /[0-9.]/.test(this.src[this.at])) this.at += 1;
      const text = this.src.slice(start, this.at);
      const v = /^\d*\.?\d*$/.test(text) && text !== '.' ? fixedOf(text) : null;
      if (v === null) throw new CalcError(`has a bad number ${text}`);
      return { kind: 'number', value: v };
    }
    if (c !== undefined && /[a-z]/.test(c)) {
      const start = this.at;
      while (this.at < this.src.length && /[a-z0-9_]/.test(this.src[this.at])) this.at += 1;
      const name = this.src.slice(start, this.at);
      if (this.peek() !== '(') return { kind: 'field', key: name };
      if (!FUNCTIONS.includes(name)) throw new CalcError(`has no function ${name}`);
      this.at += 1;
      const args: Expr[] = [];
      if (this.peek() !== ')') {
        for (;;) {
          args.push(this.expr(depth + 1));
          const n = this.peek();
          if (n === ',') this.at += 1;
          else if (n === ')') break;
          else throw new CalcError(`misses a closing parenthesis after ${name}(`);
        }
      }
      this.at += 1;
      const ok = ['abs', 'floor', 'ceil'].includes(name) ? args.length === 1 : name === 'round' ? args.length === 2 : args.length > 0;
      if (!ok) throw new CalcError(`calls ${name} with the wrong number of values`);
      return { kind: 'call', name, args };
    }
    if (c === undefined) throw new CalcError('ends too early');
    throw new CalcError(`has an unexpected ${c}`);
  }
}

export const parseFormula = (src: string): Expr => {
  if (src.trim() === '' || src.length > 500) throw new CalcError('write a formula of 1 to 500 characters');
  const p = new Parser(src);
  const e = p.expr(0);
  const rest = p.peek();
  if (rest !== undefined) throw new CalcError(`has an unexpected ${rest}`);
  return e;
};

export const evalExpr = (e: Expr, value: (key: string) => bigint): bigint => {
  switch (e.kind) {
    case 'number':
      return e.value;
    case 'field':
      return value(e.key);
    case 'neg':
      return checked(-evalExpr(e.expr, value));
    case 'bin': {
      const a = evalExpr(e.left, value);
      const b = evalExpr(e.right, value);
      return e.op === '+' ? add(a, b) : e.op === '-' ? sub(a, b) : e.op === '*' ? mul(a, b) : div(a, b);
    }
    case 'call': {
      const vals = e.args.map((a) => evalExpr(a, value));
      switch (e.name) {
        case 'min':
          return vals.reduce((m, v) => (v < m ? v : m));
        case 'max':
          return vals.reduce((m, v) => (v > m ? v : m));
        case 'abs':
          return vals[0] < 0n ? -vals[0] : vals[0];
        case 'floor':
          return floorFixed(vals[0]);
        case 'ceil':
          return ceilFixed(vals[0]);
        default: {
          const places = vals[1] / SCALE;
          if (places < 0n || places > 6n) throw new CalcError('rounds to 0 to 6 places only');
          return round(vals[0], Number(places));
        }
      }
    }
  }
};
