// An invoice's payment plan on its page: the schedule (due day, amount, status) for its issuer
// and who is billed, and the issuer's setting, replacing and removing it on an open invoice.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api/problem';
import { FormError } from '../ui/Field';
import { formatDay } from '../tickets/duration';
import type { Invoice, Tagged } from './api';
import { ConfirmButton } from '../ui/Confirm';
import { formatMoney } from './money';
import { PlanDialog } from './PlanDialog';
import { INSTALMENT_STATUSES, instalmentChip, removePlan, takesPlan, type Instalment } from './plan';

interface Props {
  tenantId: string;
  loaded: Tagged<Invoice>;
  onChanged: (next: Tagged<Invoice>, said: string) => void;
}

export function PaymentPlan({ tenantId, loaded, onChanged }: Props) {
  const inv = loaded.value;
  const plan = inv.plan ?? [];
  const manage = takesPlan(inv);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!plan.length && !manage) return null;

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await removePlan(tenantId, inv.id, loaded.etag), 'The payment plan is removed: the whole balance is due as the terms say.');
    } catch (e) {
      setError(errorMessage(e));
      setTimeout(() => document.querySelector<HTMLElement>('.invoice-plan [role="alert"]')?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel invoice-plan" aria-labelledby="invoice-plan-heading">
      <h2 id="invoice-plan-heading">Payment plan</h2>
      <FormError message={error} />
      {plan.length ? (
        <PlanSchedule plan={plan} currency={inv.currency} />
      ) : (
        <p class="muted">No plan: the balance is due as the terms say. Split it into instalments to let them pay over time.</p>
      )}
      {manage && (
        <div class="actions">
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => setEditing(true)}>
            {plan.length ? 'Change plan…' : 'Set a payment plan…'}
          </button>
          {plan.length > 0 && (
            <ConfirmButton
              label="Remove plan…"
              confirm="Remove the plan"
              decline="Keep it"
              danger
              disabled={busy}
              note="The whole balance is due as the invoice’s terms say."
              onConfirm={() => void remove()}
            />
          )}
        </div>
      )}
      {editing && (
        <PlanDialog
          tenantId={tenantId}
          loaded={loaded}
          onClose={() => setEditing(false)}
          onDone={(next) => {
            setEditing(false);
            onChanged(next, `The balance is split into ${next.value.plan?.length ?? 0} instalments.`);
          }}
        />
      )}
    </section>
  );
}

export function PlanSchedule({ plan, currency }: { plan: readonly Instalment[]; currency: string }) {
  return (
    <div class="table-wrap" role="region" aria-label="Instalments" tabIndex={0}>
      <table class="invoice-table">
        <thead>
          <tr>
            <th scope="col">Instalment</th>
            <th scope="col">Due</th>
            <th scope="col" class="num">
              Amount
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {plan.map((p, i) => (
            <tr key={`${p.due_on}-${i}`}>
              <th scope="row">
                {i + 1} of {plan.length}
              </th>
              <td>{formatDay(p.due_on)}</td>
              <td class="num">{formatMoney(p.amount, currency)}</td>
              <td>
                <span class={`badge invoice-status invoice-status--${instalmentChip(p.status)}`}>
                  {INSTALMENT_STATUSES[p.status] ?? p.status}
                </span>
                {p.reminded && p.status !== 'paid' && <span class="muted invoice-table__basis">Reminder sent</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
