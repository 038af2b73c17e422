// The article and category forms' values and the requests they make, and who an access level
// lets read (PRD 4.6) in words. The rules (lengths, slugs, tags, depth, who may read) are the server's.
import { CHECKS } from '../api/messages';
import { FieldProblem } from '../api/problem';
import type { Option } from '../ui/options';
import type { Access, AccessLevel, Article, ArticleBody, Category, CategoryBody } from './api';

export interface ArticleValues {
  title: string;
  summary: string;
  category_id: string;
  /** As typed: separated by commas. */
  tags: string;
  level: AccessLevel;
  /** The organizations that read it at the `clients` level. */
  orgs: string[];
  related: string[];
  slug: string;
  body: string;
  /** What this save changed (kept with the version). */
  note: string;
}

export const blankArticle = (category = ''): ArticleValues => ({
  title: '',
  summary: '',
  category_id: category,
  tags: '',
  level: 'partner',
  orgs: [],
  related: [],
  slug: '',
  body: '',
  note: '',
});

export const articleValues = (a: Article): ArticleValues => ({
  title: a.title,
  summary: a.summary,
  category_id: a.category_id ?? '',
  tags: a.tags.join(', '),
  level: a.access.level,
  orgs: [...(a.access.org_ids ?? [])],
  related: a.related.map((r) => r.id),
  slug: a.slug,
  body: a.body,
  note: '',
});

/** The tags typed, separated by commas (the server lower-cases them and drops repeats). */
export const parseTags = (typed: string) =>
  typed
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** The access the form says: organizations only for the `clients` level (kept aside otherwise). */
export const toAccess = (level: AccessLevel, orgs: readonly string[]): Access =>
  level === 'clients' ? { level, org_ids: [...orgs] } : { level };

/** The request for what was typed; a new article without a slug gets one from its title. */
export function toArticleBody(v: ArticleValues, editing: boolean): ArticleBody {
  return {
    title: v.title,
    summary: v.summary,
    body: v.body,
    category_id: v.category_id || null,
    tags: parseTags(v.tags),
    access: toAccess(v.level, v.orgs),
    related_ids: v.related,
    slug: v.slug.trim() || null,
    ...(editing && v.note.trim() ? { note: v.note.trim() } : {}),
  };
}

/** The access levels as the editor offers them; `system`: the system KB, read across tenants. */
export function accessOptions(system: boolean): Option<AccessLevel>[] {
  return [
    { value: 'public', label: 'Public: everyone, signed out too' },
    {
      value: 'partner',
      label: system ? 'Partners: every partner’s people and their clients' : 'Everyone in this portal: its people and its clients',
    },
    { value: 'internal', label: 'Internal: staff only' },
    { value: 'clients', label: 'Chosen client organizations' },
  ];
}

/** A short name for an article's access level (its badge). */
export const ACCESS_BADGE: Record<AccessLevel, string> = {
  public: 'Public',
  partner: 'Portal',
  internal: 'Internal',
  clients: 'Clients',
};

/** Who reads `access`, in a sentence's words: "Globex and Initech only". */
export function readersWords(access: Access, orgName: (id: string) => string, system: boolean): string {
  switch (access.level) {
    case 'public':
      return 'Everyone, signed out too';
    case 'partner':
      return system ? 'Every partner’s people and their clients' : 'Everyone in this portal';
    case 'internal':
      return 'Staff only';
    case 'clients': {
      const names = (access.org_ids ?? []).map(orgName);
      if (!names.length) return 'No organization yet';
      const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
      return `${list} only`;
    }
  }
}

export interface CategoryValues {
  name: string;
  description: string;
  /** '' for the top level. */
  parent_id: string;
  /** As typed: a whole number, or empty for the server's default. */
  position: string;
}

export const blankCategory = (parent = ''): CategoryValues => ({ name: '', description: '', parent_id: parent, position: '' });

export const categoryValues = (c: Category): CategoryValues => ({
  name: c.name,
  description: c.description,
  parent_id: c.parent_id ?? '',
  position: String(c.position),
});

/** The request for a category as typed; a position that is no whole number is refused here. */
export function toCategoryBody(v: CategoryValues): CategoryBody {
  const position = v.position.trim();
  if (position && !/^\d{1,9}$/.test(position)) throw new FieldProblem('position', CHECKS.position);
  return {
    name: v.name,
    description: v.description.trim() ? v.description : null,
    parent_id: v.parent_id || null,
    position: position ? Number(position) : null,
  };
}
