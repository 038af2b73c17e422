// Writing a quote (those who issue the tenant's invoices): for an organization and often a
// service request (`?request=&org=&title=`), items that are required, optional (ticked or not
// to begin with) or alternatives of a named package, each with the tenant's tax rates ticked;
// a validity, notes and a deposit asked on acceptance (the balance in monthly instalments).
// Saved as a draft (under If-Match when editing), then sent from its page.
import { useId, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { me } from '../app/session';
import { getBillingSettings } from '../invoices/api';
import { offeredRates, rateLabel, type Rate } from '../invoices/LinesEditor';
import { listOrgs } from '../tickets/orgs';
import { SelectField, TextArea, TextField } from '../ui/Field';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { createQuote, getQuote, issuesHere, quotePath, updateQuote, type Quote } from './api';
import { blankRow, depositOf, rowsOf, toQuoteBody, withRate, type DepositValues, type Kind, type Row } from './editor';
import './quotes.css';

const inDays = (n: number) => {
  const d = new Date(Date.now() + n * 86_400_000);
  return d.toISOString().slice(0, 10);
};

export default function QuoteEditor({ tenantId, quoteId }: { tenantId?: string; quoteId?: string }) {
  const { query } = useLocation();
  const tenant = tenantId ?? query.tenant ?? me.value!.user.tenant;
  const existing = useResource(async () => (quoteId ? getQuote(tenant, quoteId) : null), [quoteId]);
  const orgs = useResource(() => listOrgs(tenant), [tenant]);
  const settings = useResource(() => getBillingSettings(tenant), [tenant]);
  if (!issuesHere(tenant))
    return (
      <Page title="Quote">
        <Empty>Quotes are written by those who bill this portal’s clients.</Empty>
      </Page>
    );
  const failed = existing.error ?? orgs.error ?? settings.error;
  if (failed)
    return (
      <Page title="Quote">
        <ErrorNote error={failed} />
      </Page>
    );
  if ((quoteId && !existing.data) || !orgs.data || !settings.data)
    return (
      <Page title="Quote">
        <Loading />
      </Page>
    );
  const quote = existing.data?.value ?? null;
  return (
    <Editor
      tenant={tenant}
      orgs={orgs.data}
      rates={offeredRates(settings.data.value.tax_rates, quote?.tax_rates)}
      quote={quote}
      etag={existing.data?.etag ?? null}
    />
  );
}

interface EditorProps {
  tenant: string;
  orgs: { id: string; name: string }[];
  rates: Rate[];
  quote: Quote | null;
  etag: string | null;
}

function Editor({ tenant, orgs, rates, quote, etag }: EditorProps) {
  const { query, route } = useLocation();
  const [org, setOrg] = useState(quote?.org_id ?? query.org ?? orgs[0]?.id ?? '');
  const [title, setTitle] = useState(quote?.title ?? query.title ?? '');
  const [validUntil, setValidUntil] = useState(quote?.valid_until ?? inDays(30));
  const [notes, setNotes] = useState(quote?.notes ?? '');
  const [rows, setRows] = useState<Row[]>(quote ? rowsOf(quote) : [blankRow()]);
  const [deposit, setDeposit] = useState<DepositValues>(depositOf(quote));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const request = quote?.request_id ?? query.request;

  const set = (n: number, change: Partial<Row>) => setRows((all) => all.map((r, i) => (i === n ? { ...r, ...change } : r)));
  const setDepositPart = (change: Partial<DepositValues>) => setDeposit((d) => ({ ...d, ...change }));
  const body = () => toQuoteBody({ org_id: org, request_id: request, title, valid_until: validUntil, notes }, rows, deposit);

  const save = async () => {
    setBusy(true);
    setProblem(null);
    setErrors({});
    try {
      const saved = quote ? await updateQuote(tenant, quote.id, body(), etag) : await createQuote(tenant, body());
      route(quotePath(saved.value));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setProblem(staleEdit('quote'));
      else {
        const byField = e instanceof ApiError ? fieldErrors(e.problem) : {};
        setErrors(byField);
        setProblem(Object.keys(byField).length ? 'Please correct the fields marked below.' : errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={quote ? `Edit quote: ${quote.title}` : 'New quote'}>
      <div class="form">
        <SelectField
          label="For"
          name="org"
          value={org}
          options={orgs.map((o) => ({ value: o.id, label: o.name }))}
          onValue={setOrg}
          error={errors.org_id}
        />
        <TextField label="Title" name="title" value={title} onValue={setTitle} error={errors.title} />
        <TextField
          label="Valid until"
          name="valid_until"
          type="date"
          value={validUntil}
          onValue={setValidUntil}
          error={errors.valid_until}
        />
      </div>
      <section aria-labelledby="quote-rows" class="quote-rows">
        <h2 id="quote-rows">Items</h2>
        {errors.items && <p class="field__error">{errors.items}</p>}
        <ol class="quote-rows__list">
          {rows.map((r, n) => (
            <li key={n} class="panel quote-row">
              <fieldset class="fieldset">
                <legend>Item {n + 1}</legend>
                <TextField
                  label="Description"
                  name={`items.${n}.description`}
                  value={r.description}
                  onValue={(v) => set(n, { description: v })}
                  error={errors[`items[${n}].description`]}
                />
                <div class="form--inline">
                  <TextField
                    label="Quantity"
                    name={`items.${n}.quantity`}
                    inputMode="decimal"
                    value={r.quantity}
                    onValue={(v) => set(n, { quantity: v })}
                    error={errors[`items[${n}].quantity`]}
                  />
                  <TextField
                    label="Unit price"
                    name={`items.${n}.unit_price`}
                    inputMode="decimal"
                    value={r.unit_price}
                    onValue={(v) => set(n, { unit_price: v })}
                    error={errors[`items[${n}].unit_price`]}
                  />
                  <SelectField
                    label="Chosen how"
                    name={`items.${n}.kind`}
                    value={r.kind}
                    options={[
                      { value: 'required', label: 'Always included' },
                      { value: 'optional', label: 'Optional extra' },
                      { value: 'package', label: 'One of a package' },
                    ]}
                    onValue={(v) => set(n, { kind: v as Kind })}
                  />
                </div>
                {r.kind === 'package' && (
                  <TextField
                    label="Package name"
                    name={`items.${n}.group`}
                    hint="Alternatives share a package name; the client picks one."
                    value={r.group}
                    onValue={(v) => set(n, { group: v })}
                    error={errors[`items[${n}].group`]}
                  />
                )}
                {r.kind === 'optional' && (
                  <label class="check">
                    <input type="checkbox" checked={r.default} onChange={(e) => set(n, { default: e.currentTarget.checked })} />
                    Ticked to begin with
                  </label>
                )}
                <ItemTaxes
                  row={r}
                  rates={rates}
                  error={errors[`items[${n}].tax_rate_ids`]}
                  onToggle={(id, on) => setRows((all) => all.map((x, i) => (i === n ? withRate(x, id, on) : x)))}
                />
                {rows.length > 1 && (
                  <button type="button" class="link-button" onClick={() => setRows((all) => all.filter((_, i) => i !== n))}>
                    Remove item {n + 1}
                  </button>
                )}
              </fieldset>
            </li>
          ))}
        </ol>
        <button
          type="button"
          class="button button--secondary"
          onClick={() => setRows((all) => [...all, blankRow(all[all.length - 1]?.tax_rate_ids)])}
        >
          Add item
        </button>
      </section>
      <DepositFields deposit={deposit} errors={errors} onChange={setDepositPart} />
      <div class="form">
        <TextArea label="Notes for the client" name="notes" rows={3} value={notes} onValue={setNotes} error={errors.notes} />
        {problem && (
          <p class="alert alert--error" role="alert">
            {problem}
          </p>
        )}
        <div class="form-actions">
          <button type="button" class="button" disabled={busy} onClick={() => void save()}>
            {busy ? 'Saving…' : 'Save draft'}
          </button>
        </div>
      </div>
    </Page>
  );
}

/** The tenant's tax rates an item carries (none offered: the tenant has no rates yet). */
function ItemTaxes({
  row,
  rates,
  error,
  onToggle,
}: {
  row: Row;
  rates: Rate[];
  error?: string;
  onToggle: (id: string, on: boolean) => void;
}) {
  const errorId = useId();
  if (!rates.length) return null;
  return (
    <fieldset class={error ? 'fieldset quote-row__taxes field--invalid' : 'fieldset quote-row__taxes'}>
      <legend>Taxes</legend>
      {rates.map((r) => {
        const checked = row.tax_rate_ids.includes(r.id);
        if (r.removed && !checked) return null;
        return (
          <label class="check" key={r.id}>
            <input
              type="checkbox"
              value={r.id}
              checked={checked}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errorId : undefined}
              onChange={(e) => onToggle(r.id, e.currentTarget.checked)}
            />
            {rateLabel(r)}
          </label>
        );
      })}
      {error && (
        <p class="field__error" id={errorId}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

interface DepositProps {
  deposit: DepositValues;
  errors: Record<string, string>;
  onChange: (change: Partial<DepositValues>) => void;
}

/** A deposit asked on acceptance: its share invoiced at once, the balance in monthly instalments. */
function DepositFields({ deposit, errors, onChange }: DepositProps) {
  return (
    <section aria-labelledby="quote-deposit" class="panel quote-deposit">
      <h2 id="quote-deposit">Deposit</h2>
      <label class="check">
        <input type="checkbox" name="deposit" checked={deposit.on} onChange={(e) => onChange({ on: e.currentTarget.checked })} />
        Ask for a deposit when the client accepts
      </label>
      {errors.deposit && <p class="field__error">{errors.deposit}</p>}
      {deposit.on && (
        <div class="form--inline">
          <TextField
            label="Deposit (%)"
            name="deposit.percent"
            inputMode="decimal"
            autoComplete="off"
            hint="1 to 90 percent of the chosen items, invoiced and sent on acceptance."
            value={deposit.percent}
            onValue={(percent) => onChange({ percent })}
            error={errors['deposit.percent']}
          />
          <TextField
            label="Balance in monthly instalments"
            name="deposit.instalments"
            inputMode="numeric"
            autoComplete="off"
            hint="1 to 12: the rest is invoiced on acceptance, payable month by month."
            value={deposit.instalments}
            onValue={(instalments) => onChange({ instalments })}
            error={errors['deposit.instalments']}
          />
        </div>
      )}
    </section>
  );
}
