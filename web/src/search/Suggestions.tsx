// KB articles that may answer the ticket being filed, from its subject as it is typed (asked
// 300 ms after the last keystroke, five at most). Each opens in a new tab, so the draft stays
// as written; what was shown, opened and filed goes into the filing's record (./filing.ts).
import { useEffect, useMemo } from 'preact/hooks';
import { role, user } from '../app/session';
import { filingFiled, filingOpened, hitHref, hitKey, HitText, startFiling, suggest, useTypeahead, type Hit } from '.';
import { FilingRecord } from './filing';

const DELAY_MS = 300;

/** The filing's record for the form's life: written when it goes away, if suggestions were shown. */
export function useFilingRecord(tenantId: string): FilingRecord {
  const record = useMemo(
    () =>
      new FilingRecord({
        start: (shown) => startFiling(tenantId, shown),
        opened: (id, article) => filingOpened(tenantId, id, article),
        filed: (id, ticket) => filingFiled(tenantId, id, ticket),
      }),
    [tenantId],
  );
  useEffect(() => {
    // Leaving the page (closing the tab) counts as leaving the form.
    const leave = () => record.close();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      record.close();
    };
  }, [record]);
  return record;
}

/**
 * The hits without repeated titles (the best ranked kept): the portal's own KB and the system
 * KB may both have "Opening a support ticket", and five lines are few.
 */
export function distinctTitles(hits: readonly Hit[]): Hit[] {
  const seen = new Set<string>();
  return hits.filter((h) => {
    const title = h.title_html
      .replace(/<\/?mark>/g, '')
      .trim()
      .toLowerCase();
    if (seen.has(title)) return false;
    seen.add(title);
    return true;
  });
}

export function Suggestions({ tenantId, subject, record }: { tenantId: string; subject: string; record: FilingRecord }) {
  const found = useTypeahead(subject, (s, signal) => suggest(tenantId, s, signal), DELAY_MS);
  const hits = distinctTitles(found.answer?.value ?? []);
  const ids = hits.map((h) => h.id).join(',');
  useEffect(() => {
    if (ids) record.show(ids.split(','));
  }, [ids]);
  const me = user.value;
  const viewer = { role: role.value, tenant: me?.tenant ?? tenantId };
  const shown = subject.trim() ? hits : [];

  return (
    <>
      <p class="visually-hidden" role="status">
        {shown.length
          ? `${shown.length === 1 ? 'One article' : `${shown.length} articles`} may answer your question, listed below the subject.`
          : ''}
      </p>
      {shown.length > 0 && (
        <section class="suggestions" aria-labelledby="suggestions-heading">
          <h2 id="suggestions-heading">These articles may answer your question</h2>
          <p class="muted">Each opens in a new tab, so this ticket stays as you wrote it.</p>
          <ul class="list">
            {shown.map((h) => (
              <li key={hitKey(h)} class="hit">
                <HitText hit={h} href={hitHref(h, viewer)} newTab bare onOpen={() => void record.opened(h.id)} />
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
