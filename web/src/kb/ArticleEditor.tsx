// Writing an article (the KB's managers): title, summary, category, tags, who reads it (the
// chosen organizations for the clients level), related articles, its address and the Markdown
// body with a live preview (rendered by the server as the article page shows it: beside or below
// the body on a wide screen, a Write / Preview switch on a phone); a save is a new version, with a note saying what changed. Saved under
// If-Match: when someone else saved meanwhile, the form says so and offers to reload. Images go
// into the body of a saved article (picked, pasted or dropped; see ImageInsert).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { me } from '../app/session';
import { listOrgs, type Org } from '../tickets/orgs';
import { Empty } from '../ui/Card';
import { EditActions, FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import {
  articlePath,
  createArticle,
  getArticle,
  isSystemKb,
  kbHref,
  listArticles,
  listCategories,
  managesKb,
  previewBody,
  updateArticle,
  type Article,
  type ArticleSummary,
  type Category,
} from './api';
import { accessOptions, articleValues, blankArticle, toArticleBody, type ArticleValues } from './editor';
import { CheckList } from './CheckList';
import { ImageControl, useImageInsert } from './ImageInsert';
import { createPreviewer, type PreviewState } from './preview';
import { kbCall, kbProblem } from './problems';
import { flatten, buildTree } from './tree';
import { playVideo } from './video';
import './kb.css';

export default function ArticleEditor({ tenantId, articleId }: { tenantId?: string; articleId?: string }) {
  const { query } = useLocation();
  const tenant = tenantId ?? query.tenant ?? me.value!.user.tenant;
  if (!managesKb(tenant))
    return (
      <Page title="Article">
        <Empty>Articles are written by the knowledge base’s managers.</Empty>
      </Page>
    );
  return <Loader tenant={tenant} articleId={articleId} category={query.category ?? ''} />;
}

function Loader({ tenant, articleId, category }: { tenant: string; articleId?: string; category: string }) {
  const existing = useResource(async () => (articleId ? getArticle(tenant, articleId) : null), [tenant, articleId]);
  const categories = useResource(() => listCategories(tenant), [tenant]);
  const orgs = useResource(() => listOrgs(tenant), [tenant]);
  const articles = useResource(async () => (await listArticles(tenant)).items, [tenant]);
  const title = articleId ? 'Edit article' : 'New article';
  const failed = existing.error ?? categories.error ?? orgs.error ?? articles.error;
  if (failed)
    return (
      <Page title={title}>
        <ErrorNote error={failed} />
      </Page>
    );
  if ((articleId && !existing.data) || !categories.data || !orgs.data || !articles.data)
    return (
      <Page title={title}>
        <Loading />
      </Page>
    );
  const article = existing.data?.value ?? null;
  return (
    <Editor
      key={existing.data?.etag ?? 'new'}
      tenant={tenant}
      article={article}
      etag={existing.data?.etag ?? null}
      category={category}
      categories={categories.data}
      orgs={orgs.data}
      others={articles.data.filter((a) => a.id !== article?.id)}
      reload={existing.reload}
    />
  );
}

interface EditorProps {
  tenant: string;
  article: Article | null;
  etag: string | null;
  category: string;
  categories: Category[];
  orgs: Org[];
  others: ArticleSummary[];
  reload: () => Promise<void>;
}

function Editor({ tenant, article, etag, category, categories, orgs, others, reload }: EditorProps) {
  const { route } = useLocation();
  const form = useForm<ArticleValues>(article ? articleValues(article) : blankArticle(category));
  const [stale, setStale] = useState(false);
  const { values: v, errors, set } = form;
  const editing = article !== null;
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const images = useImageInsert(tenant, article?.id ?? null, bodyRef, (x) => set('body', x));

  const submit = form.submit(async (values) => {
    const body = toArticleBody(values, editing);
    try {
      const saved = await kbCall(() => (article ? updateArticle(tenant, article.id, body, etag) : createArticle(tenant, body)));
      route(articlePath(saved.value));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        throw new Error(staleEdit('article'));
      }
      throw e;
    }
  });

  // Related articles: those chosen first, then the rest newest first.
  const related = [...others].sort((a, b) => Number(v.related.includes(b.id)) - Number(v.related.includes(a.id)));
  return (
    <Page title={article ? `Edit: ${article.title}` : 'New article'}>
      <form class="form kb-editor" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <TextField label="Title" name="title" value={v.title} onValue={(x) => set('title', x)} error={errors.title} maxLength={200} />
        <TextArea
          label="Summary"
          name="summary"
          rows={2}
          hint="A line or two, shown in lists."
          value={v.summary}
          onValue={(x) => set('summary', x)}
          error={errors.summary}
        />
        <SelectField
          label="Category"
          name="category_id"
          value={v.category_id}
          placeholder="No category"
          options={flatten(buildTree(categories)).map((f) => ({ value: f.category.id, label: f.path }))}
          onValue={(x) => set('category_id', x)}
          error={errors.category_id}
        />
        <TextField
          label="Tags"
          name="tags"
          hint="Separated by commas, such as billing, invoices."
          autoComplete="off"
          value={v.tags}
          onValue={(x) => set('tags', x)}
          error={errors.tags}
        />
        <SelectField
          label="Who can read it"
          name="level"
          value={v.level}
          options={accessOptions(isSystemKb(tenant))}
          onValue={(x) => set('level', x as ArticleValues['level'])}
          error={errors.level}
        />
        {v.level === 'clients' && (
          <CheckList
            legend="Organizations that read it"
            name="orgs"
            items={orgs.map((o) => ({ value: o.id, label: o.name }))}
            chosen={v.orgs}
            onChosen={(x) => set('orgs', x)}
            error={errors.orgs}
            empty="This portal has no client organizations yet."
          />
        )}
        <CheckList
          legend="Related articles"
          name="related"
          hint="Up to 10 articles of this knowledge base, shown at the end of this one."
          items={related.map((a) => ({ value: a.id, label: a.title }))}
          chosen={v.related}
          onChosen={(x) => set('related', x)}
          error={errors.related}
          empty="No other articles yet."
          filter="Find articles"
        />
        <TextField
          label="Address"
          name="slug"
          hint={
            editing
              ? 'Lower-case letters, digits and hyphens.'
              : 'Lower-case letters, digits and hyphens; made from the title when left empty.'
          }
          autoComplete="off"
          value={v.slug}
          onValue={(x) => set('slug', x)}
          error={errors.slug}
        />
        <Writing tenant={tenant} body={v.body} invalid={!!errors.body}>
          <TextArea
            label="Body (Markdown)"
            name="body"
            rows={14}
            hint="# for headings, **bold**, - for lists, [text](https://…) for links; a video address alone on its line becomes a player."
            value={v.body}
            onValue={(x) => set('body', x)}
            error={errors.body}
            inputRef={bodyRef}
            {...images.area}
          />
          <ImageControl images={images} />
        </Writing>
        {editing && (
          <TextField
            label="What changed (optional)"
            name="note"
            hint="Kept with this version in the history."
            value={v.note}
            onValue={(x) => set('note', x)}
            error={errors.note}
            maxLength={200}
          />
        )}
        <EditActions
          save={editing ? 'Save article' : 'Save draft'}
          busy={form.busy || images.busy}
          stale={stale}
          onReload={() => void reload()}
          onCancel={() => route(article ? articlePath(article) : kbHref(tenant))}
        />
      </form>
    </Page>
  );
}

/** The body rendered by the server a moment after the typing stops (the newest body only). */
function usePreview(tenant: string, body: string): PreviewState & { refresh: () => void } {
  const [state, setState] = useState<PreviewState>({ html: '', error: null, busy: false });
  const previewer = useMemo(
    () =>
      createPreviewer(
        async (b, signal) => (await previewBody(tenant, b, signal)).html,
        setState,
        (e) => errorMessage(kbProblem(e)),
      ),
    [tenant],
  );
  useEffect(() => () => previewer.stop(), [previewer]);
  // The first preview at once (an article opened for editing), the next ones once typing pauses.
  useEffect(() => previewer.now(body), [previewer]);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else previewer.update(body);
  }, [body]);
  return { ...state, refresh: () => previewer.now(body) };
}

/** The body's field with its preview; on a phone one at a time, switched by "Write" and "Preview". */
function Writing({
  tenant,
  body,
  invalid,
  children,
}: {
  tenant: string;
  body: string;
  invalid: boolean;
  children: preact.ComponentChildren;
}) {
  const [mode, setMode] = useState<'write' | 'preview'>('write');
  // A fault in the body shows the body.
  useEffect(() => {
    if (invalid) setMode('write');
  }, [invalid]);
  const preview = usePreview(tenant, body);
  return (
    <div class="kb-write" data-mode={mode}>
      <div class="kb-write__switch" role="group" aria-label="Show">
        <button type="button" class="button button--secondary" aria-pressed={mode === 'write'} onClick={() => setMode('write')}>
          Write
        </button>
        <button type="button" class="button button--secondary" aria-pressed={mode === 'preview'} onClick={() => setMode('preview')}>
          Preview
        </button>
      </div>
      <div class="kb-write__body">{children}</div>
      <section class="kb-write__preview" aria-labelledby="kb-preview-heading" aria-busy={preview.busy}>
        <div class="kb-write__head">
          <h2 id="kb-preview-heading">Preview</h2>
          <button type="button" class="link-button" onClick={preview.refresh} disabled={preview.busy}>
            Refresh preview
          </button>
        </div>
        <p role="status" class={preview.error ? 'alert alert--error' : 'visually-hidden'}>
          {preview.error ? `The preview could not be shown: ${preview.error}` : ''}
        </p>
        {preview.html ? (
          // The server renders and sanitizes this HTML exactly as for the article page (scripts,
          // handlers and unknown tags removed), so it is safe to set as it comes.
          <div class="kb-body kb-preview" onClick={playVideo} dangerouslySetInnerHTML={{ __html: preview.html }} />
        ) : (
          <p class="muted kb-preview">{body.trim() ? 'Preparing the preview…' : 'The body shows here as readers will see it.'}</p>
        )}
      </section>
    </div>
  );
}
