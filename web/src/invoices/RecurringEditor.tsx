// Starting or changing a recurring invoice: who is billed, the currency and the lines (the
// invoice editor's own fields, with the figures computed as the user types by the same code),
// the schedule, and on a saved one pausing, resuming or ending it. Changes apply to the
// invoices made from then on.
import { useState } from 'preact/hooks';
import { useLocation, useRoute } from 'preact-iso';
import { fieldSentences, staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import NotFound from '../app/NotFound';
import { me, role } from '../app/session';
import { Empty } from '../ui/Card';
import { FormError } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { formatDay, localDay } from '../tickets/duration';
import { editsBilling } from './access';
import { getBillingSettings, invoicePath, requestKey, type BillingSettings, type Tagged } from './api';
import { ConfirmButton } from '../ui/Confirm';
import { liveFigures } from './editor';
import { ExtrasAndTotals, PartyAndCurrency } from './EditorSections';
import { LinesEditor } from './LinesEditor';
import { formatMoney, minorUnits } from './money';
import { billableParties, partyOptions, partyValue, type Party } from './parties';
import {
  blankRecurring,
  createRecurring,
  deleteRecurring,
  fromRecurring,
  getRecurring,
  monthlyOf,
  recurringErrors,
  recurringListPath,
  scheduleState,
  setActive,
  toNewRecurring,
  toRecurringUpdate,
  updateRecurring,
  type Recurring,
  type RecurringValues,
} from './recurring';
import { ScheduleFields } from './ScheduleFields';
import { useEditorState } from './useEditorState';
import './invoices.css';

export default function RecurringEditor() {
  const { params, query } = useRoute();
  const own = me.value!.user.tenant;
  const recurringId: string | undefined = params.recurringId;
  const tenantId: string = query.tenant || own;
  const manages = editsBilling(role.value) && (role.value === 'super_admin' || tenantId === own);
  const settings = useResource(async () => (manages ? getBillingSettings(tenantId) : null), [tenantId, manages]);
  const parties = useResource(async () => (manages ? billableParties(tenantId, role.value) : []), [tenantId, manages]);
  const existing = useResource(async () => (manages && recurringId ? getRecurring(tenantId, recurringId) : null), [tenantId, recurringId]);

  if (!manages) {
    return (
      <Page title="Recurring invoice">
        <Empty>Recurring invoices are kept by the portal’s owners.</Empty>
      </Page>
    );
  }
  const failed = existing.error ?? settings.error;
  if (failed instanceof ApiError && failed.status === 404) return <NotFound />;
  if (failed) return <ErrorNote error={failed} />;
  if (!settings.data || existing.data === undefined || (!parties.data && !parties.error)) return <Loading />;
  return (
    <RecurringForm
      key={`${tenantId}|${recurringId ?? 'new'}`}
      tenantId={tenantId}
      settings={settings.data.value}
      parties={parties.data ?? []}
      partiesFailed={Boolean(parties.error)}
      existing={existing.data}
      preselect={query.billed ?? ''}
    />
  );
}

interface FormProps {
  tenantId: string;
  settings: BillingSettings;
  parties: Party[];
  partiesFailed: boolean;
  existing: Tagged<Recurring> | null;
  preselect: string;
}

type Busy = false | 'save' | 'pause' | 'end';

function RecurringForm({ tenantId, settings, parties, partiesFailed, existing, preselect }: FormProps) {
  const { route } = useLocation();
  const own = tenantId === me.value?.user.tenant;
  const listHref = recurringListPath(tenantId, own);
  const today = localDay();
  const state = useEditorState<RecurringValues>(() =>
    existing ? fromRecurring(existing.value) : blankRecurring(settings.currency, today, preselect),
  );
  const { values, errors, setErrors, set, setText, setLine, addLine, removeLine, formRef, focusFirstError } = state;
  const [saved, setSaved] = useState(existing);
  const [formError, setFormError] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState<Busy>(false);
  // One key per schedule this form starts: a retry after a lost answer starts it once.
  const [key] = useState(requestKey);

  const rates = settings.tax_rates;
  const figures = liveFigures(values, rates);
  const options = partyOptions(parties);
  if (saved && !parties.some((p) => partyValue(p) === partyValue(saved.value.billed))) {
    options.push({ value: partyValue(saved.value.billed), label: saved.value.billed.name ?? 'The billed party' });
  }
  const billedName = options.find((o) => o.value === values.billed)?.label;
  const minor = minorUnits(values.currency);
  const schedule = saved?.value;
  const status = schedule ? scheduleState(schedule) : null;

  const run = (what: Exclude<Busy, false>, action: () => Promise<void>) => async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(what);
    setFormError(null);
    try {
      await action();
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      const { byField, rest } = recurringErrors(problem, values);
      setErrors(byField);
      setFormError(
        e instanceof ApiError && e.status === 412
          ? staleEdit('recurring invoice')
          : rest?.length
            ? fieldSentences({ ...problem!, errors: rest }).join(' ')
            : Object.keys(byField).length
              ? 'Please correct the fields marked below.'
              : errorMessage(e),
      );
      focusFirstError();
    } finally {
      setBusy(false);
    }
  };

  const save = run('save', async () => {
    if (saved) await updateRecurring(tenantId, saved.value.id, saved.etag, toRecurringUpdate(values, saved.value));
    else await createRecurring(tenantId, toNewRecurring(values), key);
    route(listHref, true);
  });
  const pause = run('pause', async () => {
    if (!saved) return;
    const next = await setActive(tenantId, saved.value, !saved.value.active);
    setSaved(next);
    setSaid(next.value.active ? 'Resumed.' : 'Paused: no invoices are made until you resume it.');
  });
  const end = run('end', async () => {
    if (saved) await deleteRecurring(tenantId, saved.value.id, saved.etag);
    route(listHref, true);
  });

  const title = schedule ? `Recurring invoice for ${schedule.billed.name ?? 'a removed party'}` : 'New recurring invoice';
  return (
    <Page title={title}>
      <p role="status" class="visually-hidden">
        {said}
      </p>
      <p>
        <a href={listHref}>All recurring invoices</a>
      </p>
      <form class="invoice-editor" onSubmit={save} ref={formRef} noValidate aria-label={title}>
        <FormError message={formError} />
        {schedule && (
          <section class="panel" aria-label="Where it stands">
            <dl class="details">
              <dt>Status</dt>
              <dd>{status === 'active' ? 'Active' : status === 'paused' ? 'Paused' : 'Ended'}</dd>
              <dt>Next invoice</dt>
              <dd>{schedule.next_on && schedule.active ? formatDay(schedule.next_on) : '—'}</dd>
              <dt>Made so far</dt>
              <dd>
                {schedule.generated} {schedule.generated === 1 ? 'invoice' : 'invoices'}
                {schedule.last_invoice_id && (
                  <>
                    {' '}
                    (<a href={invoicePath(tenantId, schedule.last_invoice_id)}>the latest</a>)
                  </>
                )}
              </dd>
              <dt>Per month</dt>
              <dd>{formatMoney(schedule.monthly, schedule.currency)}</dd>
            </dl>
            {status !== 'ended' && (
              <div class="actions">
                <button type="button" class="button button--secondary" disabled={busy !== false} onClick={() => void pause()}>
                  {schedule.active ? 'Pause' : 'Resume'}
                </button>
                <ConfirmButton
                  label="End…"
                  confirm="End it for good"
                  decline="Keep it"
                  danger
                  disabled={busy !== false}
                  note="No more invoices are made; those made already stay."
                  onConfirm={() => void end()}
                />
              </div>
            )}
          </section>
        )}
        <PartyAndCurrency values={values} options={options} errors={errors} partiesFailed={partiesFailed} set={setText} />
        <ScheduleFields values={values} errors={errors} generated={schedule?.generated ?? 0} set={set} />
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
          totalsTitle="Each invoice"
          termsHint="Shown on each invoice. The payment terms (due date, early discount, late fees) are set as each is sent."
        >
          {figures && minor !== undefined && (
            <p class="recurring-monthly">
              {formatMoney(monthlyOf(figures.total, values.frequency, minor), values.currency)} a month while it runs.
            </p>
          )}
        </ExtrasAndTotals>
        <div class="actions invoice-editor__actions">
          <button class="button" type="submit" disabled={busy !== false}>
            {busy === 'save' ? 'Saving…' : saved ? 'Save changes' : 'Start recurring invoice'}
          </button>
          <a class="button button--secondary" href={listHref}>
            Cancel
          </a>
        </div>
        {!saved && billedName && (
          <p class="muted">
            {values.auto_send ? 'Each invoice is sent to' : 'Each invoice waits as a draft for you to send to'} {billedName}.
          </p>
        )}
      </form>
    </Page>
  );
}
