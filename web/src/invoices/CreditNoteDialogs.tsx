// The issuer's credit-note dialogs: issuing a note against a sent invoice (amount and reason,
// one Idempotency-Key per dialog so a retry issues it once), and applying what is left of a
// note to another open invoice of the same party.
import { useState } from 'preact/hooks';
import { FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { requestKey, type Invoice } from './api';
import { applyCreditNote, creditable, creditTargets, issueCreditNote, type CreditNote } from './creditNotes';
import { Dialog } from './Dialogs';
import { formatMoney } from './money';

interface IssueProps {
  tenantId: string;
  invoice: Invoice;
  onClose: () => void;
  onDone: (note: CreditNote) => void;
}

export function CreditNoteDialog({ tenantId, invoice, onClose, onDone }: IssueProps) {
  const [key] = useState(requestKey);
  const left = creditable(invoice);
  const form = useForm({ amount: left, reason: '' });
  const money = (a: string) => formatMoney(a, invoice.currency);
  const submit = form.submit(async ({ amount, reason }) => {
    onDone(await issueCreditNote(tenantId, invoice.id, { amount: amount.trim(), reason: reason.trim() }, key));
  });
  return (
    <Dialog title={`Issue a credit note on ${invoice.number ?? 'this invoice'}`} onClose={onClose}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <p class="muted">
          The note takes the next credit note number and comes off this invoice’s balance ({money(invoice.balance)}) at once. What the
          balance cannot take stays as credit for {invoice.billed.name ?? 'the party'}’s other invoices in {invoice.currency}. Up to{' '}
          {money(left)} can be credited.
        </p>
        <FormError message={form.formError} />
        <TextField
          label={`Amount (${invoice.currency})`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          value={form.values.amount}
          onValue={(x) => form.set('amount', x)}
          error={form.errors.amount}
        />
        <TextArea
          label="Reason"
          name="reason"
          rows={3}
          hint="Printed on the credit note."
          maxLength={500}
          value={form.values.reason}
          onValue={(x) => form.set('reason', x)}
          error={form.errors.reason}
        />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Issue credit note
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface ApplyProps {
  tenantId: string;
  note: CreditNote;
  onClose: () => void;
  onDone: (note: CreditNote) => void;
}

export function ApplyCreditDialog({ tenantId, note, onClose, onDone }: ApplyProps) {
  const targets = useResource(() => creditTargets(tenantId, note), [tenantId, note.id]);
  const form = useForm({ invoice_id: '', amount: '' });
  const money = (a: string) => formatMoney(a, note.currency);
  const submit = form.submit(async ({ invoice_id, amount }) => {
    onDone(await applyCreditNote(tenantId, note.id, invoice_id, amount.trim() || undefined));
  });
  return (
    <Dialog title={`Apply credit from ${note.number}`} onClose={onClose}>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <p class="muted">
          {money(note.remaining)} of it is left for {note.billed.name ?? 'the party'}’s other open invoices in {note.currency}.
        </p>
        <FormError message={form.formError} />
        {targets.error ? (
          <ErrorNote error={targets.error} />
        ) : !targets.data ? (
          <Loading />
        ) : targets.data.length ? (
          <SelectField
            label="Invoice"
            name="invoice_id"
            value={form.values.invoice_id}
            placeholder="Choose an invoice"
            options={targets.data.map((i) => ({ value: i.id, label: `${i.number ?? 'Invoice'} · balance ${money(i.balance)}` }))}
            onValue={(x) => form.set('invoice_id', x)}
            error={form.errors.invoice_id}
          />
        ) : (
          <p>They have no other open invoice in {note.currency} to apply it to.</p>
        )}
        <TextField
          label={`Amount (${note.currency}, optional)`}
          name="amount"
          inputMode="decimal"
          autoComplete="off"
          hint="Leave empty to apply as much as the invoice’s balance takes."
          value={form.values.amount}
          onValue={(x) => form.set('amount', x)}
          error={form.errors.amount}
        />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy || !targets.data?.length}>
            Apply credit
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
