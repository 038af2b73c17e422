// Service levels: the platform's default policy and a tenant's own, each with targets per
// priority, the warning threshold, escalations and the business-hours calendar. Super admins
// change them; staff read them.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { CHECKS } from '../api/messages';
import { ApiError, unwrap } from '../api/problem';
import { role } from '../app/session';
import { FormError, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { PRIORITIES } from '../tickets/labels';
import { formatShifts, parseShifts } from './shifts';
import { useTenant } from './useTenant';

type Policy = Schemas['PolicyBody'];
type PolicyView = Schemas['PolicyView'];
type EscalationAction = Schemas['EscalationBody']['action'];
const ESCALATION_ACTIONS = ['notify', 'raise_priority', 'reassign'] as const satisfies readonly EscalationAction[];
const isEscalationAction = (a: string): a is EscalationAction => (ESCALATION_ACTIONS as readonly string[]).includes(a);
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export default function Sla() {
  const { tenantId, picker } = useTenant();
  const platform = useResource(async () => unwrap(await api.GET('/api/v1/sla/policy')), []);
  const tenant = useResource(
    async () => unwrap(await api.GET('/api/v1/tenants/{tenant_id}/sla/policy', { params: { path: { tenant_id: tenantId } } })),
    [tenantId],
  );
  const canEdit = role.value === 'super_admin';

  return (
    <Page title="Service levels">
      <section class="panel" aria-labelledby="platform-policy">
        <h2 id="platform-policy">Platform default</h2>
        {platform.error ? (
          <ErrorNote error={platform.error} />
        ) : !platform.data ? (
          <Loading />
        ) : (
          <PolicyForm
            key={JSON.stringify(platform.data)}
            view={platform.data}
            canEdit={canEdit}
            save={async (body) => platform.setData(unwrap(await api.PUT('/api/v1/sla/policy', { body })))}
            remove={async () => {
              unwrap(await api.DELETE('/api/v1/sla/policy'));
              await platform.reload();
            }}
          />
        )}
      </section>
      <section class="panel" aria-labelledby="tenant-policy">
        <h2 id="tenant-policy">A tenant's own</h2>
        {picker}
        {tenant.error ? (
          <ErrorNote error={tenant.error} />
        ) : !tenant.data ? (
          <Loading />
        ) : (
          <PolicyForm
            key={`${tenantId}-${JSON.stringify(tenant.data)}`}
            view={tenant.data}
            canEdit={canEdit}
            save={async (body) =>
              tenant.setData(
                unwrap(await api.PUT('/api/v1/tenants/{tenant_id}/sla/policy', { params: { path: { tenant_id: tenantId } }, body })),
              )
            }
            remove={async () => {
              unwrap(await api.DELETE('/api/v1/tenants/{tenant_id}/sla/policy', { params: { path: { tenant_id: tenantId } } }));
              await tenant.reload();
            }}
          />
        )}
      </section>
    </Page>
  );
}

type Values = Record<string, string>;

function toValues(p: Policy): Values {
  const v: Values = {
    name: p.name,
    warn_percent: String(p.warn_percent),
    'calendar.name': p.calendar.name,
    'calendar.time_zone': p.calendar.time_zone,
    'calendar.holidays': (p.calendar.holidays ?? []).join(', '),
    on_warning: (p.on_warning ?? []).map((e) => e.action).join(','),
    on_breach: (p.on_breach ?? []).map((e) => e.action).join(','),
  };
  for (const { value } of PRIORITIES) {
    const t = p.targets[value];
    v[`targets.${value}.first_response_minutes`] = String(t.first_response_minutes);
    v[`targets.${value}.resolution_minutes`] = String(t.resolution_minutes);
  }
  DAYS.forEach((_, i) => (v[`calendar.weekly.${i}`] = formatShifts(p.calendar.weekly[i] ?? [])));
  return v;
}

class FormProblem extends ApiError {
  constructor(field: string, message: string) {
    super(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors: [{ field, message }] });
  }
}

function toPolicy(v: Values): Policy {
  const weekly = DAYS.map((_, i) => {
    const parsed = parseShifts(v[`calendar.weekly.${i}`]);
    if ('bad' in parsed) throw new FormProblem(`calendar.weekly.${i}`, CHECKS.shift(parsed.bad));
    return parsed;
  });
  const num = (name: string) => Number(v[name]);
  const targets = Object.fromEntries(
    PRIORITIES.map(({ value }) => [
      value,
      {
        first_response_minutes: num(`targets.${value}.first_response_minutes`),
        resolution_minutes: num(`targets.${value}.resolution_minutes`),
      },
    ]),
  ) as Policy['targets'];
  const escalations = (list: string) =>
    list
      .split(',')
      // The policy's own actions and the toggles' (none is dropped here).
      .filter(isEscalationAction)
      .map((action) => ({ action }));
  return {
    name: v.name,
    warn_percent: num('warn_percent'),
    targets,
    calendar: {
      name: v['calendar.name'],
      time_zone: v['calendar.time_zone'],
      weekly,
      holidays: v['calendar.holidays']
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    },
    on_warning: escalations(v.on_warning),
    on_breach: escalations(v.on_breach),
  };
}

interface FormProps {
  view: PolicyView;
  canEdit: boolean;
  save: (p: Policy) => Promise<void>;
  remove: () => Promise<void>;
}

function PolicyForm({ view, canEdit, save, remove }: FormProps) {
  const form = useForm<Values>(toValues(view.policy));
  const [saved, setSaved] = useState<string | null>(null);
  const v = form.values;
  const field = (name: string, label: string, hint?: string) => (
    <TextField
      label={label}
      hint={hint}
      name={name}
      value={v[name]}
      onValue={(x) => form.set(name, x)}
      error={form.errors[name]}
      disabled={!canEdit}
    />
  );
  const toggle = (list: 'on_warning' | 'on_breach', action: EscalationAction, label: string) => {
    const actions = v[list].split(',').filter(Boolean);
    return (
      <label class="check">
        <input
          type="checkbox"
          disabled={!canEdit}
          checked={actions.includes(action)}
          onChange={(e) => form.set(list, (e.currentTarget.checked ? [...actions, action] : actions.filter((a) => a !== action)).join(','))}
        />
        {label}
      </label>
    );
  };
  const submit = form.submit(async (values) => {
    await save(toPolicy(values));
    setSaved('Saved.');
  });

  return (
    <form class="form" style={{ maxWidth: 'none' }} onSubmit={submit} ref={form.formRef} noValidate>
      <p class="muted">{view.own ? 'This scope has its own policy.' : `Inherited: the ${view.scope} policy applies.`}</p>
      <FormError message={form.formError} />
      {saved && (
        <p class="alert alert--ok" role="status">
          {saved}
        </p>
      )}
      <div class="form--inline form">
        {field('name', 'Policy name')}
        {field('warn_percent', 'Warn at (% of target)')}
      </div>
      <div class="table-wrap">
        <table>
          <caption>Targets in business minutes</caption>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              <th scope="col">First response</th>
              <th scope="col">Resolution</th>
            </tr>
          </thead>
          <tbody>
            {[...PRIORITIES].reverse().map((p) => (
              <tr key={p.value}>
                <th scope="row">{p.label}</th>
                <td>{field(`targets.${p.value}.first_response_minutes`, `${p.label}: first response (minutes)`)}</td>
                <td>{field(`targets.${p.value}.resolution_minutes`, `${p.label}: resolution (minutes)`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <fieldset class="fieldset">
        <legend>Escalations</legend>
        {toggle('on_warning', 'notify', 'Notify when a target is at risk')}
        {toggle('on_breach', 'notify', 'Notify on a breach')}
        {toggle('on_breach', 'raise_priority', 'Raise the priority on a breach')}
      </fieldset>
      <fieldset class="fieldset">
        <legend>Business hours</legend>
        <div class="form form--inline">
          {field('calendar.name', 'Calendar name')}
          {field('calendar.time_zone', 'Time zone', 'e.g. Europe/Berlin')}
        </div>
        <p class="field__hint">
          Shifts per day like 09:00-12:00, 13:00-17:00; leave a day empty when closed, every day empty for around the clock.
        </p>
        <div class="grid">{DAYS.map((d, i) => field(`calendar.weekly.${i}`, d))}</div>
        {field('calendar.holidays', 'Holidays', 'Dates like 2026-12-25, separated by commas')}
      </fieldset>
      {canEdit && (
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Save policy
          </button>
          {view.own && (
            <button type="button" class="button button--secondary" onClick={() => void remove()}>
              Remove this policy
            </button>
          )}
        </div>
      )}
    </form>
  );
}
