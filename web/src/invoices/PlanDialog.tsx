// Setting an invoice's payment plan (its issuer): split the balance evenly into N instalments
// every month or every two weeks from a day (the cents left over go on the last), then edit the
// rows as needed. The running sum says what is left to place; errors, the app's checks and the
// server's (`instalments[1].due_on`), sit next to the field at fault.
import { useId, useRef, useState } from 'preact/hooks';
import { fieldSentences, staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { FormError, SelectField, TextField } from '../ui/Field';
import { localDay } from '../tickets/duration';
import type { Invoice, Tagged } from './api';
import { Dialog } from './Dialogs';
import { formatMinor, formatMoney } from './money';
import {
  CADENCES,
  MAX_INSTALMENTS,
  MIN_INSTALMENTS,
  checkPlan,
  gapSentence,
  nthDay,
  planErrors,
  planGap,
  planRow,
  setPlan,
  splitEvenly,
  withoutRow,
  type Cadence,
  type PlanRow,
} from './plan';

interface Props {
  tenantId: string;
  loaded: Tagged<Invoice>;
  onClose: () => void;
  onDone: (next: Tagged<Invoice>) => void;
}

/** The plan's rows to start from: what is still to come of the plan in place if it covers the balance, else 3 a month apart. */
function startRows(inv: Invoice, today: string, first: string): PlanRow[] {
  const coming = (inv.plan ?? []).filter((p) => p.status !== 'paid' && p.due_on >= today).map((p) => planRow(p.due_on, p.amount));
  if (coming.length >= MIN_INSTALMENTS && planGap(coming, inv.balance, inv.minor_units) === 0n) return coming;
  return splitEvenly(inv.balance, inv.minor_units, 3, first, 'month');
}

export function PlanDialog({ tenantId, loaded, onClose, onDone }: Props) {
  const inv = loaded.value;
  const minor = inv.minor_units;
  const today = localDay();
  const [split, setSplit] = useState({
    count: '3',
    cadence: 'month' as Cadence,
    first: inv.due_on && inv.due_on >= today ? inv.due_on : today,
  });
  const [rows, setRows] = useState<PlanRow[]>(() => startRows(inv, today, split.first));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const listErrorId = useId();
  const money = (a: string) => formatMoney(a, inv.currency);

  const focusFirst = () =>
    setTimeout(() => {
      const form = formRef.current;
      (form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]'))?.focus();
    }, 0);
  const clear = (field: string) => {
    if (errors[field] || errors.instalments) setErrors(({ [field]: _, instalments: __, ...rest }) => rest);
  };
  const setRow = (index: number, change: Partial<PlanRow>, field: string) => {
    setRows((rs) => rs.map((r, i) => (i === index ? { ...r, ...change } : r)));
    clear(field);
  };

  const count = Number(split.count);
  const countError =
    split.count.trim() && (!Number.isInteger(count) || count < MIN_INSTALMENTS || count > MAX_INSTALMENTS)
      ? `Enter a whole number from ${MIN_INSTALMENTS} to ${MAX_INSTALMENTS}.`
      : undefined;
  const doSplit = () => {
    if (countError || !split.count.trim() || !split.first) return;
    setRows(splitEvenly(inv.balance, minor, count, split.first, split.cadence));
    setErrors({});
  };
  const addRow = () => {
    const last = rows[rows.length - 1];
    const gap = planGap(rows, inv.balance, minor);
    setRows((rs) => [
      ...rs,
      planRow(last?.due_on ? nthDay(last.due_on, 1, split.cadence) : today, gap > 0n ? formatMinor(gap, minor) : ''),
    ]);
    clear('instalments');
    const index = rows.length;
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="instalments[${index}].due_on"]`)?.focus(), 0);
  };
  const removeRow = (index: number) => {
    setRows((rs) => rs.filter((_, i) => i !== index));
    setErrors((e) => withoutRow(e, index));
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="instalments[${Math.max(0, index - 1)}].due_on"]`)?.focus(), 0);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    const mine = checkPlan(rows, inv.balance, minor, inv.currency, today);
    if (Object.keys(mine).length) {
      setErrors(mine);
      setFormError('Please correct the fields marked below.');
      focusFirst();
      return;
    }
    setBusy(true);
    try {
      onDone(await setPlan(tenantId, inv.id, loaded.etag, rows));
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      const { byField, rest } = planErrors(problem, rows.length);
      setErrors(byField);
      setFormError(
        e instanceof ApiError && e.status === 412
          ? staleEdit('invoice')
          : rest?.length
            ? fieldSentences({ ...problem!, errors: rest }).join(' ')
            : Object.keys(byField).length
              ? 'Please correct the fields marked below.'
              : errorMessage(e),
      );
      focusFirst();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Payment plan for ${inv.number ?? 'this invoice'}`} onClose={onClose}>
      <form class="form plan-form" onSubmit={submit} ref={formRef} noValidate>
        <p class="muted">
          Split the balance of {money(inv.balance)} into {MIN_INSTALMENTS} to {MAX_INSTALMENTS} instalments. Who is billed sees the schedule
          and is reminded on each day.
        </p>
        <FormError message={formError} />
        <fieldset class="line plan-split">
          <legend>Split evenly</legend>
          <div class="line__fields">
            <TextField
              label="Number of instalments"
              name="split_count"
              type="number"
              min={MIN_INSTALMENTS}
              max={MAX_INSTALMENTS}
              inputMode="numeric"
              value={split.count}
              onValue={(c) => setSplit((s) => ({ ...s, count: c }))}
              error={countError}
            />
            <SelectField
              label="How often"
              name="split_cadence"
              value={split.cadence}
              options={CADENCES}
              onValue={(c) => setSplit((s) => ({ ...s, cadence: c === 'two-weeks' ? 'two-weeks' : 'month' }))}
            />
            <TextField
              label="First due on"
              name="split_first"
              type="date"
              min={today}
              value={split.first}
              onValue={(first) => setSplit((s) => ({ ...s, first }))}
            />
          </div>
          <div>
            <button type="button" class="button button--secondary" onClick={doSplit} disabled={Boolean(countError) || !split.first}>
              Split
            </button>
          </div>
        </fieldset>
        <section aria-labelledby="plan-rows-heading" aria-describedby={errors.instalments ? listErrorId : undefined}>
          <h3 id="plan-rows-heading">Instalments</h3>
          {errors.instalments && (
            <p class="field__error" id={listErrorId}>
              {errors.instalments}
            </p>
          )}
          <ol class="line-list">
            {rows.map((r, i) => (
              <li key={r.key}>
                <fieldset class="line">
                  <legend>Instalment {i + 1}</legend>
                  <div class="line__fields">
                    <TextField
                      label="Due on"
                      name={`instalments[${i}].due_on`}
                      type="date"
                      min={today}
                      value={r.due_on}
                      onValue={(due_on) => setRow(i, { due_on }, `instalments[${i}].due_on`)}
                      error={errors[`instalments[${i}].due_on`]}
                    />
                    <TextField
                      label={`Amount (${inv.currency})`}
                      name={`instalments[${i}].amount`}
                      inputMode="decimal"
                      autoComplete="off"
                      value={r.amount}
                      onValue={(amount) => setRow(i, { amount }, `instalments[${i}].amount`)}
                      error={errors[`instalments[${i}].amount`]}
                    />
                  </div>
                  {rows.length > MIN_INSTALMENTS && (
                    <div>
                      <button type="button" class="button button--small button--secondary" onClick={() => removeRow(i)}>
                        Remove<span class="visually-hidden"> instalment {i + 1}</span>
                      </button>
                    </div>
                  )}
                </fieldset>
              </li>
            ))}
          </ol>
          {rows.length < MAX_INSTALMENTS && (
            <button type="button" class="button button--secondary" onClick={addRow}>
              Add instalment
            </button>
          )}
          <p class="plan-sum" role="status">
            {gapSentence(rows, inv.balance, minor, inv.currency)}
          </p>
        </section>
        <div class="actions">
          <button class="button" type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save plan'}
          </button>
          <button type="button" class="button button--secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
