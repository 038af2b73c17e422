// The knowledge base's home: the categories as a tree (three levels), the articles under their
// categories, narrowed by a category, a tag and words of the title (here, in the browser: the
// global search comes later). The KB's managers also see drafts, scheduled and archived articles
// (each with its badge), narrow by where they stand, and start articles and categories. In a
// partner's portal the system KB's articles the person may read follow as "Platform guides"
// (white-label: never named after the house).
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { useTenant } from '../admin/useTenant';
import { me } from '../app/session';
import { Empty } from '../ui/Card';
import { SelectField, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { articlePath, kbHref, listArticles, listCategories, managesKb, type ArticleSummary, type Category } from './api';
import { ACCESS_BADGE } from './editor';
import { platformKbOf } from './platform';
import { countWords, filtersFrom, filtersQuery, passes, STANDING, standingOf, tagsOf, type Filters, type Standing } from './listing';
import { buildTree, groupByCategory, pathTo, subtree, type CategoryNode } from './tree';
import './kb.css';

export default function KbHome() {
  const { query, route } = useLocation();
  const { tenantId, picker } = useTenant();
  const manages = managesKb(tenantId);
  const filters = filtersFrom(query);
  const picked = query.tenant;
  const to = (f: Filters) => route(`/kb${filtersQuery(f, picked)}`, true);
  // The session's /me (loaded once at start) says where the system KB is.
  const platform = platformKbOf(me.value);
  return (
    <Page
      title="Knowledge base"
      actions={
        manages ? (
          <>
            <a class="button" href={kbHref(tenantId, '/kb/new', { category: filters.category })}>
              New article
            </a>
            <a class="button button--secondary" href={kbHref(tenantId, '/kb/categories')}>
              Categories
            </a>
          </>
        ) : undefined
      }
    >
      {picker}
      <Section key={tenantId} tenantId={tenantId} picked={picked} manages={manages} filters={filters} onFilters={to} />
      {platform && <PlatformGuides key={platform} tenantId={platform} />}
    </Page>
  );
}

interface SectionProps {
  tenantId: string;
  /** The tenant a super admin picked (kept in the links). */
  picked?: string;
  manages: boolean;
  filters: Filters;
  onFilters: (f: Filters) => void;
}

/** One KB: its filters, its categories and its articles. */
function Section({ tenantId, picked, manages, filters, onFilters }: SectionProps) {
  const categories = useResource(() => listCategories(tenantId), [tenantId]);
  const [articles, setArticles] = useState<ArticleSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  // The words typed stay as typed; the address follows them.
  const [q, setQ] = useState(filters.q);

  const more = async (from?: string) => {
    setBusy(true);
    try {
      const page = await listArticles(tenantId, from);
      setArticles((prev) => (from && prev ? [...prev, ...page.items] : page.items));
      setCursor(page.cursor);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void more();
  }, [tenantId]);

  const failed = error ?? categories.error;
  if (failed) return <ErrorNote error={failed} />;
  if (!articles || !categories.data) return <Loading />;

  const cats = categories.data;
  const category = cats.find((c) => c.id === filters.category);
  const shown = articles.filter((a) => passes(a, { ...filters, q }));
  const groups = groupByCategory(shown, cats, category?.id);
  const total = groups.reduce((n, g) => n + g.articles.length, 0);
  const set = (change: Partial<Filters>) => onFilters({ ...filters, q, ...change });
  const standings = Object.entries(STANDING).map(([value, label]) => ({ value, label }));
  const hrefFor = (f: Filters) => `/kb${filtersQuery(f, picked)}`;

  return (
    <>
      <form class="form form--inline kb-filters" role="search" aria-label="Filter articles" onSubmit={(e) => e.preventDefault()}>
        <TextField
          label="Find by title"
          name="q"
          type="search"
          autoComplete="off"
          value={q}
          onValue={(v) => {
            setQ(v);
            set({ q: v });
          }}
        />
        <SelectField
          label="Tag"
          name="tag"
          value={filters.tag}
          placeholder="All tags"
          options={tagsOf(articles).map((t) => ({ value: t, label: t }))}
          onValue={(tag) => set({ tag })}
        />
        {manages && (
          <SelectField
            label="Status"
            name="status"
            value={filters.standing}
            placeholder="Any status"
            options={standings}
            onValue={(s) => set({ standing: s as Standing | '' })}
          />
        )}
      </form>
      <div class="kb-layout">
        <nav class="panel kb-tree" aria-labelledby="kb-categories">
          <h2 id="kb-categories">Categories</h2>
          <ul>
            <li>
              <a href={hrefFor({ ...filters, q, category: '' })} aria-current={!category ? 'page' : undefined}>
                All articles <span class="muted">{shown.length}</span>
              </a>
            </li>
          </ul>
          <Tree
            nodes={buildTree(cats)}
            categories={cats}
            articles={shown}
            current={category?.id}
            href={(id) => hrefFor({ ...filters, q, category: id })}
          />
        </nav>
        <section aria-labelledby="kb-articles">
          <div class="panel">
            <h2 id="kb-articles">
              {category
                ? pathTo(cats, category.id)
                    .map((c) => c.name)
                    .join(' / ')
                : 'All articles'}
            </h2>
            <p class="muted" role="status">
              {countWords(total)}
              {q.trim() || filters.tag || filters.standing ? (total === 1 ? ' matches the filters' : ' match the filters') : ''}
            </p>
            {!articles.length ? (
              <Empty>{manages ? 'No articles yet. Start one with “New article”.' : 'No articles yet.'}</Empty>
            ) : (
              groups.map((g) => (
                <section key={g.category?.id ?? 'none'} class="kb-group" aria-label={g.path}>
                  <h3>{g.path}</h3>
                  <ul class="list">
                    {g.articles.map((a) => (
                      <ArticleRow key={a.id} article={a} manages={manages} />
                    ))}
                  </ul>
                </section>
              ))
            )}
            {cursor && (
              <button type="button" class="button button--secondary" disabled={busy} onClick={() => void more(cursor)}>
                Show older articles
              </button>
            )}
          </div>
        </section>
      </div>
    </>
  );
}

/**
 * The system KB's articles the person may read (the first page of them, by category), linked to
 * their pages under its tenant; nothing while loading, when there are none or when it fails.
 */
function PlatformGuides({ tenantId }: { tenantId: string }) {
  const got = useResource(async () => {
    const [cats, page] = await Promise.all([listCategories(tenantId).catch(() => [] as Category[]), listArticles(tenantId, undefined, 1)]);
    return groupByCategory(page.items, cats);
  }, [tenantId]);
  const groups = got.data ?? [];
  if (!groups.length) return null;
  const single = groups.length === 1 && !groups[0].category;
  return (
    <section class="panel kb-platform" aria-labelledby="kb-platform">
      <h2 id="kb-platform">Platform guides</h2>
      {groups.map((g) => (
        <section key={g.category?.id ?? 'none'} class="kb-group" aria-label={single ? 'Platform guides' : `Platform guides: ${g.path}`}>
          {!single && <h3>{g.path}</h3>}
          <ul class="list">
            {g.articles.map((a) => (
              <ArticleRow key={a.id} article={a} manages={false} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

interface TreeProps {
  nodes: CategoryNode[];
  categories: Category[];
  articles: ArticleSummary[];
  current?: string;
  href: (id: string) => string;
}

/** The categories, each with how many of the shown articles sit in it or under it. */
function Tree({ nodes, categories, articles, current, href }: TreeProps) {
  if (!nodes.length) return null;
  return (
    <ul>
      {nodes.map(({ category: c, children }) => {
        const inside = subtree(categories, c.id);
        const count = articles.filter((a) => a.category_id && inside.has(a.category_id)).length;
        return (
          <li key={c.id}>
            <a href={href(c.id)} aria-current={current === c.id ? 'page' : undefined}>
              {c.name} <span class="muted">{count}</span>
            </a>
            <Tree nodes={children} categories={categories} articles={articles} current={current} href={href} />
          </li>
        );
      })}
    </ul>
  );
}

function ArticleRow({ article: a, manages }: { article: ArticleSummary; manages: boolean }) {
  const standing = standingOf(a);
  return (
    <li class="kb-row">
      <div class="kb-row__head">
        <a class="kb-row__title" href={articlePath(a)}>
          {a.title}
        </a>
        {manages && standing !== 'published' && <span class={`badge kb-badge--${standing}`}>{STANDING[standing]}</span>}
        {manages && (a.access.level === 'internal' || a.access.level === 'clients') && (
          <span class="badge">{ACCESS_BADGE[a.access.level]}</span>
        )}
      </div>
      {a.summary && <p class="muted">{a.summary}</p>}
      {a.tags.length > 0 && (
        <ul class="kb-tags" aria-label="Tags">
          {a.tags.map((t) => (
            <li key={t} class="badge">
              {t}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}
