// Kre8ivTech's time on a ticket (staff and super admins only; everyone else gets 404): the
// totals, the entries (those an invoice bills marked Billed, linked to it, and kept), a form to
// log more and a quick timer that fills in the duration.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { CHECKS } from '../api/messages';
import { ApiError } from '../api/problem';
import { role, user } from '../app/session';
import { Card, Empty } from '../ui/Card';
import { FormError, TextField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { deleteTime, listTime, logTime, type Ticket, type TimeEntry } from './api';
import { durationInput, formatClock, formatDay, formatMinutes, localDay, parseDuration, timedMinutes } from './duration';

export function TimePanel({ ticket }: { ticket: Ticket }) {
  const sheet = useResource(() => listTime(ticket.tenant_id, ticket.id), [ticket.tenant_id, ticket.id]);
  const [said, setSaid] = useState('');
  const sheetRef = useRef<HTMLDivElement>(null);

  return (
    <Card title="Time">
      <p role="status" class="visually-hidden">
        {said}
      </p>
      {sheet.error ? (
        <ErrorNote error={sheet.error} />
      ) : !sheet.data ? (
        <Loading />
      ) : (
        <div class="time-sheet" tabIndex={-1} ref={sheetRef}>
          <dl class="details">
            <dt>Total</dt>
            <dd>{formatMinutes(sheet.data.total_minutes)}</dd>
            <dt>Billable</dt>
            <dd>{formatMinutes(sheet.data.billable_minutes)}</dd>
          </dl>
          <Entries
            ticket={ticket}
            entries={sheet.data.entries}
            onRemoved={async (e) => {
              await sheet.reload();
              setSaid(`Removed ${formatMinutes(e.minutes)} on ${formatDay(e.work_date)}.`);
              // The button pressed is gone: keep the keyboard in the card.
              sheetRef.current?.focus();
            }}
          />
        </div>
      )}
      <TimeForm
        ticket={ticket}
        onLogged={async (e) => {
          await sheet.reload();
          setSaid(`Logged ${formatMinutes(e.minutes)} on ${formatDay(e.work_date)}.`);
        }}
        say={setSaid}
      />
    </Card>
  );
}

interface EntriesProps {
  ticket: Ticket;
  entries: TimeEntry[];
  onRemoved: (e: TimeEntry) => Promise<void>;
}

function Entries({ ticket, entries, onRemoved }: EntriesProps) {
  const me = user.value;
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const remove = async (e: TimeEntry) => {
    setRemoving(e.id);
    setError(null);
    try {
      await deleteTime(ticket.tenant_id, ticket.id, e.id);
      await onRemoved(e);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 403
          ? 'Only whoever logged this time, or a super admin, can remove it.'
          : err instanceof ApiError && err.status === 409
            ? 'An invoice bills this time, so it stays. Take it off the invoice first.'
            : err instanceof Error
              ? err.message
              : String(err),
      );
    } finally {
      setRemoving(null);
    }
  };

  if (!entries.length) return <Empty>No time logged yet.</Empty>;
  return (
    <>
      <FormError message={error} />
      <ul class="list time-entries" aria-label="Time entries">
        {entries.map((e) => {
          const duration = formatMinutes(e.minutes);
          const day = formatDay(e.work_date);
          const mine = e.user_id === me?.id;
          // Billed time stays: an invoice names it.
          const billed = e.invoice_id ? `/invoices/${ticket.tenant_id}/${e.invoice_id}` : null;
          return (
            <li key={e.id} class="time-entry">
              <div class="time-entry__line">
                <strong>{duration}</strong>
                <span class="muted">
                  {day}
                  {mine ? ' · you' : ''}
                </span>
                <span class={e.billable ? 'badge badge--billable' : 'badge'}>{e.billable ? 'Billable' : 'Not billable'}</span>
                {billed && (
                  <a class="badge" href={billed} aria-label={`Billed: open the invoice that bills ${duration} on ${day}`}>
                    Billed
                  </a>
                )}
              </div>
              {e.note && <p class="time-entry__note">{e.note}</p>}
              {billed ? (
                <p class="muted time-entry__note">Billed on an invoice, so it cannot be removed.</p>
              ) : (
                (mine || role.value === 'super_admin') && (
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    aria-label={`Remove ${duration} on ${day}`}
                    disabled={removing !== null}
                    onClick={() => void remove(e)}
                  >
                    Remove
                  </button>
                )
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

interface FormProps {
  ticket: Ticket;
  onLogged: (e: TimeEntry) => Promise<void>;
  say: (message: string) => void;
}

function TimeForm({ ticket, onLogged, say }: FormProps) {
  const today = localDay();
  const billableError = useId();
  const form = useForm({ minutes: '', work_date: today, note: '', billable: true });
  const { values, errors } = form;

  const submit = form.submit(async ({ minutes, work_date, note, billable }) => {
    // Reading "1:15" is the form's job; whether the amount is allowed is the server's.
    const parsed = parseDuration(minutes);
    if (parsed === null) throw unreadable;
    const entry = await logTime(ticket.tenant_id, ticket.id, { minutes: parsed, work_date: work_date.trim() || null, note, billable });
    form.reset({ minutes: '', work_date, note: '', billable: true });
    await onLogged(entry);
  });

  return (
    <form class="form time-form" onSubmit={submit} ref={form.formRef} noValidate aria-labelledby="log-time-heading">
      <h3 id="log-time-heading">Log time</h3>
      <QuickTimer
        storageKey={`kt-timer:${ticket.id}`}
        onStop={(m) => {
          form.set('minutes', durationInput(m));
          say(`Timer stopped: ${formatMinutes(m)} filled in as the duration.`);
        }}
      />
      <FormError message={form.formError} />
      <TextField
        label="Duration"
        name="minutes"
        value={values.minutes}
        onValue={(v) => form.set('minutes', v)}
        error={errors.minutes}
        hint="Minutes (45) or hours and minutes (1:15)."
        autocomplete="off"
        inputMode="text"
      />
      <TextField
        label="Date"
        name="work_date"
        type="date"
        max={today}
        value={values.work_date}
        onValue={(v) => form.set('work_date', v)}
        error={errors.work_date}
      />
      <TextField label="Note (optional)" name="note" value={values.note} onValue={(v) => form.set('note', v)} error={errors.note} />
      <div class={errors.billable ? 'field field--invalid' : 'field'}>
        <label class="check">
          <input
            type="checkbox"
            name="billable"
            checked={values.billable}
            aria-describedby={errors.billable ? billableError : undefined}
            aria-invalid={errors.billable ? true : undefined}
            onChange={(e) => form.set('billable', e.currentTarget.checked)}
          />
          Billable
        </label>
        {errors.billable && (
          <p class="field__error" id={billableError}>
            {errors.billable}
          </p>
        )}
      </div>
      <div class="actions">
        <button class="button" type="submit" disabled={form.busy}>
          Log time
        </button>
      </div>
    </form>
  );
}

const unreadable = new ApiError(422, {
  type: 'about:blank',
  title: 'Some fields are not valid',
  status: 422,
  errors: [{ field: 'minutes', message: CHECKS.minutes }],
});

/** Start and stop; on stop the time so far, rounded up to the minute, goes to `onStop`. Survives a reload. */
function QuickTimer({ storageKey, onStop }: { storageKey: string; onStop: (minutes: number) => void }) {
  const [startedAt, setStartedAt] = useState<number | null>(() => readStart(storageKey));
  const [now, setNow] = useState(Date.now);

  useEffect(() => {
    if (startedAt === null) return;
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [startedAt]);

  const start = () => {
    const at = Date.now();
    setStartedAt(at);
    writeStart(storageKey, at);
  };
  const stop = () => {
    if (startedAt === null) return;
    const elapsed = Date.now() - startedAt;
    setStartedAt(null);
    writeStart(storageKey, null);
    onStop(timedMinutes(elapsed));
  };

  return (
    <div class="timer">
      <span class="timer__clock">
        <span class="visually-hidden">Timer </span>
        <span role="timer">{formatClock(startedAt === null ? 0 : now - startedAt)}</span>
      </span>
      {startedAt === null ? (
        <button type="button" class="button button--small button--secondary" onClick={start}>
          Start timer
        </button>
      ) : (
        <button type="button" class="button button--small" onClick={stop}>
          Stop timer
        </button>
      )}
    </div>
  );
}

function readStart(key: string): number | null {
  try {
    const at = Number(localStorage.getItem(key));
    return at > 0 && at <= Date.now() ? at : null;
  } catch {
    return null;
  }
}

function writeStart(key: string, at: number | null): void {
  try {
    if (at === null) localStorage.removeItem(key);
    else localStorage.setItem(key, String(at));
  } catch {
    // Private mode and the like: the timer still runs, it just does not survive a reload.
  }
}
