// The parts of the invoice editor a recurring invoice's form shares: who is billed and the
// currency, and the invoice's discount, notes and terms beside the live totals (totals.ts).
import type { ComponentChildren } from 'preact';
import { SelectField, TextArea, TextField } from '../ui/Field';
import type { EditorValues } from './editor';
import { DISCOUNT_KINDS } from './labels';
import type { Rate } from './LinesEditor';
import { CURRENCIES, minorUnits } from './money';
import { Summary } from './Summary';
import type { Figures } from './totals';
import type { SetText } from './useEditorState';

interface PartyProps {
  values: EditorValues;
  options: readonly { value: string; label: string }[];
  errors: Record<string, string>;
  partiesFailed: boolean;
  set: SetText;
}

export function PartyAndCurrency({ values, options, errors, partiesFailed, set }: PartyProps) {
  const minor = minorUnits(values.currency);
  return (
    <section class="panel form form--inline" aria-label="Billed party and currency">
      <SelectField
        label="Bill to"
        name="billed"
        value={values.billed}
        placeholder="Choose who to bill"
        options={options}
        onValue={(v) => set('billed', v)}
        error={errors.billed}
        hint={partiesFailed ? 'The list of clients could not be loaded; reload to try again.' : undefined}
      />
      <SelectField
        label="Currency"
        name="currency"
        value={values.currency}
        options={CURRENCIES.map((c) => ({ value: c, label: c }))}
        onValue={(v) => set('currency', v)}
        error={errors.currency}
        hint={minor === undefined ? undefined : `${minor === 0 ? 'No' : minor} decimal${minor === 1 ? '' : 's'} in ${values.currency}.`}
      />
    </section>
  );
}

interface FootProps {
  values: EditorValues;
  errors: Record<string, string>;
  rates: readonly Rate[];
  figures: Figures | null;
  set: SetText;
  /** What the terms field's hint says about the payment terms. */
  termsHint: string;
  /** The totals panel's heading. */
  totalsTitle?: string;
  /** More below the totals (a recurring invoice's monthly figure). */
  children?: ComponentChildren;
}

export function ExtrasAndTotals({ values, errors, rates, figures, set, termsHint, totalsTitle = 'Totals', children }: FootProps) {
  return (
    <div class="invoice-editor__foot">
      <section class="panel form" aria-labelledby="invoice-extras-heading">
        <h2 id="invoice-extras-heading">Discount, notes and terms</h2>
        <div class="form form--inline">
          <SelectField
            label="Invoice discount"
            name="discount_kind"
            value={values.discount_kind}
            placeholder="None"
            options={DISCOUNT_KINDS.map((k) => ({
              value: k.value,
              label: k.value === 'fixed' ? `Amount (${values.currency})` : 'Percent',
            }))}
            onValue={(k) => set('discount_kind', k, 'discount')}
          />
          {values.discount_kind && (
            <TextField
              label={values.discount_kind === 'percent' ? 'Invoice discount (%)' : `Invoice discount (${values.currency})`}
              name="discount"
              inputMode="decimal"
              autoComplete="off"
              value={values.discount_value}
              onValue={(v) => set('discount_value', v, 'discount')}
              error={errors.discount}
              hint="Shared over the lines in proportion to what is left of each."
            />
          )}
        </div>
        <TextArea
          label="Notes"
          name="notes"
          rows={3}
          value={values.notes}
          onValue={(v) => set('notes', v)}
          error={errors.notes}
          hint="Shown on the invoice."
        />
        <TextArea
          label="Terms"
          name="terms_text"
          rows={3}
          value={values.terms_text}
          onValue={(v) => set('terms_text', v)}
          error={errors.terms_text}
          hint={termsHint}
        />
      </section>
      <section class="panel" aria-labelledby="invoice-figures-heading">
        <h2 id="invoice-figures-heading">{totalsTitle}</h2>
        {figures ? (
          <Summary
            currency={values.currency}
            subtotal={figures.subtotal}
            discount={figures.discount}
            taxes={figures.taxes.map((t) => ({ ...t, inclusive: rates.find((r) => r.id === t.rate_id)?.inclusive }))}
            total={figures.total}
          />
        ) : (
          <p class="muted">Choose a currency to see the totals.</p>
        )}
        {children}
      </section>
    </div>
  );
}
