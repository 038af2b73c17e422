// Drafting an invoice, new or a saved draft: who is billed, the currency, the lines, the
// invoice's discount, notes and terms, with the figures computed as the user types (totals.ts,
// the server's rules). Save keeps the draft (guarded by its version), Send saves and sends it
// (it takes the tenant's next number and the billed party is told), Discard throws it away.
// Kre8ivTech's staff and super admins also link the billed organization's tickets and bill the
// time logged on them (TimeBilling.tsx).
import { useRef, useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { fieldSentences, staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import NotFound from '../app/NotFound';
import { me, role } from '../app/session';
import { Empty } from '../ui/Card';
import { FormError } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { draftsInvoices } from './access';
import {
  createInvoice,
  discardInvoice,
  getBillingSettings,
  getInvoice,
  invoicePath,
  requestKey,
  sendInvoice,
  updateInvoice,
  type BillingSettings,
  type Invoice,
  type Tagged,
} from './api';
import {
  blankInvoice,
  blankLine,
  editorErrors,
  fromInvoice,
  liveFigures,
  toNewInvoice,
  toUpdate,
  withoutLine,
  type EditorValues,
} from './editor';
import { ConfirmButton } from '../ui/Confirm';
import { ExtrasAndTotals, PartyAndCurrency } from './EditorSections';
import { LinesEditor, offeredRates, type Rate } from './LinesEditor';
import { billableParties, parseParty, partyOptions, partyValue, type Party } from './parties';
import { TicketsAndTime } from './TimeBilling';
import {
  billsTime,
  hasWorkErrors,
  NO_WORK,
  NO_WORK_ERRORS,
  splitWorkErrors,
  workBody,
  workOf,
  type TimeLine,
  type WorkErrors,
  type WorkValues,
} from './timeBilling';
import { useEditorState } from './useEditorState';
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
  const { values, setValues, errors, setErrors, setText, setLine, addLine, removeLine, formRef, focusFirstError } =
    useEditorState<EditorValues>(() => (draft ? fromInvoice(draft.value) : blankInvoice(settings.currency, preselect)));
  // Tickets and their time: only those who read time bill it (others leave the draft's links as they are).
  const timed = billsTime(role.value);
  const [work, setWork] = useState<WorkValues>(() => workOf(draft?.value));
  const [workErrors, setWorkErrors] = useState<WorkErrors>(NO_WORK_ERRORS);
  const sentWork = useRef(workBody(NO_WORK));
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState<Busy>(false);
  const [saved, setSaved] = useState(draft ? { id: draft.value.id, etag: draft.etag } : null);
  // One key per draft this form starts: a retry after a lost answer drafts it once.
  const [key] = useState(requestKey);

  // The tenant's rates, and any the draft names that the tenant has removed since (to untick).
  const rates: Rate[] = offeredRates(settings.tax_rates, draft?.value.tax_rates);
  const figures = liveFigures(values, rates);
  const options = partyOptions(parties);
  if (draft && !parties.some((p) => partyValue(p) === partyValue(draft.value.billed))) {
    options.push({ value: partyValue(draft.value.billed), label: draft.value.billed.name ?? 'The billed party' });
  }
  const billedName = options.find((o) => o.value === values.billed)?.label;
  const listHref = `/invoices${tenantId === me.value?.user.tenant ? '' : `?tenant=${encodeURIComponent(tenantId)}`}`;

  const billedOrg = parseParty(values.billed);
  const orgId = billedOrg?.kind === 'org' ? billedOrg.id : null;

  const persist = async () => {
    // Tickets are an organization's: none are linked on a partner's invoice.
    const linked = workBody(orgId ? work : NO_WORK);
    sentWork.current = linked;
    const extra = timed ? linked : {};
    const answer = saved
      ? await updateInvoice(tenantId, saved.id, saved.etag, { ...toUpdate(values), ...extra })
      : await createInvoice(tenantId, { ...toNewInvoice(values), ...extra }, key);
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
      const split = splitWorkErrors(e instanceof ApiError ? e.problem : undefined, sentWork.current);
      const problem = split.problem;
      const { byField, rest } = editorErrors(problem, values);
      setErrors(byField);
      setWorkErrors(split.work);
      const stale = e instanceof ApiError && e.status === 412;
      setFormError(
        stale
          ? staleEdit('draft')
          : rest?.length
            ? fieldSentences({ ...problem!, errors: rest }).join(' ')
            : Object.keys(byField).length || hasWorkErrors(split.work)
              ? 'Please correct the fields marked below.'
              : errorMessage(e),
      );
      focusFirstError();
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
  // Another party: the tickets linked were the other organization's.
  const setParty: typeof setText = (name, value, field) => {
    if (name === 'billed' && value !== values.billed) {
      setWork(NO_WORK);
      setWorkErrors(NO_WORK_ERRORS);
    }
    setText(name, value, field);
  };
  const changeWork = (next: WorkValues, cleared?: string) => {
    setWork(next);
    if (cleared && (workErrors.tickets[cleared] || workErrors.entries[cleared])) {
      const { [cleared]: _t, ...tickets } = workErrors.tickets;
      const { [cleared]: _e, ...entries } = workErrors.entries;
      setWorkErrors({ ...workErrors, tickets, entries });
    }
  };
  // A line per ticket's chosen time, in place of a blank last line, with the keyboard on its price.
  const addTimeLines = (made: TimeLine[]) => {
    const last = values.lines[values.lines.length - 1];
    const blank = Boolean(last) && !last.description.trim() && !last.unit_price.trim();
    const at = blank ? values.lines.length - 1 : values.lines.length;
    setValues((v) => ({
      ...v,
      lines: [
        ...v.lines.slice(0, at),
        ...made.map((l) => ({ ...blankLine(last?.tax_rate_ids ?? []), description: l.description, quantity: l.quantity })),
      ],
    }));
    if (blank) setErrors((e) => withoutLine(e, at));
    setTimeout(() => formRef.current?.querySelector<HTMLElement>(`[name="lines[${at}].unit_price"]`)?.focus(), 0);
  };

  const discard = run('discard', async () => {
    if (saved) await discardInvoice(tenantId, saved.id, saved.etag);
    route(listHref, true);
  });

  return (
    <Page title={draft ? `Edit draft${billedName ? ` for ${billedName}` : ''}` : 'New invoice'}>
      <form class="invoice-editor" onSubmit={save} ref={formRef} noValidate aria-label={draft ? 'Edit draft invoice' : 'New invoice'}>
        <FormError message={formError} />
        <PartyAndCurrency values={values} options={options} errors={errors} partiesFailed={partiesFailed} set={setParty} />
        {timed && (
          <TicketsAndTime
            tenantId={tenantId}
            orgId={orgId}
            invoiceId={saved?.id ?? null}
            work={work}
            errors={workErrors}
            onWork={changeWork}
            onAddLines={addTimeLines}
          />
        )}
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
        <ExtrasAndTotals
          values={values}
          errors={errors}
          rates={rates}
          figures={figures}
          set={setText}
          termsHint="Shown on the invoice. The payment terms (due date, early discount, late fees) are set when it is sent."
        />
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
