// What invoices hold, for the dashboards: paid, outstanding and overdue per currency from the
// totals endpoint, summed exactly (there are no recurring invoices, so no monthly revenue),
// and which invoices may be paid now. Kept apart from the screens' code so the dashboards load
// only this.
import type { Invoice, StatusTotal } from './api';
import { OPEN_STATUSES } from './labels';
import { formatMinor, minorUnits, parseDecimal, toMinor } from './money';

/** Digits after the point for amounts in `currency` (those of the amounts themselves for a code the table lacks). */
export function minorOf(currency: string, amounts: readonly string[]): number {
  return minorUnits(currency) ?? Math.max(0, ...amounts.map((a) => parseDecimal(a)?.scale ?? 0));
}

const minor = (amount: string, digits: number) => {
  const d = parseDecimal(amount);
  return d ? toMinor(d, digits) : 0n;
};

/** An invoice its billed party may pay now: open, with money left to pay. */
export function payable(invoice: Pick<Invoice, 'status' | 'balance'>): boolean {
  const balance = parseDecimal(invoice.balance);
  return OPEN_STATUSES.includes(invoice.status) && balance !== null && balance.units > 0n;
}

export interface Figure {
  count: number;
  amount: string;
}

/** What a tenant's invoices hold in one currency. */
export interface Revenue {
  currency: string;
  /** Invoices paid in full: their totals. */
  paid: Figure;
  /** Open invoices (sent, viewed, partly paid, overdue): their balances. */
  outstanding: Figure;
  /** Invoices marked overdue (counted in `outstanding` too): their balances. */
  overdue: Figure;
}

/** The totals endpoint's rows per currency (in the order the API gives them), summed exactly. */
export function revenueByCurrency(totals: readonly StatusTotal[]): Revenue[] {
  const currencies = [...new Set(totals.filter((t) => t.count > 0).map((t) => t.currency))];
  return currencies.map((currency) => {
    const rows = totals.filter((t) => t.currency === currency && t.count > 0);
    const digits = minorOf(
      currency,
      rows.map((r) => r.amount),
    );
    const figure = (pick: (s: StatusTotal['status']) => boolean): Figure => {
      const picked = rows.filter((r) => pick(r.status));
      const sum = picked.reduce((total, r) => total + minor(r.amount, digits), 0n);
      return { count: picked.reduce((n, r) => n + r.count, 0), amount: formatMinor(sum, digits) };
    };
    return {
      currency,
      paid: figure((s) => s === 'paid'),
      outstanding: figure((s) => OPEN_STATUSES.includes(s)),
      overdue: figure((s) => s === 'overdue'),
    };
  });
}
