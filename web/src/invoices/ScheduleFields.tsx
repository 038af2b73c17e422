// A recurring invoice's schedule in its form: how often, from which day, until which (if ever),
// and whether each invoice is sent at once (and charged to the party's saved card) or left as a
// draft to review. How often and the first day are fixed once an invoice was made.
import { SelectField, TextField } from '../ui/Field';
import { formatDay } from '../tickets/duration';
import { FREQUENCIES, frequencyLabel, type Frequency, type RecurringValues } from './recurring';

interface Props {
  values: RecurringValues;
  errors: Record<string, string>;
  /** Invoices made so far (0 for a new schedule): after the first, the frequency and first day stay. */
  generated: number;
  set: <K extends keyof RecurringValues>(name: K, value: RecurringValues[K]) => void;
}

export function ScheduleFields({ values, errors, generated, set }: Props) {
  const fixed = generated > 0;
  return (
    <section class="panel form" aria-labelledby="recurring-schedule-heading">
      <h2 id="recurring-schedule-heading">Schedule</h2>
      {fixed ? (
        <p>
          {frequencyLabel(values.frequency)}, from {formatDay(values.start_on)}.{' '}
          <span class="muted">How often and the first day are fixed once the first invoice is made.</span>
        </p>
      ) : (
        <div class="form form--inline">
          <SelectField
            label="How often"
            name="frequency"
            value={values.frequency}
            options={FREQUENCIES}
            onValue={(f) => set('frequency', (FREQUENCIES.find((o) => o.value === f)?.value ?? 'monthly') as Frequency)}
            error={errors.frequency}
          />
          <TextField
            label="First invoice on"
            name="start_on"
            type="date"
            value={values.start_on}
            onValue={(d) => set('start_on', d)}
            error={errors.start_on}
            hint="Missed periods up to a year back are made at once."
          />
        </div>
      )}
      <div class="form form--inline">
        <TextField
          label="Last invoice by (optional)"
          name="end_on"
          type="date"
          value={values.end_on}
          onValue={(d) => set('end_on', d)}
          error={errors.end_on}
          hint="Leave empty to go on until you end it."
        />
      </div>
      <label class="check">
        <input type="checkbox" name="auto_send" checked={values.auto_send} onChange={(e) => set('auto_send', e.currentTarget.checked)} />
        Send each invoice as it is made (otherwise it waits as a draft for you to review)
      </label>
      {errors.auto_send && <p class="field__error">{errors.auto_send}</p>}
      {values.auto_send && (
        <label class="check">
          <input
            type="checkbox"
            name="auto_charge"
            checked={values.auto_charge}
            onChange={(e) => set('auto_charge', e.currentTarget.checked)}
          />
          Charge each invoice to the card they saved for automatic payments
        </label>
      )}
      {errors.auto_charge && <p class="field__error">{errors.auto_charge}</p>}
    </section>
  );
}
