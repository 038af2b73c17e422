// Money as the API sends it: exact decimal strings ("1234.50") read into BigInt scaled integers,
// never JS numbers. One rounding rule, the server's (shared/domain/src/money.rs): half away from
// zero at the currency's minor units.

/** `units / 10^scale`, exactly. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

/** ISO 4217 currencies the portal bills in, with their minor units (shared/domain/src/money.rs). */
// prettier-ignore
export const MINOR_UNITS: Readonly<Record<string, number>> = {
  AED: 2, AUD: 2, BGN: 2, BHD: 3, BRL: 2, CAD: 2, CHF: 2, CLP: 0,
  CNY: 2, CZK: 2, DKK: 2, EUR: 2, GBP: 2, HKD: 2, HUF: 2, IDR: 2,
  ILS: 2, INR: 2, ISK: 0, JOD: 3, JPY: 0, KRW: 0, KWD: 3, MXN: 2,
  MYR: 2, NOK: 2, NZD: 2, OMR: 3, PHP: 2, PLN: 2, RON: 2, SAR: 2,
  SEK: 2, SGD: 2, THB: 2, TND: 3, TRY: 2, TWD: 2, UAH: 2, USD: 2,
  VND: 0, ZAR: 2,
};

export const CURRENCIES = Object.keys(MINOR_UNITS);

/** Digits after the point in `code` (2 for EUR, 0 for JPY, 3 for KWD); undefined for a code the portal does not bill in. */
export const minorUnits = (code: string): number | undefined => MINOR_UNITS[code.trim().toUpperCase()];

export const pow10 = (n: number): bigint => 10n ** BigInt(n);

const PLAIN = /^-?\d+(\.\d+)?$/;

/** A plain decimal as people and the API write it (`12`, `-3.5`, `0.125`); null for anything else (no exponent, no grouping). */
export function parseDecimal(text: string): Decimal | null {
  const t = text.trim();
  if (!PLAIN.test(t)) return null;
  const [int, frac = ''] = t.replace('-', '').split('.');
  const units = BigInt(int + frac);
  return { units: t.startsWith('-') ? -units : units, scale: frac.length };
}

/** `num / den` rounded to a whole number, half away from zero. */
export function roundRatio(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  const negative = num < 0n !== den < 0n;
  const n = num < 0n ? -num : num;
  const d = den < 0n ? -den : den;
  const q = n / d;
  const rounded = 2n * (n % d) >= d ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** `d` rounded by the rounding rule, as a count of minor units (cents when `minor` is 2). */
export function toMinor(d: Decimal, minor: number): bigint {
  return d.scale <= minor ? d.units * pow10(minor - d.scale) : roundRatio(d.units, pow10(d.scale - minor));
}

/** A count of minor units written with exactly `minor` digits after the point (`1250n, 2` -> `"12.50"`). */
export function formatMinor(amount: bigint, minor: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(minor + 1, '0');
  const int = digits.slice(0, digits.length - minor);
  const text = minor ? `${int}.${digits.slice(digits.length - minor)}` : int;
  return negative ? `-${text}` : text;
}

/** Whether `amount` reads as zero (`"0.00"`, `"-0"`). */
export const isZeroAmount = (amount: string) => parseDecimal(amount)?.units === 0n;

/** -1, 0 or 1 as `a` is below, equal to or above `b`. */
export function compare(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * pow10(scale - a.scale);
  const y = b.units * pow10(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The sum of amounts written as strings, in minor units; unreadable ones count as nothing. */
export function sumMinor(amounts: readonly string[], minor: number): bigint {
  return amounts.reduce((sum, a) => {
    const d = parseDecimal(a);
    return d ? sum + toMinor(d, minor) : sum;
  }, 0n);
}

const groups = (int: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

const formats = new Map<string, Intl.NumberFormat | null>();

function currencyFormat(code: string): Intl.NumberFormat | null {
  if (!formats.has(code)) {
    try {
      formats.set(code, new Intl.NumberFormat('en', { style: 'currency', currency: code }));
    } catch {
      formats.set(code, null);
    }
  }
  return formats.get(code) ?? null;
}

/**
 * An amount for people: the digits exactly as given, grouped in thousands, with the currency's
 * sign where the language puts it (`"1234.5", "EUR"` -> `"€1,234.50"`). Intl lends only the sign:
 * it would read the amount as a float.
 */
export function formatMoney(amount: string, currency: string): string {
  const d = parseDecimal(amount);
  if (!d) return `${amount} ${currency}`;
  const minor = minorUnits(currency) ?? d.scale;
  const text = formatMinor(toMinor(d, Math.max(minor, 0)), minor);
  const negative = text.startsWith('-');
  const [int, frac] = (negative ? text.slice(1) : text).split('.');
  const number = frac === undefined ? groups(int) : `${groups(int)}.${frac}`;
  const nf = currencyFormat(currency.trim().toUpperCase());
  if (!nf) return `${negative ? '-' : ''}${currency} ${number}`;
  let out = '';
  let placed = false;
  for (const part of nf.formatToParts(0)) {
    if (part.type === 'currency' || part.type === 'literal') out += part.value;
    else if (!placed && (part.type === 'integer' || part.type === 'nan')) {
      out += number;
      placed = true;
    }
  }
  return `${negative ? '-' : ''}${out.trim()}`;
}

/** An exact percentage for people: `"7.500"` -> `"7.5%"`. */
export function formatPercent(percent: string): string {
  const d = parseDecimal(percent);
  if (!d) return `${percent}%`;
  const text = d.scale ? formatMinor(d.units, d.scale).replace(/\.?0+$/, '') : d.units.toString();
  return `${text}%`;
}
