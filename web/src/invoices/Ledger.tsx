// The ledger of an invoice: payments, refunds, credits and early-payment discounts, each
// payment with its receipt (PDF) and, for the issuer, a refund of what is left of it.
import { Empty } from '../ui/Card';
import { ErrorNote, Loading } from '../ui/Page';
import { formatDay } from '../tickets/duration';
import type { Entry } from './api';
import { entryLabel } from './labels';
import { formatMoney, isZeroAmount } from './money';
import { isOnlinePayment, paymentMethodLabel, refundableLeft } from './payments';

interface LedgerProps {
  entries: Entry[] | undefined;
  error: Error | undefined;
  currency: string;
  /** Where a payment's receipt (PDF) is downloaded, and the file's name should the server not give one. */
  receipt: (payment: Entry) => { href: string; file: string };
  /** Offers to refund online payments (the issuer), with what is left of each. */
  onRefund?: (payment: Entry, left: string) => void;
}

export function Ledger({ entries, error, currency, receipt, onRefund }: LedgerProps) {
  if (error) return <ErrorNote error={error} />;
  if (!entries) return <Loading />;
  if (!entries.length) return <Empty>No payments yet.</Empty>;
  const left = (e: Entry) => (onRefund && isOnlinePayment(e) ? refundableLeft(entries, e, currency) : null);
  const refundable = entries.some((e) => {
    const l = left(e);
    return l !== null && !isZeroAmount(l);
  });
  const actions = refundable || entries.some(isPayment);
  return (
    <div class="table-wrap" role="region" aria-label="Payments, refunds and credits" tabIndex={0}>
      <table class="invoice-table">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Kind</th>
            <th scope="col">Method and reference</th>
            <th scope="col" class="num">
              Amount
            </th>
            {actions && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatDay(e.on)}</td>
              <td>{entryLabel(e.kind)}</td>
              <td>{[paymentMethodLabel(e.method), e.reference].filter(Boolean).join(' · ') || '—'}</td>
              <td class="num">{formatMoney(e.amount, currency)}</td>
              {actions && (
                <td>
                  <div class="ledger-actions">
                    {isPayment(e) && (
                      <a
                        class="button button--small button--secondary"
                        href={receipt(e).href}
                        download={receipt(e).file}
                        aria-label={`Download receipt for the payment of ${formatMoney(e.amount, currency)} on ${formatDay(e.on)}`}
                      >
                        Receipt
                      </a>
                    )}
                    <RefundButton entry={e} left={left(e)} currency={currency} onRefund={onRefund} />
                  </div>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Payments have receipts; refunds, credits and early-payment discounts have none. */
const isPayment = (e: Entry) => e.kind === 'payment';

function RefundButton({
  entry,
  left,
  currency,
  onRefund,
}: {
  entry: Entry;
  left: string | null;
  currency: string;
  onRefund?: (payment: Entry, left: string) => void;
}) {
  if (!onRefund || left === null || isZeroAmount(left)) return null;
  return (
    <button type="button" class="button button--small button--secondary" onClick={() => onRefund(entry, left)}>
      Refund
      <span class="visually-hidden">
        {' '}
        the payment of {formatMoney(entry.amount, currency)} on {formatDay(entry.on)}
      </span>
    </button>
  );
}
