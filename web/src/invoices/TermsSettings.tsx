// Payment terms in the billing settings: the tenant's default (super admins set it; the
// platform's Net 30 applies otherwise) and the terms of single clients or partners, which apply
// before the default. Partners read them; Kre8ivTech configures them.
import { useState } from 'preact/hooks';
import { CHECKS } from '../api/messages';
import { errorMessage } from '../api/problem';
import { role } from '../app/session';
import { Empty } from '../ui/Card';
import { FormError, SelectField, TextField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { listPartyTerms, setPartyTerms, updateBillingSettings, type BillingSettings, type Tagged, type Terms } from './api';
import { ConfirmButton } from '../ui/Confirm';
import { billableParties, parseParty, partyOptions, partyValue, type Party } from './parties';
import { formProblem, renamed } from './problems';
import { CUSTOM, describeTerms, termsField, termsFrom, termsValues, unreadableDays, type TermsValues } from './terms';

interface FormProps {
  initial: Terms;
  presets: readonly Terms[];
  submitLabel: string;
  onSave: (terms: Terms) => Promise<void>;
}

/** Choosing a preset, or writing terms of one's own. */
export function TermsForm({ initial, presets, submitLabel, onSave }: FormProps) {
  const form = useForm<TermsValues>(termsValues(initial, presets));
  const v = form.values;
  const custom = v.preset === CUSTOM;
  const submit = form.submit(async (values) => {
    const bad = unreadableDays(values, presets);
    if (bad.length) throw formProblem(bad, CHECKS.days);
    try {
      await onSave(termsFrom(values, presets));
    } catch (e) {
      throw renamed(e, termsField);
    }
  });
  const text = (name: keyof TermsValues, label: string, hint?: string) => (
    <TextField
      label={label}
      name={name}
      hint={hint}
      inputMode={name === 'name' ? undefined : 'decimal'}
      autoComplete="off"
      value={String(v[name])}
      onValue={(x) => form.set(name, x)}
      error={form.errors[name]}
    />
  );
  const toggle = (name: 'early' | 'late' | 'interest', label: string) => (
    <label class="check">
      <input type="checkbox" checked={v[name]} onChange={(e) => form.set(name, e.currentTarget.checked)} />
      {label}
    </label>
  );
  return (
    <form class="form terms-form" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      <SelectField
        label="Payment terms"
        name="preset"
        value={v.preset}
        options={[...presets.map((p) => ({ value: p.name, label: p.name })), { value: CUSTOM, label: 'Custom…' }]}
        onValue={(x) => form.set('preset', x)}
        error={form.errors.preset}
      />
      {custom && (
        <>
          <div class="form form--inline">
            {text('name', 'Name (optional)', 'As shown on invoices, e.g. 2/10 Net 30; empty: Net and the days.')}
            {text('due_days', 'Days until due', '0: due on receipt.')}
          </div>
          <fieldset class="fieldset">
            <legend>Early-payment discount</legend>
            {toggle('early', 'Offer a discount for paying early')}
            {v.early && (
              <div class="form form--inline">
                {text('early_discount.percent', 'Discount (%)')}
                {text('early_discount.days', 'Within days of sending')}
              </div>
            )}
          </fieldset>
          <fieldset class="fieldset">
            <legend>Late fee</legend>
            {toggle('late', 'Charge a fee when payment is late')}
            {v.late && (
              <div class="form form--inline">
                <SelectField
                  label="Fee"
                  name="late_fee.kind"
                  value={v['late_fee.kind']}
                  options={[
                    { value: 'percent', label: 'Percent of the overdue balance' },
                    { value: 'fixed', label: 'Fixed amount' },
                  ]}
                  onValue={(x) => form.set('late_fee.kind', x)}
                  error={form.errors['late_fee.kind']}
                />
                {text('late_fee.value', v['late_fee.kind'] === 'fixed' ? 'Amount' : 'Percent')}
                {text('late_fee.grace_days', 'Grace days after the due date')}
                {text('late_fee.repeat_days', 'Repeat every (days)', 'Empty: charged once.')}
              </div>
            )}
          </fieldset>
          <fieldset class="fieldset">
            <legend>Interest</legend>
            {toggle('interest', 'Charge interest on what is overdue')}
            {v.interest && text('interest.annual_percent', 'Interest a year (%)', 'Simple interest by the day (actual/365).')}
          </fieldset>
        </>
      )}
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

function TermsSummary({ terms }: { terms: Terms }) {
  return (
    <div class="terms-summary">
      <strong>{terms.name}</strong>
      <ul>
        {describeTerms(terms).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
    </div>
  );
}

interface DefaultProps {
  tenantId: string;
  settings: Tagged<BillingSettings>;
  onSaved: (next: Tagged<BillingSettings>) => void;
}

export function DefaultTerms({ tenantId, settings, onSaved }: DefaultProps) {
  const s = settings.value;
  const current = s.terms ?? s.platform_terms;
  const configures = role.value === 'super_admin';
  const [said, setSaid] = useState('');
  const [error, setError] = useState<string | null>(null);
  const save = async (terms: Terms | null) => {
    const next = await updateBillingSettings(tenantId, settings.etag, { terms });
    onSaved(next);
    setSaid(terms ? `Saved: ${terms.name}.` : 'The platform’s default applies again.');
  };
  return (
    <section class="panel" aria-labelledby="default-terms-heading">
      <h2 id="default-terms-heading">Default payment terms</h2>
      <p class="muted">
        {s.terms ? 'This tenant’s own default.' : `No default of its own: the platform’s (${s.platform_terms.name}) applies.`} Terms set for
        a client apply before it.
      </p>
      <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
        {said}
      </p>
      {configures ? (
        <TermsForm key={JSON.stringify(current)} initial={current} presets={s.presets} submitLabel="Save default terms" onSave={save} />
      ) : (
        <TermsSummary terms={current} />
      )}
      {configures && s.terms && (
        <>
          <FormError message={error} />
          <button
            type="button"
            class="button button--secondary terms-reset"
            onClick={() => save(null).catch((e: unknown) => setError(errorMessage(e)))}
          >
            Use the platform’s default
          </button>
        </>
      )}
    </section>
  );
}

export function PartyTermsList({ tenantId, settings }: { tenantId: string; settings: BillingSettings }) {
  const list = useResource(() => listPartyTerms(tenantId), [tenantId]);
  const parties = useResource(() => billableParties(tenantId, role.value), [tenantId]);
  const configures = role.value === 'super_admin';
  const [said, setSaid] = useState('');
  const name = (kind: string, id: string) =>
    parties.data?.find((p) => partyValue(p) === partyValue({ kind, id }))?.name ?? (kind === 'partner' ? 'A partner' : 'A client');

  return (
    <section class="panel" aria-labelledby="party-terms-heading">
      <h2 id="party-terms-heading">Terms of single clients</h2>
      <p role="status" class="visually-hidden">
        {said}
      </p>
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : !list.data ? (
        <Loading />
      ) : !list.data.length ? (
        <Empty>Every client has the default terms.</Empty>
      ) : (
        <ul class="list">
          {list.data.map((p) => (
            <li key={`${p.kind}:${p.id}:${JSON.stringify(p.terms)}`}>
              <PartyItem
                label={name(p.kind, p.id)}
                terms={p.terms}
                presets={settings.presets}
                configures={configures}
                save={async (terms) => {
                  await setPartyTerms(tenantId, p.kind, p.id, terms);
                  setSaid(terms ? `Saved the terms of ${name(p.kind, p.id)}.` : `${name(p.kind, p.id)} has the default terms again.`);
                  await list.reload();
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {configures && parties.data && (
        <NewPartyTerms
          parties={parties.data}
          settings={settings}
          save={async (party, terms) => {
            await setPartyTerms(tenantId, party.kind, party.id, terms);
            setSaid(`Saved the terms of ${party.name}.`);
            await list.reload();
          }}
        />
      )}
    </section>
  );
}

interface ItemProps {
  label: string;
  terms: Terms;
  presets: readonly Terms[];
  configures: boolean;
  save: (terms: Terms | null) => Promise<void>;
}

function PartyItem({ label, terms, presets, configures, save }: ItemProps) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <article class="party-terms" aria-label={label}>
      <h3>{label}</h3>
      {editing ? (
        <TermsForm initial={terms} presets={presets} submitLabel={`Save terms of ${label}`} onSave={save} />
      ) : (
        <TermsSummary terms={terms} />
      )}
      <FormError message={error} />
      {configures && (
        <div class="actions">
          <button type="button" class="button button--small button--secondary" onClick={() => setEditing(!editing)}>
            {editing ? 'Cancel' : 'Change'}
            <span class="visually-hidden"> the terms of {label}</span>
          </button>
          <ConfirmButton
            label="Remove…"
            confirm={`Give ${label} the default terms`}
            decline="Keep them"
            onConfirm={() => void save(null).catch((e: unknown) => setError(errorMessage(e)))}
          />
        </div>
      )}
    </article>
  );
}

function NewPartyTerms({
  parties,
  settings,
  save,
}: {
  parties: Party[];
  settings: BillingSettings;
  save: (party: Party, terms: Terms) => Promise<void>;
}) {
  const [picked, setPicked] = useState('');
  const party = parties.find((p) => partyValue(p) === picked) ?? null;
  const initial = settings.terms ?? settings.platform_terms;
  return (
    <div class="party-terms-new">
      <h3>Set terms for a client</h3>
      <SelectField
        label="Client"
        name="party"
        value={picked}
        placeholder="Choose a client or partner"
        options={partyOptions(parties)}
        onValue={(x) => setPicked(parseParty(x) ? x : '')}
      />
      {party && (
        <TermsForm
          key={picked}
          initial={initial}
          presets={settings.presets}
          submitLabel={`Save terms of ${party.name}`}
          onSave={async (terms) => {
            await save(party, terms);
            setPicked('');
          }}
        />
      )}
    </div>
  );
}
