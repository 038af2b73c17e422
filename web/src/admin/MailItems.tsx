// The parts of a received mail's entry shared by the lists, and the entries of the Failed list
// (retried) and of All mail (the log, with the ticket each filed).
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../api/problem';
import { retryMail } from '../mail/api';
import type { ReceivedMail } from '../mail/api';
import { OriginalEmail } from '../mail/MailBits';
import { toneMark } from '../mail/verdicts';
import { FormError } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import {
  actionError,
  reasonLabel,
  reasonSentence,
  retriedSentence,
  senderLabel,
  statusLabel,
  statusTone,
  subjectLabel,
  ticketHref,
} from './mailIn';

/** A mail's facts as a description list, leaving out what is not known. */
export function Facts({ facts }: { facts: [string, preact.ComponentChild][] }) {
  return (
    <dl class="details mail-item__facts">
      {facts.map(([label, value]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

export const headingId = (m: ReceivedMail) => `mail-${m.id}`;

interface FailedProps {
  tenantId: string;
  mail: ReceivedMail;
  onGone: (mail: ReceivedMail, sentence: string) => void;
  onFailedAgain: (mail: ReceivedMail, sentence: string) => void;
  reload: () => Promise<void>;
}

export function FailedItem({ tenantId, mail: m, onGone, onFailedAgain, reload }: FailedProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const subject = subjectLabel(m);
  const retry = async () => {
    setBusy(true);
    setError(null);
    try {
      const done = await retryMail(tenantId, m.id);
      if (done.status === 'failed') onFailedAgain(done, retriedSentence(done));
      else onGone(done, retriedSentence(done));
    } catch (e) {
      setError(actionError(e, m, 'failed'));
      if (e instanceof ApiError && (e.status === 409 || e.status === 404)) await reload();
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="mail-item" aria-labelledby={headingId(m)}>
      <h3 id={headingId(m)} class="mail-item__subject">
        {subject}
      </h3>
      <Facts
        facts={[
          ['From', senderLabel(m)],
          ['Received', formatDateTime(m.received_at)],
          ['Attempts', String(m.attempts)],
        ]}
      />
      <pre class="mail-item__error">
        <span class="visually-hidden">Error: </span>
        <code>{m.error || 'No error was recorded.'}</code>
      </pre>
      <FormError message={error} />
      <div class="actions">
        <button type="button" class="button" disabled={busy} onClick={() => void retry()}>
          Retry<span class="visually-hidden"> {subject}</span>
        </button>
        <OriginalEmail tenantId={tenantId} mailId={m.id} of={`of ${subject}`} />
      </div>
    </article>
  );
}

export function LogItem({ tenantId, mail: m }: { tenantId: string; mail: ReceivedMail }) {
  const subject = subjectLabel(m);
  const href = ticketHref(tenantId, m);
  const tone = statusTone(m.status);
  const facts: [string, preact.ComponentChild][] = [
    ['From', senderLabel(m)],
    ['To', m.recipient],
    ['Received', formatDateTime(m.received_at)],
  ];
  if (m.ticket_ref || href) {
    facts.push([
      'Ticket',
      href ? (
        <a href={href}>
          {m.ticket_ref ?? 'Open the ticket'}
          <span class="visually-hidden"> (the ticket of {subject})</span>
        </a>
      ) : (
        m.ticket_ref
      ),
    ]);
  }
  if (m.reason) facts.push([reasonLabel(m.status), reasonSentence(m.reason)]);
  if (m.error) facts.push(['Error', m.error]);
  return (
    <article class="mail-item" aria-labelledby={headingId(m)}>
      <div class="mail-item__head">
        <h3 id={headingId(m)} class="mail-item__subject">
          {subject}
        </h3>
        <span class={`badge badge--${tone}`}>
          <span aria-hidden="true">{toneMark(tone)}</span> <span>{statusLabel(m.status)}</span>
        </span>
      </div>
      <Facts facts={facts} />
      <div class="actions">
        <OriginalEmail tenantId={tenantId} mailId={m.id} of={`of ${subject}`} />
      </div>
    </article>
  );
}
