// The issuer's dialogs on a sent invoice: recording a payment received outside the portal
// (amount, how, when, reference), refunding an online payment, and voiding with a reason. Each
// is a modal <dialog>: focus starts on its first field and goes back to the button that opened it.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { staleEdit } from '../api/messages';
import { ApiError } from '../api/problem';
import { FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { formatDay, localDay } from '../tickets/duration';
import { recordPayment, refundPayment, voidInvoice, type Entry, type Invoice, type Tagged } from './api';
import { isManualMethod, MANUAL_METHODS } from './labels';
import { formatMoney } from './money';

interface ShellProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}

export function Dialog({ title, onClose, children }: ShellProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    d?.showModal?.();
    return () => {
      d?.close?.();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="invoice-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}

interface ActionProps {
  tenantId: string;
  invoice: Invoice;
  etag: string | null;
  onClose: () => void;
  onDone: (changed: Tagged<Invoice>, said: string) => void;
}

export function PaymentDialog({ tenantId, invoice, onClose, onDone }: ActionProps) {
  const today = localDay();
  // No day given is today where the server is (a day typed here could be tomorrow there).
  const form = useForm({ amount: invoice.balance, method: 'bank_transfer', received_on: '', reference: '' });
  const v = form.values;
  const submit = form.submit(async ({ amount, method, received_on, reference }) => {
    const answer = await recordPayment(tenantId, invoice.id, {
      amount: amount.trim(),
      method: isManualMethod(method) ? method : 'other',
      received_on: received_on || null,
      reference: reference.trim(),
    });
    onDone(
      { value: answer.value.invoice, etag: answer.etag },
      `Recorded a payment of ${formatMoney(answer.value.entry.amount, invoice.currency)}.`,
    );
  });
  return (
    <Dialog title={`Record a payment on ${invoice.number ?? 'this invoice'}`} onClose={onClose}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <p class="muted">
          For money received outside the portal. The balance is {formatMoney(invoice.balance, invoice.currency)}
          {invoice.early_discount ? `; paid by ${formatDay(invoice.early_discount.deadline)}, the early-payment discount applies` : ''}.
        </p>
        <FormError message={form.formError} />
        <TextField
          label={`Amount (${invoice.currency})`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          value={v.amount}
          onValue={(x) => form.set('amount', x)}
          error={form.errors.amount}
        />
        <SelectField
          label="Method"
          name="method"
          value={v.method}
          options={MANUAL_METHODS}
          onValue={(x) => form.set('method', x)}
          error={form.errors.method}
        />
        <TextField
          label="Received on"
          name="received_on"
          type="date"
          max={today}
          value={v.received_on}
          onValue={(x) => form.set('received_on', x)}
          error={form.errors.received_on}
        />
        <TextField
          label="Reference (optional)"
          name="reference"
          hint="The payer’s reference or a cheque number."
          value={v.reference}
          onValue={(x) => form.set('reference', x)}
          error={form.errors.reference}
          maxLength={120}
        />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Record payment
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function VoidDialog({ tenantId, invoice, etag, onClose, onDone }: ActionProps) {
  const form = useForm({ reason: '' });
  const submit = form.submit(async ({ reason }) => {
    try {
      const changed = await voidInvoice(tenantId, invoice.id, etag, reason.trim());
      onDone(changed, `${invoice.number ?? 'The invoice'} is void.`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) throw new Error(staleEdit('invoice'));
      throw e;
    }
  });
  return (
    <Dialog title={`Void ${invoice.number ?? 'this invoice'}`} onClose={onClose}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <p class="muted">A void invoice keeps its number and is shown as void to who was billed. This cannot be undone.</p>
        <FormError message={form.formError} />
        <TextArea
          label="Reason"
          name="reason"
          rows={3}
          hint="Kept with the invoice."
          value={form.values.reason}
          onValue={(x) => form.set('reason', x)}
          error={form.errors.reason}
        />
        <div class="actions">
          <button class="button button--danger" type="submit" disabled={form.busy}>
            Void invoice
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Keep it
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface RefundProps {
  tenantId: string;
  invoice: Invoice;
  /** The online payment to give (part of) back. */
  payment: Entry;
  /** What is left of it to refund. */
  left: string;
  onClose: () => void;
  onDone: (changed: Tagged<Invoice>, said: string) => void;
}

export function RefundDialog({ tenantId, invoice, payment, left, onClose, onDone }: RefundProps) {
  const form = useForm({ amount: left });
  const money = (a: string) => formatMoney(a, invoice.currency);
  const submit = form.submit(async ({ amount }) => {
    const changed = await refundPayment(tenantId, invoice.id, payment.id, amount.trim());
    onDone(changed, `Refunded ${money(amount.trim())} of the payment of ${formatDay(payment.on)}.`);
  });
  return (
    <Dialog title={`Refund a payment on ${invoice.number ?? 'this invoice'}`} onClose={onClose}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <p class="muted">
          The payment of {money(payment.amount)} on {formatDay(payment.on)} goes back through the payment provider, to the card or bank
          account it came from. {money(left)} of it can be refunded.
        </p>
        <FormError message={form.formError} />
        <TextField
          label={`Amount to refund (${invoice.currency})`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          hint="All of what is left, or part of it."
          value={form.values.amount}
          onValue={(x) => form.set('amount', x)}
          error={form.errors.amount}
        />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Refund
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
