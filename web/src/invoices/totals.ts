// An invoice's figures from its lines, by the rules of shared/domain/src/invoice/totals.rs, so
// the editor shows as the user types what the server will compute. Both implementations answer
// shared/domain/tests/vectors/invoice-totals.json in their tests; change the rules there first.
//
// Per line, each step rounded half away from zero at the currency's minor units: quantity ×
// unit price; the line's discount (a percentage, or a fixed sum never above the amount); its
// share of the invoice's discount (a percentage of every line, or a fixed sum split by largest
// remainder in whole minor units, ties to the earlier line); then taxes on what is left:
// inclusive rates come out of the price, exclusive ones add to it, compound ones apply to the
// net plus the line's other exclusive taxes. Every total is a sum of the lines' figures.
import { compare, formatMinor, parseDecimal, pow10, roundRatio, toMinor, type Decimal } from './money';

export interface RateInput {
  id: string;
  name?: string;
  /** Percent as written (`"19"`, `"7.5"`). */
  percent: string;
  inclusive: boolean;
  compound: boolean;
}

export interface DiscountInput {
  /** `percent` or `fixed`. */
  kind: string;
  value: string;
}

export interface LineInput {
  quantity: string;
  unit_price: string;
  discount?: DiscountInput | null;
  /** The line's rates, by id, in the order they apply (ids of no rate in `rates` are skipped). */
  tax_rate_ids: readonly string[];
}

export interface TaxFigure {
  rate_id: string;
  name: string;
  percent: string;
  amount: string;
}

export interface LineFigures {
  /** quantity × unit price. */
  amount: string;
  /** The line's own discount plus its share of the invoice's. */
  discount: string;
  /** What the taxes apply to (for inclusive rates: with the tax still in it). */
  net: string;
  taxes: TaxFigure[];
  /** What the line adds to the invoice's total. */
  total: string;
}

export interface Figures {
  lines: LineFigures[];
  subtotal: string;
  discount: string;
  /** Each rate's tax over the lines, in the order the rates first appear. */
  taxes: TaxFigure[];
  total: string;
}

type Discount = { percent: Decimal } | { fixed: Decimal } | null;

const HUNDRED: Decimal = { units: 100n, scale: 0 };
const max0 = (x: bigint) => (x > 0n ? x : 0n);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
const sum = (xs: readonly bigint[]) => xs.reduce((s, x) => s + x, 0n);

function readDiscount(d: DiscountInput | null | undefined): Discount {
  const value = d ? parseDecimal(d.value) : null;
  if (!d || !value) return null;
  if (d.kind === 'percent') return { percent: value };
  if (d.kind === 'fixed') return { fixed: value };
  return null;
}

function clampPercent(p: Decimal): Decimal {
  if (p.units < 0n) return { units: 0n, scale: 0 };
  return compare(p, HUNDRED) > 0 ? HUNDRED : p;
}

/** `p` percent of `minor` (a count of minor units), rounded. */
const percentOf = (minor: bigint, p: Decimal) => roundRatio(minor * p.units, pow10(p.scale) * 100n);

/** Splits `whole` over `weights` in proportion, by largest remainder, so the shares add up to it exactly. */
function allocate(whole: bigint, weights: readonly bigint[]): bigint[] {
  const total = sum(weights);
  if (total === 0n || whole === 0n) return weights.map(() => 0n);
  const shares = weights.map((w) => (whole * w) / total);
  const remainders = weights.map((w) => (whole * w) % total);
  let left = whole - sum(shares);
  const order = weights.map((_, i) => i).sort((a, b) => (remainders[b] > remainders[a] ? 1 : remainders[b] < remainders[a] ? -1 : a - b));
  for (let k = 0; left > 0n; k = (k + 1) % order.length) {
    shares[order[k]] += 1n;
    left -= 1n;
  }
  return shares;
}

interface Rate {
  id: string;
  name: string;
  percentText: string;
  percent: Decimal;
  inclusive: boolean;
  compound: boolean;
}

interface Tax {
  rate: Rate;
  amount: bigint;
}

function lineTaxes(net: bigint, rates: readonly Rate[]): Tax[] {
  const inclusive = rates.filter((r) => r.inclusive);
  // The inclusive rates' sum over one denominator: 1 + Σ p/100 = (D + I) / D.
  const scale = Math.max(0, ...inclusive.map((r) => r.percent.scale));
  const D = 100n * pow10(scale);
  const I = sum(inclusive.map((r) => r.percent.units * pow10(scale - r.percent.scale)));
  const exInclusive = I === 0n ? net : roundRatio(net * D, D + I);
  const taxes: Tax[] = [];
  let inclusiveLeft = net - exInclusive;
  inclusive.forEach((rate, k) => {
    const amount = k + 1 === inclusive.length ? inclusiveLeft : percentOf(exInclusive, rate.percent);
    inclusiveLeft -= amount;
    taxes.push({ rate, amount });
  });
  let simple = 0n;
  for (const rate of rates.filter((r) => !r.inclusive && !r.compound)) {
    const amount = percentOf(exInclusive, rate.percent);
    simple += amount;
    taxes.push({ rate, amount });
  }
  for (const rate of rates.filter((r) => !r.inclusive && r.compound)) {
    taxes.push({ rate, amount: percentOf(exInclusive + simple, rate.percent) });
  }
  return taxes;
}

/**
 * The figures of `lines` with the invoice's `discount`, at `minor` digits after the point.
 * What cannot be read (a quantity being typed, say) counts as 0, a discount as none.
 */
export function totals(
  minor: number,
  lines: readonly LineInput[],
  discount: DiscountInput | null | undefined,
  rates: readonly RateInput[],
): Figures {
  const known: Rate[] = rates.map((r) => ({
    id: r.id,
    name: r.name ?? r.id,
    percentText: r.percent,
    percent: parseDecimal(r.percent) ?? { units: 0n, scale: 0 },
    inclusive: r.inclusive,
    compound: r.compound,
  }));
  const lineRates = lines.map((l) => l.tax_rate_ids.flatMap((id) => known.filter((r) => r.id === id).slice(0, 1)));
  const amounts = lines.map((l) => {
    const q = parseDecimal(l.quantity);
    const p = parseDecimal(l.unit_price);
    return q && p ? roundRatio(q.units * p.units * pow10(minor), pow10(q.scale + p.scale)) : 0n;
  });
  const own = lines.map((l, i) => {
    const positive = max0(amounts[i]);
    const d = readDiscount(l.discount);
    if (!d) return 0n;
    if ('percent' in d) return percentOf(positive, clampPercent(d.percent));
    return min(max0(toMinor(d.fixed, minor)), positive);
  });
  const afterOwn = amounts.map((a, i) => a - own[i]);
  const base = afterOwn.map(max0);
  const invoiceDiscount = readDiscount(discount);
  const shares = !invoiceDiscount
    ? lines.map(() => 0n)
    : 'percent' in invoiceDiscount
      ? base.map((b) => percentOf(b, clampPercent(invoiceDiscount.percent)))
      : allocate(min(max0(toMinor(invoiceDiscount.fixed, minor)), sum(base)), base);

  const money = (x: bigint) => formatMinor(x, minor);
  const figure = (t: Tax): TaxFigure => ({ rate_id: t.rate.id, name: t.rate.name, percent: t.rate.percentText, amount: money(t.amount) });
  const byLine = lines.map((_, i) => {
    const net = afterOwn[i] - shares[i];
    const taxes = lineTaxes(net, lineRates[i]);
    const exclusive = sum(taxes.filter((t) => lineRates[i].some((r) => r.id === t.rate.id && !r.inclusive)).map((t) => t.amount));
    return { amount: amounts[i], discount: own[i] + shares[i], net, taxes, total: net + exclusive };
  });

  const overall: Tax[] = [];
  for (const t of byLine.flatMap((l) => l.taxes)) {
    const seen = overall.find((x) => x.rate.id === t.rate.id);
    if (seen) seen.amount += t.amount;
    else overall.push({ ...t });
  }
  return {
    lines: byLine.map((l) => ({
      amount: money(l.amount),
      discount: money(l.discount),
      net: money(l.net),
      taxes: l.taxes.map(figure),
      total: money(l.total),
    })),
    subtotal: money(sum(byLine.map((l) => l.amount))),
    discount: money(sum(byLine.map((l) => l.discount))),
    taxes: overall.map(figure),
    total: money(sum(byLine.map((l) => l.total))),
  };
}
