// Categories as a tree (the server keeps them three levels deep, parents first) and articles
// grouped under them, in the order the categories are listed (position, then name).
import type { ArticleSummary, Category } from './api';

export interface CategoryNode {
  category: Category;
  children: CategoryNode[];
}

const byPosition = (a: Category, b: Category) => a.position - b.position || a.name.localeCompare(b.name);

/** The categories as a tree; one whose parent is gone sits at the top rather than vanish. */
export function buildTree(categories: readonly Category[]): CategoryNode[] {
  const ids = new Set(categories.map((c) => c.id));
  const under = new Map<string | null, Category[]>();
  for (const c of categories) {
    const parent = c.parent_id && ids.has(c.parent_id) && c.parent_id !== c.id ? c.parent_id : null;
    under.set(parent, [...(under.get(parent) ?? []), c]);
  }
  const seen = new Set<string>();
  const grow = (parent: string | null): CategoryNode[] =>
    (under.get(parent) ?? [])
      .sort(byPosition)
      .filter((c) => !seen.has(c.id) && seen.add(c.id))
      .map((c) => ({ category: c, children: grow(c.id) }));
  return grow(null);
}

export interface Flat {
  category: Category;
  /** 1 at the top. */
  level: number;
  /** Its ancestors' names and its own: "Billing / Invoices". */
  path: string;
}

/** The tree depth first, as a list shows it. */
export function flatten(tree: readonly CategoryNode[], level = 1, above = ''): Flat[] {
  return tree.flatMap((n) => {
    const path = above ? `${above} / ${n.category.name}` : n.category.name;
    return [{ category: n.category, level, path }, ...flatten(n.children, level + 1, path)];
  });
}

/** The categories from the top down to `id` (a breadcrumb); empty when it is unknown. */
export function pathTo(categories: readonly Category[], id: string | null | undefined): Category[] {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const out: Category[] = [];
  for (let c = id ? byId.get(id) : undefined; c && !out.includes(c); c = c.parent_id ? byId.get(c.parent_id) : undefined) out.unshift(c);
  return out;
}

/** `id` and every category under it. */
export function subtree(categories: readonly Category[], id: string): Set<string> {
  const out = new Set([id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const c of categories) {
      if (c.parent_id && out.has(c.parent_id) && !out.has(c.id)) {
        out.add(c.id);
        grew = true;
      }
    }
  }
  return out;
}

/** Where `moving` may go: any category but itself and those under it (the server checks the depth). */
export function parentChoices(categories: readonly Category[], moving?: Category): Flat[] {
  const mine = moving ? subtree(categories, moving.id) : new Set<string>();
  return flatten(buildTree(categories)).filter((f) => !mine.has(f.category.id));
}

export interface Group {
  /** null: the articles in no category (or in one that is gone). */
  category: Category | null;
  path: string;
  articles: ArticleSummary[];
}

/**
 * The articles under their categories, in the tree's order, empty categories left out; those
 * in no known category last. With `within`, only that category and those under it.
 */
export function groupByCategory(articles: readonly ArticleSummary[], categories: readonly Category[], within?: string): Group[] {
  const flat = flatten(buildTree(categories));
  const known = new Set(flat.map((f) => f.category.id));
  const inside = within ? subtree(categories, within) : null;
  const groups: Group[] = flat
    .filter((f) => !inside || inside.has(f.category.id))
    .map((f) => ({ category: f.category, path: f.path, articles: articles.filter((a) => a.category_id === f.category.id) }));
  if (!inside)
    groups.push({ category: null, path: 'Other articles', articles: articles.filter((a) => !a.category_id || !known.has(a.category_id)) });
  return groups.filter((g) => g.articles.length);
}
