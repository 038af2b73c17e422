// Mail in's stopped addresses: those whose mail bounced or was reported as spam, so the portal
// stopped sending there, paged with "Load more". Mail to one that bounced starts again from here
// (its mailbox was fixed); one that complained only its owner starts again, from their settings.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/problem';
import { listStopped, startMailAgain, type StoppedAddress } from '../mail/api';
import { toneMark } from '../mail/verdicts';
import { Empty } from '../ui/Card';
import { FormError } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { OWNER_ONLY, STOPPED_ABOUT, STOPPED_EMPTY, startAgainError, startedSentence, stopDetailLabel, stopReasonLabel } from './mailIn';
import { Facts } from './MailItems';

const STOPPED_STATUS = 'stopped-status';

export function StoppedAddresses({ tenantId }: { tenantId: string }) {
  const [refreshes, setRefreshes] = useState(0);
  return (
    <section class="panel" aria-labelledby="stopped-heading">
      <div class="mail-lists__head">
        <h2 id="stopped-heading">Stopped addresses</h2>
        <button type="button" class="button button--small button--secondary" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh<span class="visually-hidden"> the stopped addresses</span>
        </button>
      </div>
      <p class="muted stopped__about">{STOPPED_ABOUT}</p>
      <StoppedPager key={`${tenantId}/${refreshes}`} tenantId={tenantId} />
    </section>
  );
}

function StoppedPager({ tenantId }: { tenantId: string }) {
  const [items, setItems] = useState<StoppedAddress[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');

  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listStopped(tenantId, from);
      setItems((prev) => (from && prev ? [...prev, ...page.items.filter((s) => !prev.some((p) => p.email === s.email))] : page.items));
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    void fetchPage();
  }, []);

  /** Takes an address off the list (mail to it started again) and says so; focus goes to what was said. */
  const gone = (email: string, sentence: string) => {
    setItems((prev) => prev?.filter((s) => s.email !== email) ?? prev);
    setSaid(sentence);
    setTimeout(() => {
      if (document.activeElement && document.activeElement !== document.body) return;
      document.getElementById(STOPPED_STATUS)?.focus();
    });
  };

  return (
    <>
      <div id={STOPPED_STATUS} role="status" aria-live="polite" tabIndex={-1}>
        {said && <p class="alert alert--ok">{said}</p>}
      </div>
      {error ? (
        <ErrorNote error={error} />
      ) : !items ? (
        <Loading />
      ) : !items.length && !cursor ? (
        <Empty>{STOPPED_EMPTY}</Empty>
      ) : (
        <>
          <ul class="list mail-list">
            {items.map((s) => (
              <li key={s.email}>
                <StoppedItem tenantId={tenantId} stopped={s} onGone={gone} reload={() => fetchPage()} />
              </li>
            ))}
          </ul>
          {cursor && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void fetchPage(cursor)}>
              Load more<span class="visually-hidden"> stopped addresses</span>
            </button>
          )}
        </>
      )}
    </>
  );
}

interface ItemProps {
  tenantId: string;
  stopped: StoppedAddress;
  /** The address left the list, with what to say about it. */
  onGone: (email: string, sentence: string) => void;
  reload: () => Promise<void>;
}

const headingId = (email: string) => `stopped-${email.replace(/[^a-z0-9_-]/gi, '_')}`;

function StoppedItem({ tenantId, stopped: s, onGone, reload }: ItemProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startMailAgain(tenantId, s.email);
      onGone(s.email, startedSentence(s.email));
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      // No longer stopped: off the list, said above it. Refused (a complaint): said here, the list read again.
      if (status === 404) onGone(s.email, startAgainError(e, s.email));
      else setError(startAgainError(e, s.email));
      if (status === 404 || status === 409) await reload();
    } finally {
      setBusy(false);
    }
  };
  const facts: [string, preact.ComponentChild][] = [['Stopped', formatDateTime(s.stopped_at)]];
  if (s.detail.trim()) facts.push([stopDetailLabel(s.reason), s.detail]);
  return (
    <article class="mail-item" aria-labelledby={headingId(s.email)}>
      <div class="mail-item__head">
        <h3 id={headingId(s.email)} class="mail-item__subject">
          {s.email}
        </h3>
        <span class="badge badge--warn">
          <span aria-hidden="true">{toneMark('warn')}</span> <span>{stopReasonLabel(s.reason)}</span>
        </span>
      </div>
      <Facts facts={facts} />
      <FormError message={error} />
      {s.can_start_again ? (
        <div class="actions">
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => void start()}>
            Start mail again<span class="visually-hidden"> to {s.email}</span>
          </button>
        </div>
      ) : (
        <p class="stopped-item__note">{OWNER_ONLY}</p>
      )}
    </article>
  );
}
