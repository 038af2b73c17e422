// A tenant's billing settings: how invoices are numbered (with the next number as saved), the
// default currency, reminders around the due date, how its documents (invoice, receipt and
// credit-note PDFs) look: address, tax ID, footer, date and amount formats and paper; online
// payments through the
// tenant's Stripe account (StripeSettings.tsx), the tax rates, and the payment terms
// (TermsSettings.tsx). Super admins pick the tenant; partners edit their own (but for
// the terms, which Kre8ivTech configures).
import { useState } from 'preact/hooks';
import { CHECKS, staleEdit } from '../api/messages';
import { ApiError, fieldErrors, summary } from '../api/problem';
import { role } from '../app/session';
import { useTenant } from '../admin/useTenant';
import { FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { editsBilling } from './access';
import { getBillingSettings, updateBillingSettings, type BillingSettings as Settings, type Tagged } from './api';
import { CURRENCIES } from './money';
import { AMOUNT_STYLES, DATE_FORMATS, isAmountStyle, isDateFormat, isPaper, PAPERS } from './labels';
import { formProblem, renamed } from './problems';
import { StripeSettings } from './StripeSettings';
import { DefaultTerms, PartyTermsList } from './TermsSettings';
import './invoices.css';

export default function BillingSettings() {
  const { tenantId, picker } = useTenant();
  // Tagged with the tenant it is of, so a picked tenant's forms never start from another's settings.
  const settings = useResource(async () => ({ tenantId, ...(await getBillingSettings(tenantId)) }), [tenantId]);
  const edits = editsBilling(role.value);
  const saved = (next: Tagged<Settings>) => settings.setData({ tenantId, ...next });

  return (
    <Page title="Billing">
      {picker}
      {settings.error ? (
        <ErrorNote error={settings.error} />
      ) : settings.data?.tenantId !== tenantId ? (
        <Loading />
      ) : (
        <div key={tenantId} class="billing-settings">
          <GeneralForm tenantId={tenantId} settings={settings.data} edits={edits} onSaved={saved} />
          {edits && <StripeSettings tenantId={tenantId} />}
          <TaxRatesForm tenantId={tenantId} settings={settings.data} edits={edits} onSaved={saved} />
          <DefaultTerms tenantId={tenantId} settings={settings.data} onSaved={saved} />
          <PartyTermsList tenantId={tenantId} settings={settings.data.value} />
        </div>
      )}
    </Page>
  );
}

interface FormProps {
  tenantId: string;
  settings: Tagged<Settings>;
  edits: boolean;
  onSaved: (next: Tagged<Settings>) => void;
}

/** Reminder days as typed ("-3, 0, 7"), or the first piece that is no whole number. */
export function parseReminders(text: string): number[] | { bad: string } {
  const days: number[] = [];
  for (const piece of text.split(',').map((p) => p.trim())) {
    if (!piece) continue;
    if (!/^[+-]?\d+$/.test(piece)) return { bad: piece };
    days.push(Number(piece));
  }
  return days;
}

const stale = (e: unknown) => (e instanceof ApiError && e.status === 412 ? new Error(staleEdit('settings')) : e);

function GeneralForm({ tenantId, settings, edits, onSaved }: FormProps) {
  const s = settings.value;
  const initial = {
    number_format: s.number_format,
    credit_note_format: s.credit_note_format,
    currency: s.currency,
    reminders: s.reminders.join(', '),
    footer: s.footer,
    address: s.address,
    tax_id: s.tax_id,
    date_format: s.date_format,
    amount_style: s.amount_style,
    paper: s.paper,
  };
  const form = useForm(initial);
  const [said, setSaid] = useState('');
  const v = form.values;
  const submit = form.submit(async (values) => {
    const reminders = parseReminders(values.reminders);
    if ('bad' in reminders) throw formProblem(['reminders'], CHECKS.reminder(reminders.bad));
    try {
      const next = await updateBillingSettings(tenantId, settings.etag, {
        number_format: values.number_format,
        credit_note_format: values.credit_note_format,
        currency: values.currency,
        reminders,
        footer: values.footer,
        address: values.address.trim(),
        tax_id: values.tax_id.trim(),
        date_format: values.date_format,
        amount_style: values.amount_style,
        paper: values.paper,
      });
      onSaved(next);
      form.reset({ ...values, reminders: next.value.reminders.join(', '), address: next.value.address, tax_id: next.value.tax_id });
      setSaid(`Saved. The next invoice sent today will be ${next.value.next_number}.`);
    } catch (e) {
      throw stale(renamed(e, (f) => f.replace(/\[\d+\]$/, '')));
    }
  });
  return (
    <section class="panel" aria-labelledby="billing-general-heading">
      <h2 id="billing-general-heading">Numbers, currency and reminders</h2>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
          {said}
        </p>
        <div class="form form--inline">
          <TextField
            label="Number format"
            name="number_format"
            hint="With {YYYY}, {YY}, {MM} and one {SEQ} or {SEQ:4} (the sequence, zero-padded)."
            autoComplete="off"
            value={v.number_format}
            onValue={(x) => form.set('number_format', x)}
            error={form.errors.number_format}
            disabled={!edits}
            describedBy="next-number"
          />
          <p class="next-number" id="next-number">
            Next number: <strong class="mono">{s.next_number}</strong>
            {v.number_format !== s.number_format && <span class="muted"> (as saved; save to see the new format’s)</span>}
          </p>
        </div>
        <div class="form form--inline">
          <TextField
            label="Credit note number format"
            name="credit_note_format"
            hint="The same placeholders; credit notes are numbered apart from invoices."
            autoComplete="off"
            value={v.credit_note_format}
            onValue={(x) => form.set('credit_note_format', x)}
            error={form.errors.credit_note_format}
            disabled={!edits}
            describedBy="next-credit-note-number"
          />
          <p class="next-number" id="next-credit-note-number">
            Next credit note: <strong class="mono">{s.next_credit_note_number}</strong>
            {v.credit_note_format !== s.credit_note_format && <span class="muted"> (as saved; save to see the new format’s)</span>}
          </p>
        </div>
        <SelectField
          label="Default currency"
          name="currency"
          value={v.currency}
          options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          onValue={(x) => form.set('currency', x)}
          error={form.errors.currency}
          disabled={!edits}
        />
        <TextField
          label="Reminders (days around the due date)"
          name="reminders"
          hint="Separated by commas: -3 is three days before, 0 the due day, 7 a week after."
          autoComplete="off"
          value={v.reminders}
          onValue={(x) => form.set('reminders', x)}
          error={form.errors.reminders}
          disabled={!edits}
        />
        <fieldset class="fieldset billing-documents" aria-describedby="billing-documents-hint">
          <legend>Documents</legend>
          <p class="field__hint" id="billing-documents-hint">
            How your invoices, receipts and credit notes look as PDFs.
          </p>
          <TextArea
            label="Address"
            name="address"
            rows={4}
            hint="Your postal address, printed at the top: up to 6 lines."
            value={v.address}
            onValue={(x) => form.set('address', x)}
            error={form.errors.address}
            disabled={!edits}
          />
          <TextField
            label="Tax ID"
            name="tax_id"
            hint="Your VAT or tax number, if your documents must show it."
            autoComplete="off"
            maxLength={40}
            value={v.tax_id}
            onValue={(x) => form.set('tax_id', x)}
            error={form.errors.tax_id}
            disabled={!edits}
          />
          <TextArea
            label="Footer"
            name="footer"
            rows={3}
            hint="Printed at the foot of every invoice: bank details, registration numbers."
            value={v.footer}
            onValue={(x) => form.set('footer', x)}
            error={form.errors.footer}
            disabled={!edits}
          />
          <div class="form form--inline">
            <SelectField
              label="Date format"
              name="date_format"
              value={v.date_format}
              options={DATE_FORMATS}
              onValue={(x) => isDateFormat(x) && form.set('date_format', x)}
              error={form.errors.date_format}
              disabled={!edits}
            />
            <SelectField
              label="Amount format"
              name="amount_style"
              value={v.amount_style}
              options={AMOUNT_STYLES}
              onValue={(x) => isAmountStyle(x) && form.set('amount_style', x)}
              error={form.errors.amount_style}
              disabled={!edits}
            />
            <SelectField
              label="Paper size"
              name="paper"
              value={v.paper}
              options={PAPERS}
              onValue={(x) => isPaper(x) && form.set('paper', x)}
              error={form.errors.paper}
              disabled={!edits}
            />
          </div>
        </fieldset>
        {edits && (
          <div class="actions">
            <button class="button" type="submit" disabled={form.busy}>
              Save
            </button>
          </div>
        )}
      </form>
    </section>
  );
}

interface RateRow {
  key: string;
  id: string | null;
  name: string;
  percent: string;
  inclusive: boolean;
  compound: boolean;
}

let rowKeys = 0;
const rowOf = (r?: Settings['tax_rates'][number]): RateRow => ({
  key: `rate-${++rowKeys}`,
  id: r?.id ?? null,
  name: r?.name ?? '',
  percent: r?.percent ?? '',
  inclusive: r?.inclusive ?? false,
  compound: r?.compound ?? false,
});

function TaxRatesForm({ tenantId, settings, edits, onSaved }: FormProps) {
  const [rows, setRows] = useState<RateRow[]>(() => settings.value.tax_rates.map(rowOf));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');
  const fields = rows.flatMap((_, i) => ['name', 'percent', 'inclusive', 'compound', 'id'].map((f) => `tax_rates[${i}].${f}`));

  const change = (i: number, patch: Partial<RateRow>, field: string) => {
    setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));
    setErrors(({ [`tax_rates[${i}].${field}`]: _, ...rest }) => rest);
  };
  const save = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setFormError(null);
    const form = event.currentTarget as HTMLFormElement;
    try {
      const body = rows.map(({ id, name, percent, inclusive, compound }) => ({ id, name, percent: percent.trim(), inclusive, compound }));
      const next = await updateBillingSettings(tenantId, settings.etag, { tax_rates: body });
      onSaved(next);
      setRows(next.value.tax_rates.map(rowOf));
      setErrors({});
      setSaid('Tax rates saved.');
    } catch (e) {
      const api = e instanceof ApiError ? e : undefined;
      setErrors(Object.fromEntries(Object.entries(fieldErrors(api?.problem)).filter(([f]) => fields.includes(f))));
      setFormError(api?.status === 412 ? staleEdit('settings') : summary(api?.problem, fields, api?.status ?? 0, api?.retryAfter));
      setTimeout(() =>
        (form.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.querySelector<HTMLElement>('[role="alert"]'))?.focus(),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="tax-rates-heading">
      <h2 id="tax-rates-heading">Tax rates</h2>
      <p class="muted">Offered on each invoice line. Invoices already sent keep the rates they were sent with.</p>
      <form class="form tax-rates" onSubmit={save} noValidate>
        <FormError message={formError} />
        <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
          {said}
        </p>
        {!rows.length && <p class="empty">No tax rates yet.</p>}
        <ol class="rate-list">
          {rows.map((r, i) => {
            const name = (f: string) => `tax_rates[${i}].${f}`;
            const title = r.name.trim() || `Rate ${i + 1}`;
            return (
              <li key={r.key}>
                <fieldset class="rate-row">
                  <legend>{title}</legend>
                  <TextField
                    label="Name"
                    name={name('name')}
                    value={r.name}
                    onValue={(x) => change(i, { name: x }, 'name')}
                    error={errors[name('name')]}
                    disabled={!edits}
                  />
                  <TextField
                    label="Percent"
                    name={name('percent')}
                    inputMode="decimal"
                    autoComplete="off"
                    value={r.percent}
                    onValue={(x) => change(i, { percent: x }, 'percent')}
                    error={errors[name('percent')]}
                    disabled={!edits}
                  />
                  <div class="rate-row__checks">
                    <label class="check">
                      <input
                        type="checkbox"
                        name={name('inclusive')}
                        checked={r.inclusive}
                        disabled={!edits}
                        onChange={(e) => change(i, { inclusive: e.currentTarget.checked }, 'inclusive')}
                      />
                      Included in prices
                    </label>
                    <label class="check">
                      <input
                        type="checkbox"
                        name={name('compound')}
                        checked={r.compound}
                        disabled={!edits}
                        aria-invalid={errors[name('compound')] ? true : undefined}
                        onChange={(e) => change(i, { compound: e.currentTarget.checked }, 'compound')}
                      />
                      Compound (on top of the other taxes)
                    </label>
                    {errors[name('compound')] && <p class="field__error">{errors[name('compound')]}</p>}
                  </div>
                  {edits && (
                    <button
                      type="button"
                      class="button button--small button--secondary"
                      onClick={() => {
                        setRows((rs) => rs.filter((_, k) => k !== i));
                        setErrors({});
                      }}
                    >
                      Remove<span class="visually-hidden"> {title}</span>
                    </button>
                  )}
                </fieldset>
              </li>
            );
          })}
        </ol>
        {edits && (
          <div class="actions">
            <button type="button" class="button button--secondary" onClick={() => setRows((rs) => [...rs, rowOf()])}>
              Add tax rate
            </button>
            <button class="button" type="submit" disabled={busy}>
              Save tax rates
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
