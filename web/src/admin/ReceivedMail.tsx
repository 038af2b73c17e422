// Mail in's received mail: the Review / Failed / All mail tabs and the list of the one chosen,
// paged with "Load more"; what an action did is said in a status above the list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { listReceived } from '../mail/api';
import type { MailList, ReceivedMail } from '../mail/api';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading } from '../ui/Page';
import { emptyText, MAIL_LISTS } from './mailIn';
import { FailedItem, LogItem } from './MailItems';
import { ReviewItem } from './MailReview';

const LISTS_STATUS = 'mail-lists-status';

export function ListTabs({ current, onChoose }: { current: MailList; onChoose: (list: MailList) => void }) {
  const tabs = useRef<HTMLDivElement>(null);
  const index = MAIL_LISTS.findIndex((t) => t.list === current);
  const move = (e: KeyboardEvent) => {
    const n = MAIL_LISTS.length;
    const next =
      e.key === 'ArrowRight'
        ? (index + 1) % n
        : e.key === 'ArrowLeft'
          ? (index - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : -1;
    if (next < 0) return;
    e.preventDefault();
    onChoose(MAIL_LISTS[next].list);
    tabs.current?.querySelectorAll<HTMLElement>('[role="tab"]')[next]?.focus();
  };
  return (
    <div class="tabs mail-tabs" role="tablist" aria-label="Received mail lists" ref={tabs} onKeyDown={move}>
      {MAIL_LISTS.map((t, i) => (
        <button
          key={t.list}
          type="button"
          role="tab"
          id={`mail-tab-${t.list}`}
          aria-selected={i === index}
          aria-controls="mail-panel"
          tabIndex={i === index ? 0 : -1}
          onClick={() => onChoose(t.list)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

interface PagerProps {
  tenantId: string;
  list: MailList;
  address: string | undefined;
}

export function MailPager({ tenantId, list, address }: PagerProps) {
  const [items, setItems] = useState<ReceivedMail[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState('');

  const fetchPage = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listReceived(tenantId, list, from);
      setItems((prev) => (from && prev ? [...prev, ...page.items.filter((m) => !prev.some((p) => p.id === m.id))] : page.items));
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

  /** Takes a mail off the list (it went elsewhere) and says so; keyboard focus goes to what was said. */
  const remove = (mail: ReceivedMail, sentence: string) => {
    setItems((prev) => prev?.filter((m) => m.id !== mail.id) ?? prev);
    setSaid(sentence);
    setTimeout(() => {
      if (document.activeElement && document.activeElement !== document.body) return;
      document.getElementById(LISTS_STATUS)?.focus();
    });
  };
  const replace = (mail: ReceivedMail, sentence: string) => {
    setItems((prev) => prev?.map((m) => (m.id === mail.id ? mail : m)) ?? prev);
    setSaid(sentence);
  };

  return (
    <>
      <div id={LISTS_STATUS} role="status" aria-live="polite" tabIndex={-1}>
        {said && <p class="alert alert--ok">{said}</p>}
      </div>
      {error ? (
        <ErrorNote error={error} />
      ) : !items ? (
        <Loading />
      ) : !items.length && !cursor ? (
        <Empty>{emptyText(list, address)}</Empty>
      ) : (
        <>
          <p class="visually-hidden" role="status">
            {items.length} {items.length === 1 ? 'mail' : 'mails'} shown
          </p>
          <ul class="list mail-list">
            {items.map((m) => (
              <li key={m.id}>
                {list === 'held' ? (
                  <ReviewItem tenantId={tenantId} mail={m} onDone={remove} reload={() => fetchPage()} />
                ) : list === 'failed' ? (
                  <FailedItem tenantId={tenantId} mail={m} onGone={remove} onFailedAgain={replace} reload={() => fetchPage()} />
                ) : (
                  <LogItem tenantId={tenantId} mail={m} />
                )}
              </li>
            ))}
          </ul>
          {cursor && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={() => void fetchPage(cursor)}>
              Load more
            </button>
          )}
        </>
      )}
    </>
  );
}
