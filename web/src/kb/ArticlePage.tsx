// An article as its readers see it: where it sits (the category breadcrumb), its body (HTML
// the server rendered and sanitized; a video plays only when asked, from its provider's
// player), tags, related articles (hand-picked, else up to three suggested by search), a PDF, and "Was this helpful?". A read counts once per
// visit. The KB's managers also see where it stands and who reads it, and edit, publish now or
// at a set time, take it back, archive it, and open its history and figures.
import { useEffect, useState } from 'preact/hooks';
import { staleEdit } from '../api/messages';
import { me } from '../app/session';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';
import { fromLocalInput } from '../announcements/format';
import { pdfName } from '../invoices/api';
import { listOrgs } from '../tickets/orgs';
import { ConfirmButton } from '../ui/Confirm';
import { TextField } from '../ui/Field';
import { formatDateTime } from '../ui/format';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  articlePath,
  articlePdfHref,
  getArticle,
  isSystemKb,
  kbHref,
  listCategories,
  managesKb,
  recordView,
  stepArticle,
  suggestArticles,
  type Article,
  type Step,
} from './api';
import { readersWords } from './editor';
import { FeedbackForm } from './FeedbackForm';
import { STANDING, standingOf } from './listing';
import { kbProblem } from './problems';
import { suggestedRelated, suggestionTenant } from './suggested';
import { pathTo } from './tree';
import { playVideo } from './video';
import './kb.css';

export default function ArticlePage({ tenantId, articleId }: { tenantId: string; articleId: string }) {
  const got = useResource(() => getArticle(tenantId, articleId), [tenantId, articleId]);
  if (got.error)
    return (
      <Page title="Article">
        <ErrorNote error={got.error} />
      </Page>
    );
  if (!got.data)
    return (
      <Page title="Article">
        <Loading />
      </Page>
    );
  return <ArticleView key={articleId} initial={got.data.value} etag={got.data.etag} reload={got.reload} />;
}

function ArticleView({ initial, etag: firstEtag, reload }: { initial: Article; etag: string | null; reload: () => Promise<void> }) {
  const [a, setA] = useState(initial);
  const [etag, setEtag] = useState(firstEtag);
  // Reloaded (after someone else changed it): what the server has now.
  useEffect(() => {
    setA(initial);
    setEtag(firstEtag);
  }, [initial]);
  const manages = managesKb(a.tenant_id);
  const categories = useResource(() => listCategories(a.tenant_id), [a.tenant_id]);
  const trail = pathTo(categories.data ?? [], a.category_id);

  // One read per visit: this view is mounted once per article opened.
  useEffect(() => {
    if (initial.live) void recordView(initial.tenant_id, initial.id);
  }, []);

  return (
    <Page title={a.title}>
      <nav class="kb-crumbs" aria-label="Breadcrumb">
        <ol>
          <li>
            <a href={kbHref(a.tenant_id)}>Knowledge base</a>
          </li>
          {trail.map((c) => (
            <li key={c.id}>
              <a href={kbHref(a.tenant_id, '/kb', { category: c.id })}>{c.name}</a>
            </li>
          ))}
        </ol>
      </nav>
      {a.summary && <p class="muted">{a.summary}</p>}
      {manages && <Facts article={a} />}
      {a.tags.length > 0 && (
        <ul class="kb-tags" aria-label="Tags">
          {a.tags.map((t) => (
            <li key={t}>
              <a class="badge" href={kbHref(a.tenant_id, '/kb', { tag: t })}>
                {t}
              </a>
            </li>
          ))}
        </ul>
      )}
      <article class="panel kb-body" aria-label={a.title} onClick={playVideo} dangerouslySetInnerHTML={{ __html: a.body_html }} />
      {a.related.length > 0 ? (
        <Related items={a.related.map((r) => ({ tenant_id: a.tenant_id, id: r.id, title: r.title }))} />
      ) : (
        <Suggested key={`${a.tenant_id}:${a.id}`} article={a} />
      )}
      <p>
        {/* A named `download` (the server's name wins) also keeps the router's link handling away. */}
        <a class="button button--secondary" href={articlePdfHref(a)} download={pdfName(a.slug)} aria-label={`Download PDF of ${a.title}`}>
          Download PDF
        </a>
      </p>
      {a.live && <FeedbackForm tenantId={a.tenant_id} articleId={a.id} />}
      {manages && (
        <Manage
          key={firstEtag}
          article={a}
          etag={etag}
          onChanged={(next, nextEtag) => {
            setA(next);
            setEtag(nextEtag);
          }}
          reload={reload}
        />
      )}
    </Page>
  );
}

interface RelatedItem {
  tenant_id: string;
  id: string;
  title: string;
}

function Related({ items }: { items: RelatedItem[] }) {
  return (
    <section class="panel" aria-labelledby="kb-related">
      <h2 id="kb-related">Related articles</h2>
      <ul>
        {items.map((r) => (
          <li key={`${r.tenant_id}:${r.id}`}>
            <a href={articlePath(r)}>{r.title}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** No related articles picked: up to three the search suggests for the title (none when it fails). */
function Suggested({ article: a }: { article: Article }) {
  const got = useResource(async () => {
    const tenant = suggestionTenant(a.tenant_id, me.value?.user.tenant, me.value?.system_kb_tenant_id);
    try {
      return suggestedRelated(await suggestArticles(tenant, a.title), a);
    } catch {
      return [];
    }
  }, [a.tenant_id, a.id, a.title]);
  return got.data?.length ? <Related items={got.data} /> : null;
}

/** Where the article stands and who reads it (its managers). */
function Facts({ article: a }: { article: Article }) {
  const clients = a.access.level === 'clients';
  const orgs = useResource(async () => (clients ? listOrgs(a.tenant_id) : []), [a.tenant_id, clients]);
  const orgName = (id: string) => orgs.data?.find((o) => o.id === id)?.name ?? 'an organization';
  const standing = standingOf(a);
  return (
    <dl class="kb-facts">
      <div>
        <dt>Status</dt>
        <dd>
          <span class={`badge kb-badge--${standing}`}>{STANDING[standing]}</span>
          {standing === 'scheduled' && a.publish_at ? ` from ${formatDateTime(a.publish_at)}` : ''}
        </dd>
      </div>
      <div>
        <dt>Who can read it</dt>
        <dd>{readersWords(a.access, orgName, isSystemKb(a.tenant_id))}</dd>
      </div>
      <div>
        <dt>Version</dt>
        <dd>{a.version}</dd>
      </div>
      <div>
        <dt>Updated</dt>
        <dd>{formatDateTime(a.updated_at)}</dd>
      </div>
    </dl>
  );
}

interface ManageProps {
  article: Article;
  etag: string | null;
  onChanged: (a: Article, etag: string | null) => void;
  reload: () => Promise<void>;
}

const DONE: Record<Step['to'], string> = { publish: 'Published.', unpublish: 'Taken back to draft.', archive: 'Archived.' };

/** Edit, publish now or at a set time, take back, archive; the history and the figures. */
function Manage({ article: a, etag, onChanged, reload }: ManageProps) {
  const [when, setWhen] = useState('');
  const [whenError, setWhenError] = useState<string | undefined>();
  const [problem, setProblem] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);
  const standing = standingOf(a);

  const step = async (s: Step) => {
    setBusy(true);
    setProblem(null);
    setWhenError(undefined);
    setSaid('');
    try {
      const next = await stepArticle(a.tenant_id, a.id, s, etag);
      onChanged(next.value, next.etag);
      setSaid(s.to === 'publish' && !next.value.live ? `Scheduled for ${formatDateTime(next.value.publish_at!)}.` : DONE[s.to]);
      setWhen('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        setProblem(staleEdit('article'));
      } else {
        const worded = kbProblem(e);
        const atField = worded instanceof ApiError ? fieldErrors(worded.problem).publish_at : undefined;
        if (atField) setWhenError(atField);
        else setProblem(errorMessage(worded));
      }
    } finally {
      setBusy(false);
    }
  };
  const schedule = () => {
    const at = fromLocalInput(when);
    if (!at) return setWhenError('Enter a date and time.');
    void step({ to: 'publish', at });
  };

  return (
    <section class="panel kb-manage" aria-labelledby="kb-manage">
      <h2 id="kb-manage">Manage this article</h2>
      <div class="actions">
        <a class="button button--secondary" href={articlePath(a, '/edit')}>
          Edit
        </a>
        <a class="button button--secondary" href={articlePath(a, '/history')}>
          History
        </a>
        <a class="button button--secondary" href={articlePath(a, '/figures')}>
          Figures
        </a>
      </div>
      <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
        {said}
      </p>
      {problem && (
        <div class="alert alert--error" role="alert">
          {problem}{' '}
          {stale && (
            <button type="button" class="link-button" onClick={() => void reload()}>
              Reload
            </button>
          )}
        </div>
      )}
      <div class="actions">
        {standing !== 'published' && (
          <button type="button" class="button" disabled={busy || stale} onClick={() => void step({ to: 'publish' })}>
            Publish now
          </button>
        )}
        {(standing === 'published' || standing === 'scheduled') && (
          <button type="button" class="button button--secondary" disabled={busy || stale} onClick={() => void step({ to: 'unpublish' })}>
            Unpublish
          </button>
        )}
        {standing !== 'archived' && (
          <ConfirmButton
            label="Archive…"
            confirm="Archive this article"
            danger
            disabled={busy || stale}
            note="Nobody but its managers reads an archived article; its history stays."
            onConfirm={() => void step({ to: 'archive' })}
          />
        )}
      </div>
      {standing !== 'published' && (
        <form
          class="form form--inline"
          aria-label="Schedule"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            schedule();
          }}
        >
          <TextField
            label="Publish at"
            name="publish_at"
            type="datetime-local"
            value={when}
            onValue={(v) => {
              setWhen(v);
              setWhenError(undefined);
            }}
            error={whenError}
            hint="Readers see it from then on (within a year)."
          />
          <button type="submit" class="button button--secondary" disabled={busy || stale}>
            Schedule
          </button>
        </form>
      )}
    </section>
  );
}
