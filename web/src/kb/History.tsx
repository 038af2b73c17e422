// An article's history (the KB's managers): every saved version with who saved it, when and
// why; any two compared (the settings that changed, and the body's changed lines with their
// numbers in both versions, marked by symbol and word as well as colour); a version restored
// as a new one, after a confirmation, under If-Match.
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { listOrgs } from '../tickets/orgs';
import { Empty } from '../ui/Card';
import { ConfirmButton } from '../ui/Confirm';
import { SelectField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  articlePath,
  diffVersions,
  getArticle,
  isSystemKb,
  listArticles,
  listCategories,
  listVersions,
  managesKb,
  peopleOf,
  restoreVersion,
  type Version,
} from './api';
import { diffSummary, fieldLabel, fieldValue, hunkTitle, pairFrom, rowsOf, type Names } from './diff';
import './kb.css';

interface Props {
  tenantId: string;
  articleId: string;
}

export default function History({ tenantId, articleId }: Props) {
  if (!managesKb(tenantId))
    return (
      <Page title="History">
        <Empty>An article’s history is for the knowledge base’s managers.</Empty>
      </Page>
    );
  return <Versions tenantId={tenantId} articleId={articleId} />;
}

function Versions({ tenantId, articleId }: Props) {
  const { query, route, path } = useLocation();
  const article = useResource(() => getArticle(tenantId, articleId), [tenantId, articleId]);
  const versions = useResource(() => listVersions(tenantId, articleId), [tenantId, articleId]);
  const people = useResource(() => peopleOf(tenantId), [tenantId]);
  const [said, setSaid] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);

  const failed = article.error ?? versions.error;
  const title = article.data ? `History: ${article.data.value.title}` : 'History';
  if (failed)
    return (
      <Page title={title}>
        <ErrorNote error={failed} />
      </Page>
    );
  if (!article.data || !versions.data)
    return (
      <Page title={title}>
        <Loading />
      </Page>
    );

  const a = article.data.value;
  const list = versions.data;
  const current = Math.max(...list.map((v) => v.number));
  const pair = pairFrom(query, list);
  const who = (id: string) => people.data?.get(id) ?? 'Someone';

  const restore = async (v: Version) => {
    setBusy(true);
    setProblem(null);
    setSaid('');
    try {
      const done = await restoreVersion(tenantId, articleId, v.number, article.data!.etag);
      await Promise.all([article.reload(), versions.reload()]);
      setSaid(`Version ${v.number} restored as version ${done.value.version}.`);
      // What the restore changed: the version it replaced against the new one.
      route(`${path}?from=${current}&to=${done.value.version}`, true);
    } catch (e) {
      const conflict = e instanceof ApiError && e.status === 412;
      setStale(conflict);
      setProblem(conflict ? staleEdit('article') : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title={title}>
      <p>
        <a href={articlePath(a)}>Back to the article</a>
      </p>
      <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
        {said}
      </p>
      {problem && (
        <div class="alert alert--error" role="alert">
          {problem}{' '}
          {stale && (
            <button
              type="button"
              class="link-button"
              onClick={() => {
                setStale(false);
                setProblem(null);
                void Promise.all([article.reload(), versions.reload()]);
              }}
            >
              Reload
            </button>
          )}
        </div>
      )}
      <section class="panel" aria-labelledby="kb-versions">
        <h2 id="kb-versions">Versions</h2>
        <ol class="list" aria-label="Versions, newest first">
          {list.map((v) => (
            <li key={v.number} class="kb-row">
              <div class="kb-row__head">
                <strong>Version {v.number}</strong>
                {v.number === current && <span class="badge">Current</span>}
                <span>{v.title}</span>
              </div>
              <p class="muted">
                Saved {formatDateTime(v.at)} by {who(v.author_id)}
              </p>
              {v.note && <p>Note: {v.note}</p>}
              {v.number !== current && (
                <div class="actions">
                  <ConfirmButton
                    label={`Restore version ${v.number}…`}
                    confirm={`Restore version ${v.number} as a new version`}
                    disabled={busy || stale}
                    note="Its content is saved as the newest version; nothing in the history is lost."
                    onConfirm={() => void restore(v)}
                  />
                </div>
              )}
            </li>
          ))}
        </ol>
      </section>
      <section class="panel" aria-labelledby="kb-compare">
        <h2 id="kb-compare">Compare versions</h2>
        {pair ? (
          <>
            <ComparePicker
              key={`${pair.from}-${pair.to}`}
              versions={list}
              pair={pair}
              onPair={(p) => route(`${path}?from=${p.from}&to=${p.to}`, true)}
            />
            <Difference tenantId={tenantId} articleId={articleId} pair={pair} system={isSystemKb(tenantId)} />
          </>
        ) : (
          <Empty>There is one version so far: save the article again to compare.</Empty>
        )}
      </section>
    </Page>
  );
}

type Pair = { from: number; to: number };

/** Two versions to compare, chosen in any order (the older is shown as "from"). */
function ComparePicker({ versions, pair, onPair }: { versions: Version[]; pair: Pair; onPair: (p: Pair) => void }) {
  const [from, setFrom] = useState(String(pair.from));
  const [to, setTo] = useState(String(pair.to));
  const [error, setError] = useState<string | undefined>();
  const options = versions.map((v) => ({ value: String(v.number), label: `Version ${v.number}${v.note ? `: ${v.note}` : ''}` }));
  return (
    <form
      class="form form--inline"
      aria-label="Versions to compare"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (from === to) return setError('Choose two different versions.');
        setError(undefined);
        onPair({ from: Math.min(Number(from), Number(to)), to: Math.max(Number(from), Number(to)) });
      }}
    >
      <SelectField label="From version" name="from" value={from} options={options} onValue={setFrom} error={error} />
      <SelectField label="To version" name="to" value={to} options={options} onValue={setTo} />
      <button type="submit" class="button button--secondary">
        Compare
      </button>
    </form>
  );
}

function Difference({ tenantId, articleId, pair, system }: Props & { pair: Pair; system: boolean }) {
  const diff = useResource(() => diffVersions(tenantId, articleId, pair.from, pair.to), [tenantId, articleId, pair.from, pair.to]);
  const lookups = useResource(async () => {
    const [categories, orgs, articles] = await Promise.all([
      listCategories(tenantId),
      listOrgs(tenantId).catch(() => []),
      listArticles(tenantId, undefined, 1).catch(() => ({ items: [] })),
    ]);
    return { categories, orgs, articles: articles.items };
  }, [tenantId]);
  if (diff.error) return <ErrorNote error={diff.error} />;
  if (!diff.data) return <Loading />;
  const d = diff.data;
  const l = lookups.data;
  const names: Names = {
    category: (id) => l?.categories.find((c) => c.id === id)?.name,
    org: (id) => l?.orgs.find((o) => o.id === id)?.name,
    article: (id) => l?.articles.find((a) => a.id === id)?.title,
    system,
  };
  return (
    <div class="kb-difference">
      <p role="status" aria-live="polite">
        {diffSummary(d)}
      </p>
      {d.fields.length > 0 && (
        <div class="table-wrap">
          <table class="kb-fields">
            <caption>Settings changed</caption>
            <thead>
              <tr>
                <th scope="col">Setting</th>
                <th scope="col">Version {d.from}</th>
                <th scope="col">Version {d.to}</th>
              </tr>
            </thead>
            <tbody>
              {d.fields.map((f) => (
                <tr key={f.field}>
                  <th scope="row">{fieldLabel(f.field)}</th>
                  <td>{fieldValue(f.field, f.before, names)}</td>
                  <td>{fieldValue(f.field, f.after, names)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {d.hunks.map((hunk, n) => (
        <div class="table-wrap" key={n}>
          <table class="kb-diff">
            <caption>{hunkTitle(hunk, d.from, d.to)}</caption>
            <thead class="visually-hidden">
              <tr>
                <th scope="col">Line in version {d.from}</th>
                <th scope="col">Line in version {d.to}</th>
                <th scope="col">Change</th>
                <th scope="col">Text</th>
              </tr>
            </thead>
            <tbody>
              {rowsOf(hunk).map((r, i) => (
                <tr key={i} class={`kb-diff__row--${r.change}`}>
                  <td class="kb-diff__num">{r.old}</td>
                  <td class="kb-diff__num">{r.new}</td>
                  <td class="kb-diff__sign">
                    <span aria-hidden="true">{r.sign}</span>
                    <span class="visually-hidden">{r.said}</span>
                  </td>
                  <td class="kb-diff__text">{r.text || ' '}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </div>
  );
}
