// Drafting an invoice, new or a saved draft: who is billed, the currency, the lines, the
// invoice's discount, notes and terms, with the figures computed as the user types (totals.ts,
// the server's rules). Save keeps the draft (guarded by its version), Send saves and sends it
// (it takes the tenant's next number and the billed party is told), Discard throws it away.
import { useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { fieldSentences, staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import NotFound from '../app/NotFound';
import { me, role } from '../app/session';
import { Empty } from '../ui/Card';
import { FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { draftsInvoices } from './access';
import {
  createInvoice,
  discardInvoice,
  getBillingSettings,
  getInvoice,
  invoicePath,
  sendInvoice,
  updateInvoice,
  type BillingSettings,
  type Invoice,
  type Tagged,
} from './api';
import {
  asDiscountKind,
  blankInvoice,
  blankLine,
  editorErrors,
  fromInvoice,
  liveFigures,
  toNewInvoice,
  toUpdate,
  withoutLine,
  type EditorValues,
  type LineValues,
} from './editor';
import { ConfirmButton } from './Confirm';
import { DISCOUNT_KINDS } from './labels';
import { LinesEditor, type Rate } from './LinesEditor';
import { CURRENCIES, minorUnits } from './money';
import { billableParties, partyOptions, partyValue, type Party } from './parties';
import { Summary } from './Summary';
import './invoices.css';

export default function InvoiceEditor() {
  const { params, query } = useRoute();
  const own = me.value!.user.tenant;
  const invoiceId: string | undefined = params.invoiceId;
  const tenantId: string = params.tenantId ?? (query.tenant || own);
  const settings = useResource(() => getBillingSettings(tenantId), [tenantId]);
  const parties = useResource(() => billableParties(tenantId, role.value), [tenantId]);
  const existing = useResource(async () => (invoiceId ? getInvoice(tenantId, invoiceId) : null), [tenantId, invoiceId]);

  if (!draftsInvoices(role.value)) {
    return (
      <Page title="New invoice">
        <Empty>Invoices are drafted by the portal’s owners.</Empty>
      </Page>
    );
  }
  const failed = existing.error ?? settings.error;
  if (failed instanceof ApiError && failed.status === 404) return <NotFound />;
  if (failed) return <ErrorNote error={failed} />;
  if (!settings.data || existing.data === undefined || (!parties.data && !parties.error)) return <Loading />;
  const draft = existing.data;
  if (draft && (draft.value.status !== 'draft' || draft.value.side !== 'issuer')) {
    return (
      <Page title="Edit invoice">
        <p class="alert alert--error" role="alert">
          Only drafts change; a sent invoice is settled with payments or voided.{' '}
          <a href={invoicePath(tenantId, draft.value.id)}>Back to the invoice</a>
        </p>
      </Page>
    );
  }
  return (
    <EditorForm
      key={`${tenantId}|${invoiceId ?? 'new'}`}
      tenantId={tenantId}
      settings={settings.data.value}
      parties={parties.data ?? []}
      partiesFailed={Boolean(parties.error)}
      draft={draft}
      preselect={query.billed ?? ''}
    />
  );
}

interface FormProps {
  tenantId: string;
  settings: BillingSettings;
  parties: Party[];
  partiesFailed: boolean;
  draft: Tagged<Invoice> | null;
  preselect: string;
}

type Busy = false | 'save' | 'send' | 'discard';

function EditorForm({ tenantId, settings, parties, partiesFailed, draft, preselect }: FormProps) {
  const { route } = useLocation();
  const [values, setValues] = useState<EditorValues>(() => (draft ? fromInvoice(draft.value) : blankInvoice(settings.currency, preselect)));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(false);
  const [saved, setSaved] = useState(draft ? { id: draft.value.id, etag: draft.etag } : null);
  // One key per draft this form starts: a retry after a lost answer drafts it once.
  const [key] = useState(() => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`));
  const formRef = useRef<HTMLFormElement>(null);

  // The tenant's rates, and any the draft names that the tenant has removed since (to untick).
  const rates: Rate[] = [
    ...settings.tax_rates,
    ...(draft?.value.tax_rates ?? []).filter((r) => !settings.tax_rates.some((s) => s.id === r.id)).map((r) => ({ ...r, removed: true })),
  ];
  const figures = liveFigures(values, rates);
  const options = partyOptions(parties);
  if (draft && !parties.some((p) => partyValue(p) === partyValue(draft.value.billed))) {
    options.push({ value: partyValue(draft.value.billed), label: draft.value.billed.name ?? 'The billed party' });
  }
  const billedName = options.find((o) => o.value === values.billed)?.label;
  const listHref = `/invoices${tenantId === me.value?.user.tenant ? '' : `?tenant=${encodeURIComponent(tenantId)}`}`;

  const clear = (field: string) => {
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };
  const set = <K extends keyof EditorValues>(name: K, value: EditorValues[K], field: string = name) => {
    setValues((v) => ({ ...v, [name]: value }));
    clear(field);
  };
  const setLine = (index: number, change: Partial<LineValues>, field: string) => {
    setValues((v) => ({ ...v, lines: v.lines.map((l, i) => (i === index ? { ...l, ...change } : l)) }));
    clear(field);
  };
  const addLine = () => {
    setValues((v) => ({ ...v, lines: [...v.lines, blankLine(v.lines[v.lines.length - 1]?.tax_rate_ids ?? [])] }));
    const index = values.lines.length;
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="lines[${index}].description"]`)?.focus(), 0);
  };
  const removeLine = (index: number) => {
    setValues((v) => ({ ...v, lines: v.lines.filter((_, i) => i !== index) }));
    setErrors((e) => withoutLine(e, index));
    // The button pressed is gone: keep the keyboard near where it was.
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="lines[${Math.max(0, index - 1)}].description"]`)?.focus(), 0);
  };

  const persist = async () => {
    const answer = saved
      ? await updateInvoice(tenantId, saved.id, saved.etag, toUpdate(values))
      : await createInvoice(tenantId, toNewInvoice(values), key);
    const next = { id: answer.value.id, etag: answer.etag };
    setSaved(next);
    return next;
  };

  const run = (what: Exclude<Busy, false>, action: () => Promise<void>) => async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(what);
    setFormError(null);
    try {
      await action();
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      const { byField, rest } = editorErrors(problem, values);
      setErrors(byField);
      const stale = e instanceof ApiError && e.status === 412;
      setFormError(
        stale
          ? staleEdit('draft')
          : rest?.length
            ? fieldSentences({ ...problem!, errors: rest }).join(' ')
            : Object.keys(byField).length
              ? 'Please correct the fields marked below.'
              : errorMessage(e),
      );
      setTimeout(() => {
        const form = formRef.current;
        (form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]'))?.focus();
      }, 0);
    } finally {
      setBusy(false);
    }
  };

  const save = run('save', async () => {
    const { id } = await persist();
    route(invoicePath(tenantId, id), true);
  });
  const send = run('send', async () => {
    const { id, etag } = await persist();
    await sendInvoice(tenantId, id, etag);
    route(invoicePath(tenantId, id), true);
  });
  const discard = run('discard', async () => {
    if (saved) await discardInvoice(tenantId, saved.id, saved.etag);
    route(listHref, true);
  });

  const minor = minorUnits(values.currency);
  return (
    <Page title={draft ? `Edit draft${billedName ? ` for ${billedName}` : ''}` : 'New invoice'}>
      <form class="invoice-editor" onSubmit={save} ref={formRef} noValidate aria-label={draft ? 'Edit draft invoice' : 'New invoice'}>
        <FormError message={formError} />
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
        <div class="panel">
          <LinesEditor
            lines={values.lines}
            rates={rates}
            currency={values.currency}
            figures={figures?.lines}
            errors={errors}
            listError={errors.lines}
            onLine={setLine}
            onAdd={addLine}
            onRemove={removeLine}
          />
        </div>
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
                onValue={(k) => set('discount_kind', asDiscountKind(k), 'discount')}
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
              hint="Shown on the invoice. The payment terms (due date, early discount, late fees) are set when it is sent."
            />
          </section>
          <section class="panel" aria-labelledby="invoice-figures-heading">
            <h2 id="invoice-figures-heading">Totals</h2>
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
          </section>
        </div>
        <div class="actions invoice-editor__actions">
          <button class="button" type="submit" disabled={busy !== false}>
            {busy === 'save' ? 'Saving…' : 'Save draft'}
          </button>
          <ConfirmButton
            label={busy === 'send' ? 'Sending…' : 'Send…'}
            confirm={`Send to ${billedName ?? 'the billed party'} now`}
            disabled={busy !== false}
            note={`Sending saves the draft, gives it the next invoice number (${settings.next_number}) and tells who is billed.`}
            onConfirm={() => void send()}
          />
          <ConfirmButton
            label="Discard…"
            confirm="Discard this draft for good"
            decline="Keep it"
            danger
            disabled={busy !== false}
            onConfirm={() => void discard()}
          />
        </div>
      </form>
    </Page>
  );
}
