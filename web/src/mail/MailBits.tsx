// Small pieces shown wherever received mail is: the authentication verdicts as a compact badge
// that opens to list them, the checks as a row of badges, and the link to the original email.
// Each verdict is said in words (with a mark), never by colour alone.
import { useState } from 'preact/hooks';
import { errorMessage } from '../api/problem';
import { rawMailName, rawMailPath, rawMailUrl } from './api';
import { ALL_CHECKS, authSummary, checkLines, listNames, nothingChecked, toneMark, type Check, type Verdicts } from './verdicts';
import './mail.css';

/**
 * "Authentication: not checked" as a badge that opens (a native disclosure, so keyboards and
 * screen readers work it) to list SPF, DKIM and DMARC with their verdicts.
 */
export function VerdictBadge({ verdicts }: { verdicts: Verdicts }) {
  const summary = authSummary(verdicts);
  return (
    <details class="verdicts">
      <summary class={`badge badge--${summary.tone} verdicts__summary`}>
        <span aria-hidden="true">{toneMark(summary.tone)}</span>
        <span>Authentication: {summary.text}</span>
        <span aria-hidden="true" class="verdicts__chevron">
          ▾
        </span>
      </summary>
      <ul class="verdicts__list">
        {checkLines(verdicts).map((l) => (
          <li key={l.check} class={`verdicts__line verdicts__line--${l.tone}`}>
            <span aria-hidden="true" class="verdicts__mark">
              {toneMark(l.tone)}
            </span>
            <strong>{l.name}</strong> {l.word}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** Every check of a mail as a badge ("SPF passed", "Spam check failed"); one badge when none ran. */
export function CheckBadges({ verdicts, checks = ALL_CHECKS }: { verdicts: Verdicts; checks?: readonly Check[] }) {
  if (nothingChecked(verdicts, checks)) {
    return (
      <ul class="check-badges" aria-label="Checks">
        <li class="badge badge--neutral">
          <span aria-hidden="true">{toneMark('neutral')}</span> <span>Not checked: {listNames(checks)}</span>
        </li>
      </ul>
    );
  }
  return (
    <ul class="check-badges" aria-label="Checks">
      {checkLines(verdicts, checks).map((l) => (
        <li key={l.check} class={`badge badge--${l.tone}`}>
          <span aria-hidden="true">{toneMark(l.tone)}</span>{' '}
          <span>
            {l.name} {l.word}
          </span>
        </li>
      ))}
    </ul>
  );
}

interface OriginalProps {
  tenantId: string;
  mailId: string;
  /** What it is the original of, for screen readers where several share a page ("of this ticket"). */
  of?: string;
  label?: string;
}

/** "Original email": asks for the short-lived link when pressed and goes to it (the .eml downloads). */
export function OriginalEmail({ tenantId, mailId, of, label = 'Original email' }: OriginalProps) {
  const [error, setError] = useState<string | null>(null);
  const open = async (e: MouseEvent) => {
    e.preventDefault();
    setError(null);
    try {
      window.location.assign(await rawMailUrl(tenantId, mailId));
    } catch (err) {
      setError(`The original email could not be downloaded. ${errorMessage(err)}`);
    }
  };
  return (
    <span class="original-email">
      {/* `download` also keeps the router's link handling away. */}
      <a href={rawMailPath(tenantId, mailId)} download={rawMailName(mailId)} onClick={(e) => void open(e)}>
        {label}
        {of && <span class="visually-hidden"> {of}</span>}
      </a>
      <span role="alert" class={error ? 'original-email__error' : 'visually-hidden'}>
        {error}
      </span>
    </span>
  );
}
