// An invoice's figures at its foot: subtotal, discounts, each tax and the total (with, on a
// sent invoice, what was paid and what is left).
import type { ComponentChildren } from 'preact';
import { formatMoney, formatPercent, isZeroAmount } from './money';

interface Props {
  currency: string;
  subtotal: string;
  discount: string;
  /** Inclusive taxes are inside the prices: shown, but not added again. */
  taxes: readonly { rate_id: string; name: string; percent: string; amount: string; inclusive?: boolean }[];
  total: string;
  /** Rows after the total (paid, balance). */
  children?: ComponentChildren;
}

export function Summary({ currency, subtotal, discount, taxes, total, children }: Props) {
  const money = (a: string) => formatMoney(a, currency);
  return (
    <dl class="invoice-summary">
      <div>
        <dt>Subtotal</dt>
        <dd>{money(subtotal)}</dd>
      </div>
      {!isZeroAmount(discount) && (
        <div>
          <dt>Discounts</dt>
          <dd>−{money(discount)}</dd>
        </div>
      )}
      {taxes.map((t) => (
        <div key={t.rate_id}>
          <dt>
            {t.name} {formatPercent(t.percent)}
            {t.inclusive ? ' (included)' : ''}
          </dt>
          <dd>{money(t.amount)}</dd>
        </div>
      ))}
      <div class="invoice-summary__total">
        <dt>Total</dt>
        <dd>{money(total)}</dd>
      </div>
      {children}
    </dl>
  );
}
