// The person's time zone (of digests and quiet hours) and their quiet hours, saved together; the
// server's refusals sit next to the field they are about.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { FormError, SelectField, TextField } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { browserZone, quietChange, quietFormOf, timeZoneOptions, zoneLabel, type Preferences } from './preferences';
import type { Queue } from './useKindEditor';

interface Props {
  prefs: Preferences;
  /** Saves one change at a time with the grid, which writes the same settings. */
  queue: Queue;
  onSaved: (prefs: Preferences) => void;
}

const EXPLAIN =
  'Nothing is mailed, texted or pushed during quiet hours; one summary follows when they end. The portal’s own notifications still appear.';

export function QuietHours({ prefs, queue, onSaved }: Props) {
  const form = useForm(quietFormOf(prefs));
  const [saved, setSaved] = useState('');
  const here = useMemo(browserZone, []);
  const zones = useMemo(() => timeZoneOptions(prefs.time_zone, here), [prefs.time_zone, here]);
  const v = form.values;
  const quietError = form.errors.quiet_hours;
  // A new time answers "start and end must differ" too.
  const setTime = (name: 'quiet_hours.start' | 'quiet_hours.end', t: string) => {
    form.set(name, t);
    if (quietError) form.set('quiet_hours', v.quiet_hours);
  };

  const submit = form.submit(async (values) => {
    setSaved('');
    const next = await queue(async () => unwrap(await api.PATCH('/api/v1/notifications/preferences', { body: quietChange(values) })));
    onSaved(next);
    form.reset(quietFormOf(next));
    const zone = zoneLabel(next.time_zone);
    setSaved(
      next.quiet_hours
        ? `Saved: quiet from ${next.quiet_hours.start} to ${next.quiet_hours.end}, ${zone} time.`
        : `Saved: no quiet hours, ${zone} time.`,
    );
  });

  return (
    <section class="quiet-hours" aria-labelledby="quiet-heading">
      <h3 id="quiet-heading">Time zone and quiet hours</h3>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <SelectField
          label="Time zone"
          name="time_zone"
          value={v.time_zone}
          options={zones}
          onValue={(z) => form.set('time_zone', z)}
          error={form.errors.time_zone}
          hint={`Digests and quiet hours follow this zone.${here ? ` This browser is set to ${zoneLabel(here)}.` : ''}`}
        />
        {here && (
          <div class="actions">
            <button type="button" class="button button--secondary button--small" onClick={() => form.set('time_zone', here)}>
              Use this browser’s zone
            </button>
          </div>
        )}
        <div class={quietError ? 'field field--invalid' : 'field'}>
          <label class="check">
            <input
              type="checkbox"
              name="quiet_hours"
              checked={v.quiet_hours}
              aria-describedby={quietError ? 'quiet-explain quiet-error' : 'quiet-explain'}
              aria-invalid={quietError ? true : undefined}
              onChange={(e) => form.set('quiet_hours', e.currentTarget.checked)}
            />
            Quiet hours
          </label>
          <p class="field__hint" id="quiet-explain">
            {EXPLAIN}
          </p>
          {quietError && (
            <p class="field__error" id="quiet-error">
              {quietError}
            </p>
          )}
        </div>
        <div class="quiet-hours__times">
          <TextField
            label="Quiet from"
            name="quiet_hours.start"
            type="time"
            value={v['quiet_hours.start']}
            disabled={!v.quiet_hours}
            onValue={(t) => setTime('quiet_hours.start', t)}
            error={form.errors['quiet_hours.start']}
            describedBy={quietError ? 'quiet-error' : undefined}
          />
          <TextField
            label="Quiet until"
            name="quiet_hours.end"
            type="time"
            value={v['quiet_hours.end']}
            disabled={!v.quiet_hours}
            onValue={(t) => setTime('quiet_hours.end', t)}
            error={form.errors['quiet_hours.end']}
            describedBy={quietError ? 'quiet-error' : undefined}
          />
        </div>
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Save time zone and quiet hours
          </button>
        </div>
        <p class="muted" role="status">
          {saved}
        </p>
      </form>
    </section>
  );
}
