// The knowledge base as the screens use it: a tenant's categories and articles (the system KB
// is Kre8ivTech's own tenant's), written by its managers under If-Match with a version per save;
// read by whoever the access level lets; views, feedback and figures.
import { api, type Schemas } from '../api/client';
import { ifMatch, tagged, type Tagged } from '../api/edits';
import { unwrap } from '../api/problem';
import { me, role } from '../app/session';

export type Category = Schemas['CategoryView'];
export type CategoryBody = Schemas['CategoryRequest'];
export type ArticleSummary = Schemas['ArticleSummary'];
export type Article = Schemas['ArticleView'];
export type ArticleBody = Schemas['ArticleRequest'];
export type Access = Schemas['AccessBody'];
export type AccessLevel = Schemas['AccessLevel'];
export type Version = Schemas['VersionView'];
export type Diff = Schemas['DiffView'];
export type DiffLine = Schemas['DiffLine'];
export type Figures = Schemas['FiguresView'];
export type Feedback = Schemas['FeedbackView'];
export type Preview = Schemas['PreviewView'];
export type Hit = Schemas['HitView'];

const enc = encodeURIComponent;
/** A KB screen (`/kb`, `/kb/new`, …) of `tenantId` with `query`; the viewer's own tenant goes unsaid. */
export function kbHref(tenantId: string, where = '/kb', query: Record<string, string> = {}): string {
  const q = new URLSearchParams(tenantId === me.value?.user.tenant ? {} : { tenant: tenantId });
  for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${where}?${s}` : where;
}
export const articlePath = (a: Pick<ArticleSummary, 'tenant_id' | 'id'>, then = '') => `/kb/${enc(a.tenant_id)}/${enc(a.id)}${then}`;

/**
 * Whether the viewer writes `tenantId`'s KB (as `kt_domain::kb::manages`): Kre8ivTech's super
 * admins and staff any KB, a partner its own. The server decides; this only shows the tools.
 */
export const managesKb = (tenantId: string) =>
  role.value === 'super_admin' || role.value === 'staff' || (role.value === 'partner' && me.value?.user.tenant === tenantId);

/** Whether `tenantId`'s KB is the system KB as far as the viewer can tell (their own, in the house). */
export const isSystemKb = (tenantId: string) => me.value?.user.tenant === tenantId && me.value?.branding.kind === 'house';

const at = (tenantId: string) => ({ path: { tenant_id: tenantId } });
const one = (tenantId: string, id: string) => ({ path: { tenant_id: tenantId, article_id: id } });
const guarded = (etag: string | null) => ifMatch(etag) as { 'If-Match': string };

export async function listCategories(tenantId: string): Promise<Category[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/kb/categories', { params: at(tenantId) }));
}

export async function createCategory(tenantId: string, body: CategoryBody): Promise<Category> {
  return unwrap(await api.POST('/api/v1/tenants/{tenant_id}/kb/categories', { params: at(tenantId), body }));
}

export async function updateCategory(tenantId: string, c: Category, body: CategoryBody): Promise<Category> {
  return unwrap(
    await api.PUT('/api/v1/tenants/{tenant_id}/kb/categories/{category_id}', {
      params: { path: { tenant_id: tenantId, category_id: c.id }, header: guarded(c.etag) },
      body,
    }),
  );
}

export async function deleteCategory(tenantId: string, id: string): Promise<void> {
  unwrap(
    await api.DELETE('/api/v1/tenants/{tenant_id}/kb/categories/{category_id}', {
      params: { path: { tenant_id: tenantId, category_id: id } },
    }),
  );
}

/** How many articles the screens read at most before offering more (the newest first). */
export const ARTICLE_PAGES = 3;

export interface ArticlePage {
  items: ArticleSummary[];
  /** Where to go on when there are more. */
  cursor: string | null;
}

/** The tenant's articles the viewer may read, newest first: a few pages of 100 from `cursor`. */
export async function listArticles(tenantId: string, cursor?: string, pages = ARTICLE_PAGES): Promise<ArticlePage> {
  const items: ArticleSummary[] = [];
  let next: string | undefined = cursor;
  for (let n = 0; n < pages; n++) {
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/kb/articles', { params: { ...at(tenantId), query: { limit: 100, cursor: next } } }),
    );
    items.push(...page.items);
    next = page.next_cursor ?? undefined;
    if (!next) break;
  }
  return { items, cursor: next ?? null };
}

export async function getArticle(tenantId: string, id: string): Promise<Tagged<Article>> {
  return tagged(await api.GET('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}', { params: one(tenantId, id) }));
}

export async function createArticle(tenantId: string, body: ArticleBody): Promise<Tagged<Article>> {
  return tagged(await api.POST('/api/v1/tenants/{tenant_id}/kb/articles', { params: at(tenantId), body }));
}

export async function updateArticle(tenantId: string, id: string, body: ArticleBody, etag: string | null): Promise<Tagged<Article>> {
  return tagged(
    await api.PUT('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}', {
      params: { ...one(tenantId, id), header: guarded(etag) },
      body,
    }),
  );
}

export type Step = { to: 'publish'; at?: string } | { to: 'unpublish' } | { to: 'archive' };

/** Publishes (now, or from `at`), takes back to draft or archives the article. */
export async function stepArticle(tenantId: string, id: string, step: Step, etag: string | null): Promise<Tagged<Article>> {
  const params = { ...one(tenantId, id), header: guarded(etag) };
  const answer =
    step.to === 'publish'
      ? await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/publish', {
          params,
          body: step.at ? { publish_at: step.at } : {},
        })
      : step.to === 'unpublish'
        ? await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/unpublish', { params })
        : await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/archive', { params });
  return tagged(answer);
}

/**
 * `body` (Markdown) rendered as the article page renders it (the editor's live preview; the KB's
 * managers). Nothing is stored; `signal` drops an answer no longer wanted.
 */
export async function previewBody(tenantId: string, body: string, signal?: AbortSignal): Promise<Preview> {
  return unwrap(await api.POST('/api/v1/tenants/{tenant_id}/kb/preview', { params: at(tenantId), body: { body }, signal }));
}

/**
 * The articles search suggests for `subject` (those the viewer may read, in `tenantId`'s index).
 * Asked here rather than through ../search/api so the KB's chunks share no module with search's.
 */
export async function suggestArticles(tenantId: string, subject: string): Promise<Hit[]> {
  return unwrap(await api.GET('/api/v1/tenants/{tenant_id}/search/suggestions', { params: { ...at(tenantId), query: { subject } } })).hits;
}

/** The article as a PDF (whoever may read it); the browser downloads what the server names. */
export const articlePdfHref = (a: Pick<ArticleSummary, 'tenant_id' | 'id'>) =>
  `/api/v1/tenants/${enc(a.tenant_id)}/kb/articles/${enc(a.id)}/pdf`;

/** Counts a read (the article page, once per visit). A failure is not the reader's concern. */
export async function recordView(tenantId: string, id: string): Promise<void> {
  await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/view', { params: one(tenantId, id) }).catch(() => undefined);
}

export async function giveFeedback(tenantId: string, id: string, helpful: boolean, comment: string): Promise<Feedback> {
  const body = comment.trim() ? { helpful, comment } : { helpful };
  return unwrap(await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/feedback', { params: one(tenantId, id), body }));
}

export async function listVersions(tenantId: string, id: string): Promise<Version[]> {
  const items: Version[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/versions', {
        params: { ...one(tenantId, id), query: { limit: 100, cursor } },
      }),
    );
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

export async function diffVersions(tenantId: string, id: string, from: number, to: number): Promise<Diff> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/diff', {
      params: { ...one(tenantId, id), query: { from: String(from), to: String(to) } },
    }),
  );
}

export async function restoreVersion(tenantId: string, id: string, version: number, etag: string | null): Promise<Tagged<Article>> {
  return tagged(
    await api.POST('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/versions/{version}/restore', {
      params: { path: { tenant_id: tenantId, article_id: id, version }, header: guarded(etag) },
    }),
  );
}

export async function getFigures(tenantId: string, id: string, cursor?: string): Promise<Figures> {
  return unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/figures', {
      params: { ...one(tenantId, id), query: { limit: 50, cursor } },
    }),
  );
}

/** The tenant's people by id, for naming authors and readers (none when the viewer may not list them). */
export async function peopleOf(tenantId: string): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let cursor: string | undefined;
  try {
    do {
      const page = unwrap(
        await api.GET('/api/v1/tenants/{tenant_id}/users', { params: { ...at(tenantId), query: { limit: 100, cursor } } }),
      );
      for (const u of page.items) names.set(u.id, u.name);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  } catch {
    // Names are a courtesy: without them the screens say "someone".
  }
  const self = me.value?.user;
  if (self) names.set(self.id, self.name);
  return names;
}
