// The editor's lines: one group of fields per line (description, quantity, unit price, its
// discount and tax rates) with the line's figures as typed; lines are added and removed here.
import { useId } from 'preact/hooks';
import { SelectField, TextField } from '../ui/Field';
import type { BillingSettings } from './api';
import { asDiscountKind, type LineValues } from './editor';
import { DISCOUNT_KINDS } from './labels';
import { formatMoney, formatPercent, isZeroAmount } from './money';
import type { LineFigures } from './totals';

export type Rate = BillingSettings['tax_rates'][number] & { removed?: boolean };

interface LinesProps {
  lines: LineValues[];
  rates: readonly Rate[];
  currency: string;
  figures: readonly LineFigures[] | undefined;
  errors: Record<string, string>;
  listError?: string;
  onLine: (index: number, change: Partial<LineValues>, field: string) => void;
  onAdd: () => void;
  onRemove: (index: number) => void;
}

export function LinesEditor({ lines, rates, currency, figures, errors, listError, onLine, onAdd, onRemove }: LinesProps) {
  const listErrorId = useId();
  return (
    <section class="invoice-lines" aria-labelledby="lines-heading" aria-describedby={listError ? listErrorId : undefined}>
      <h2 id="lines-heading">Lines</h2>
      {listError && (
        <p class="field__error" id={listErrorId}>
          {listError}
        </p>
      )}
      <ol class="line-list">
        {lines.map((line, i) => (
          <li key={line.key}>
            <LineFields
              index={i}
              line={line}
              rates={rates}
              currency={currency}
              figures={figures?.[i]}
              errors={errors}
              onChange={(change, field) => onLine(i, change, field)}
              onRemove={lines.length > 1 ? () => onRemove(i) : undefined}
            />
          </li>
        ))}
      </ol>
      <button type="button" class="button button--secondary" onClick={onAdd}>
        Add line
      </button>
    </section>
  );
}

interface LineProps {
  index: number;
  line: LineValues;
  rates: readonly Rate[];
  currency: string;
  figures: LineFigures | undefined;
  errors: Record<string, string>;
  onChange: (change: Partial<LineValues>, field: string) => void;
  onRemove?: () => void;
}

function LineFields({ index, line, rates, currency, figures, errors, onChange, onRemove }: LineProps) {
  const name = (f: string) => `lines[${index}].${f}`;
  const taxError = errors[name('tax_rate_ids')];
  const taxErrorId = useId();
  const money = (a: string) => formatMoney(a, currency);
  const title = `Line ${index + 1}`;
  return (
    <fieldset class="line">
      <legend>{title}</legend>
      <div class="line__fields">
        <div class="line__description">
          <TextField
            label="Description"
            name={name('description')}
            value={line.description}
            onValue={(description) => onChange({ description }, name('description'))}
            error={errors[name('description')]}
            maxLength={500}
          />
        </div>
        <TextField
          label="Quantity"
          name={name('quantity')}
          inputMode="decimal"
          autoComplete="off"
          value={line.quantity}
          onValue={(quantity) => onChange({ quantity }, name('quantity'))}
          error={errors[name('quantity')]}
        />
        <TextField
          label={`Unit price (${currency})`}
          name={name('unit_price')}
          inputMode="decimal"
          autoComplete="off"
          value={line.unit_price}
          onValue={(unit_price) => onChange({ unit_price }, name('unit_price'))}
          error={errors[name('unit_price')]}
        />
        <SelectField
          label="Line discount"
          name={name('discount_kind')}
          value={line.discount_kind}
          placeholder="None"
          options={DISCOUNT_KINDS.map((k) => ({ value: k.value, label: k.value === 'fixed' ? `Amount (${currency})` : 'Percent' }))}
          onValue={(k) => onChange({ discount_kind: asDiscountKind(k) }, name('discount'))}
        />
        {line.discount_kind && (
          <TextField
            label={line.discount_kind === 'percent' ? 'Line discount (%)' : `Line discount (${currency})`}
            name={name('discount')}
            inputMode="decimal"
            autoComplete="off"
            value={line.discount_value}
            onValue={(discount_value) => onChange({ discount_value }, name('discount'))}
            error={errors[name('discount')]}
          />
        )}
      </div>
      {rates.length > 0 && (
        <fieldset class={taxError ? 'line__taxes field--invalid' : 'line__taxes'}>
          <legend>Taxes</legend>
          {rates.map((r) => {
            const checked = line.tax_rate_ids.includes(r.id);
            if (r.removed && !checked) return null;
            return (
              <label class="check" key={r.id}>
                <input
                  type="checkbox"
                  name={name('tax_rate_ids')}
                  value={r.id}
                  checked={checked}
                  aria-invalid={taxError ? true : undefined}
                  aria-describedby={taxError ? taxErrorId : undefined}
                  onChange={(e) =>
                    onChange(
                      {
                        tax_rate_ids: e.currentTarget.checked
                          ? [...line.tax_rate_ids, r.id]
                          : line.tax_rate_ids.filter((id) => id !== r.id),
                      },
                      name('tax_rate_ids'),
                    )
                  }
                />
                {rateLabel(r)}
              </label>
            );
          })}
          {taxError && (
            <p class="field__error" id={taxErrorId}>
              {taxError}
            </p>
          )}
        </fieldset>
      )}
      <div class="line__footer">
        {figures && (
          <dl class="line__figures">
            <div>
              <dt>Amount</dt>
              <dd>{money(figures.amount)}</dd>
            </div>
            {!isZeroAmount(figures.discount) && (
              <div>
                <dt>Discount</dt>
                <dd>−{money(figures.discount)}</dd>
              </div>
            )}
            {figures.taxes.map((t) => (
              <div key={t.rate_id}>
                <dt>{t.name}</dt>
                <dd>{money(t.amount)}</dd>
              </div>
            ))}
            <div>
              <dt>Line total</dt>
              <dd>
                <strong>{money(figures.total)}</strong>
              </dd>
            </div>
          </dl>
        )}
        {onRemove && (
          <button type="button" class="button button--small button--secondary" onClick={onRemove}>
            Remove<span class="visually-hidden"> line {index + 1}</span>
          </button>
        )}
      </div>
    </fieldset>
  );
}

/**
 * The rates a line may carry: the tenant's, then any the document names that the tenant has
 * removed since (shown only where ticked, to untick).
 */
export const offeredRates = (tenant: readonly Rate[], named: readonly Rate[] = []): Rate[] => [
  ...tenant,
  ...named.filter((r) => !tenant.some((t) => t.id === r.id)).map((r) => ({ ...r, removed: true })),
];

export function rateLabel(r: Rate): string {
  const notes = [r.inclusive ? 'included in prices' : '', r.compound ? 'compound' : '', r.removed ? 'no longer offered' : ''].filter(
    Boolean,
  );
  return `${r.name} ${formatPercent(r.percent)}${notes.length ? ` (${notes.join(', ')})` : ''}`;
}
