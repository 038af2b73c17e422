// Fixed-point arithmetic for calculated form fields, the same to the digit as the server's
// (kt_domain::forms::calc): whole millionths; `*` and `/` truncate toward zero; dividing by zero
// and values beyond ±10^15 are errors; results round half away from zero.

export const SCALE = 1_000_000n;
const LIMIT = 1_000_000_000_000_000n * SCALE;

export class CalcError extends Error {}

export const checked = (v: bigint): bigint => {
  if ((v < 0n ? -v : v) > LIMIT) throw new CalcError('is out of range');
  return v;
};

/** A decimal written as text (`-12.5`), with its digits and places, or null. */
export const parseDecimal = (raw: string): { digits: bigint; scale: number } | null => {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(raw.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const frac = m[3] ?? '';
  const digits = BigInt(`${m[2] || '0'}${frac}`);
  return { digits: m[1] === '-' ? -digits : digits, scale: frac.length };
};

/** Millionths of a decimal of at most 6 places within range, else null. */
export const fixedOf = (raw: string): bigint | null => {
  const d = parseDecimal(raw);
  if (!d || d.scale > 6) return null;
  const v = d.digits * 10n ** BigInt(6 - d.scale);
  return (v < 0n ? -v : v) > LIMIT ? null : v;
};

export const fromInt = (n: number): bigint => BigInt(n) * SCALE;

export const round = (v: bigint, places: number): bigint => {
  const unit = 10n ** BigInt(6 - Math.min(places, 6));
  let q = v / unit;
  const r = v % unit;
  const abs = r < 0n ? -r : r;
  if (abs * 2n >= unit) q += v < 0n ? -1n : 1n;
  return q * unit;
};

export const format = (v: bigint, places: number): string => {
  const r = round(v, places);
  const neg = r < 0n;
  const abs = neg ? -r : r;
  const whole = abs / SCALE;
  const frac = abs % SCALE;
  let s = neg && abs !== 0n ? `-${whole}` : `${whole}`;
  if (places > 0) s += `.${frac.toString().padStart(6, '0').slice(0, Math.min(places, 6))}`;
  return s;
};

export const add = (a: bigint, b: bigint) => checked(a + b);
export const sub = (a: bigint, b: bigint) => checked(a - b);
export const mul = (a: bigint, b: bigint) => {
  const p = a * b;
  // The server's i128 overflows far beyond the limit: an error either way.
  return checked(p / SCALE);
};
export const div = (a: bigint, b: bigint) => {
  if (b === 0n) throw new CalcError('cannot divide by zero');
  return checked((a * SCALE) / b);
};
export const floorFixed = (v: bigint): bigint => {
  let q = v / SCALE;
  if (v % SCALE !== 0n && v < 0n) q -= 1n;
  return q * SCALE;
};
export const ceilFixed = (v: bigint): bigint => -floorFixed(-v);

/** A decimal string without trailing zeros (`1500.50` → `1500.5`, `-0` → `0`). */
export const normalize = (raw: string): string => {
  const d = parseDecimal(raw);
  if (!d) return raw;
  let { digits, scale } = d;
  while (scale > 0 && digits % 10n === 0n) {
    digits /= 10n;
    scale -= 1;
  }
  const neg = digits < 0n;
  const s = (neg ? -digits : digits).toString().padStart(scale + 1, '0');
  const body = scale > 0 ? `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}` : s;
  return neg ? `-${body}` : body;
};

/** Compares two decimal strings (-1, 0, 1). */
export const compareDecimal = (a: string, b: string): number | null => {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return null;
  const s = Math.max(x.scale, y.scale);
  const xa = x.digits * 10n ** BigInt(s - x.scale);
  const ya = y.digits * 10n ** BigInt(s - y.scale);
  return xa < ya ? -1 : xa > ya ? 1 : 0;
};
