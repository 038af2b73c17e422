// Writing a quote (those who issue the tenant's invoices): for an organization and often a
// service request (`?request=&org=&title=`), items that are required, optional (ticked or not
// to begin with) or alternatives of a named package, a validity and notes. Saved as a draft
// (under If-Match when editing), then sent from its page.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { me } from '../app/session';
import { listOrgs } from '../tickets/orgs';
import { SelectField, TextArea, TextField } from '../ui/Field';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { createQuote, getQuote, quotePath, updateQuote, type Quote, type QuoteBody } from './api';
import { issuesHere } from './QuotePage';
import './quotes.css';

interface Row {
  description: string;
  quantity: string;
  unit_price: string;
  kind: 'required' | 'optional' | 'package';
  default: boolean;
  group: string;
}

const blankRow = (): Row => ({ description: '', quantity: '1', unit_price: '', kind: 'required', default: false, group: '' });

const inDays = (n: number) => {
  const d = new Date(Date.now() + n * 86_400_000);
  return d.toISOString().slice(0, 10);
};

export default function QuoteEditor({ tenantId, quoteId }: { tenantId?: string; quoteId?: string }) {
  const { query } = useLocation();
  const tenant = tenantId ?? query.tenant ?? me.value!.user.tenant;
  const existing = useResource(async () => (quoteId ? getQuote(tenant, quoteId) : null), [quoteId]);
  const orgs = useResource(() => listOrgs(tenant), [tenant]);
  if (!issuesHere(tenant))
    return (
      <Page title="Quote">
        <Empty>Quotes are written by those who bill this portal’s clients.</Empty>
      </Page>
    );
  if (existing.error || orgs.error)
    return (
      <Page title="Quote">
        <ErrorNote error={(existing.error ?? orgs.error)!} />
      </Page>
    );
  if ((quoteId && !existing.data) || !orgs.data)
    return (
      <Page title="Quote">
        <Loading />
      </Page>
    );
  return <Editor tenant={tenant} orgs={orgs.data} quote={existing.data?.value ?? null} etag={existing.data?.etag ?? null} />;
}

function Editor({
  tenant,
  orgs,
  quote,
  etag,
}: {
  tenant: string;
  orgs: { id: string; name: string }[];
  quote: Quote | null;
  etag: string | null;
}) {
  const { query, route } = useLocation();
  const [org, setOrg] = useState(quote?.org_id ?? query.org ?? orgs[0]?.id ?? '');
  const [title, setTitle] = useState(quote?.title ?? query.title ?? '');
  const [validUntil, setValidUntil] = useState(quote?.valid_until ?? inDays(30));
  const [notes, setNotes] = useState(quote?.notes ?? '');
  const [rows, setRows] = useState<Row[]>(
    quote?.items.map((i) => ({
      description: i.description,
      quantity: i.quantity,
      unit_price: i.unit_price,
      kind: i.kind as Row['kind'],
      default: i.default,
      group: i.group ?? '',
    })) ?? [blankRow()],
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const request = quote?.request_id ?? query.request;

  const set = (n: number, change: Partial<Row>) => setRows((all) => all.map((r, i) => (i === n ? { ...r, ...change } : r)));
  const body = (): QuoteBody => ({
    org_id: org,
    request_id: request || undefined,
    title,
    valid_until: validUntil,
    notes,
    items: rows.map((r) => ({
      description: r.description,
      quantity: r.quantity,
      unit_price: r.unit_price,
      tax_rate_ids: [],
      kind: r.kind,
      default: r.kind === 'optional' ? r.default : undefined,
      group: r.kind === 'package' ? r.group : undefined,
    })),
  });

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
                    onValue={(v) => set(n, { kind: v as Row['kind'] })}
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
                {rows.length > 1 && (
                  <button type="button" class="link-button" onClick={() => setRows((all) => all.filter((_, i) => i !== n))}>
                    Remove item {n + 1}
                  </button>
                )}
              </fieldset>
            </li>
          ))}
        </ol>
        <button type="button" class="button button--secondary" onClick={() => setRows((all) => [...all, blankRow()])}>
          Add item
        </button>
      </section>
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
