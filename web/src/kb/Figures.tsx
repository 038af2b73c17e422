// An article's figures (the KB's managers): views, distinct signed-in readers, how many found
// it helpful or not, and the answers with their comments, newest first. Below them, the whole
// knowledge base's: a month's suggestions while tickets were filed (how many filings showed
// articles, opened one, filed anyway, and the deflection), and the searches that found nothing.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api/problem';
import { isMonth, percent, searchFigures, thisMonth, timesText } from '../search/figures';
import { Empty } from '../ui/Card';
import { TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { articlePath, getArticle, getFigures, managesKb, peopleOf, type Feedback, type Figures as FiguresView } from './api';
import './kb.css';

interface Props {
  tenantId: string;
  articleId: string;
}

export default function Figures({ tenantId, articleId }: Props) {
  if (!managesKb(tenantId))
    return (
      <Page title="Figures">
        <Empty>An article’s figures are for the knowledge base’s managers.</Empty>
      </Page>
    );
  return <Counts tenantId={tenantId} articleId={articleId} />;
}

function Counts({ tenantId, articleId }: Props) {
  const article = useResource(() => getArticle(tenantId, articleId), [tenantId, articleId]);
  const people = useResource(() => peopleOf(tenantId), [tenantId]);
  const [figures, setFigures] = useState<FiguresView | null>(null);
  const [answers, setAnswers] = useState<Feedback[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);

  const page = async (from?: string) => {
    setBusy(true);
    try {
      const f = await getFigures(tenantId, articleId, from);
      if (!from) setFigures(f);
      setAnswers((prev) => (from ? [...prev, ...f.feedback.items] : f.feedback.items));
      setCursor(f.feedback.next_cursor ?? null);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void page();
  }, [tenantId, articleId]);

  const title = article.data ? `Figures: ${article.data.value.title}` : 'Figures';
  const failed = error ?? article.error;
  if (failed)
    return (
      <Page title={title}>
        <ErrorNote error={failed} />
      </Page>
    );
  if (!figures || !article.data)
    return (
      <Page title={title}>
        <Loading />
      </Page>
    );
  const answered = figures.helpful + figures.not_helpful;
  return (
    <Page title={title}>
      <p>
        <a href={articlePath(article.data.value)}>Back to the article</a>
      </p>
      <section class="panel" aria-labelledby="kb-counts">
        <h2 id="kb-counts">Readers</h2>
        <dl class="stats">
          <div>
            <dt>Views</dt>
            <dd>{figures.views}</dd>
          </div>
          <div>
            <dt>Unique readers</dt>
            <dd>{figures.readers}</dd>
          </div>
          <div>
            <dt>Helpful</dt>
            <dd>{figures.helpful}</dd>
          </div>
          <div>
            <dt>Not helpful</dt>
            <dd>{figures.not_helpful}</dd>
          </div>
        </dl>
        <p class="muted">
          Views count each visit; unique readers, the people who read it signed in.{' '}
          {answered ? `${figures.helpful} of the ${answered} who answered found it helpful.` : ''}
        </p>
      </section>
      <section class="panel" aria-labelledby="kb-answers">
        <h2 id="kb-answers">Feedback</h2>
        {!answers.length ? (
          <Empty>Nobody has said whether it helped yet.</Empty>
        ) : (
          <ul class="list">
            {answers.map((f, n) => (
              <li key={`${f.by ?? 'someone'}-${n}`} class="kb-row">
                <div class="kb-row__head">
                  <span class={f.helpful ? 'badge' : 'badge badge--high'}>{f.helpful ? 'Helpful' : 'Not helpful'}</span>
                  <span>{(f.by && people.data?.get(f.by)) || 'A reader'}</span>
                  <span class="muted">{formatDateTime(f.at)}</span>
                </div>
                {f.comment ? <p>{f.comment}</p> : <p class="muted">No comment.</p>}
              </li>
            ))}
          </ul>
        )}
        {cursor && (
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => void page(cursor)}>
            Show more feedback
          </button>
        )}
      </section>
      <Deflection tenantId={tenantId} />
    </Page>
  );
}

/** The knowledge base's month of suggestions while filing tickets, and the searches that found nothing. */
function Deflection({ tenantId }: { tenantId: string }) {
  const [month, setMonth] = useState(thisMonth());
  const figures = useResource(() => searchFigures(tenantId, month), [tenantId, month]);
  const f = figures.data;
  const forbidden = figures.error instanceof ApiError && figures.error.status === 403;
  if (forbidden) return null;
  return (
    <>
      <section class="panel" aria-labelledby="kb-deflection">
        <h2 id="kb-deflection">Suggestions while filing tickets</h2>
        <p class="muted">The whole knowledge base: articles suggested to clients as they typed a ticket’s subject.</p>
        <form class="form form--inline" style={{ marginBottom: '0.75rem' }} onSubmit={(e) => e.preventDefault()}>
          <TextField label="Month" name="month" type="month" value={month} max={thisMonth()} onValue={(v) => isMonth(v) && setMonth(v)} />
        </form>
        {figures.error ? (
          <ErrorNote error={figures.error} />
        ) : !f ? (
          <Loading />
        ) : (
          <>
            <dl class="stats">
              <div>
                <dt>Filings with suggestions</dt>
                <dd>{f.filings}</dd>
              </div>
              <div>
                <dt>Opened an article</dt>
                <dd>{f.opened}</dd>
              </div>
              <div>
                <dt>Filed anyway</dt>
                <dd>{f.filed}</dd>
              </div>
              <div>
                <dt>Deflection</dt>
                <dd>{f.filings ? percent(f.deflection) : '–'}</dd>
              </div>
            </dl>
            <p class="muted">
              {f.filings
                ? `Deflection: of the ${f.filings} filings that showed suggestions, the share that ended without a ticket.`
                : 'No ticket filing showed suggestions this month.'}
            </p>
          </>
        )}
      </section>
      <section class="panel" aria-labelledby="kb-unanswered">
        <h2 id="kb-unanswered">Searches that found nothing</h2>
        <p class="muted">Searches people submitted that found no article, most frequent first: topics to write about.</p>
        {!f ? null : !f.unanswered.length ? (
          <Empty>Every search found an article so far.</Empty>
        ) : (
          <ul class="list">
            {f.unanswered.map((u) => (
              <li key={u.words} class="kb-row__head">
                <span>{u.words}</span>
                <span class="muted">{timesText(u.times)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
