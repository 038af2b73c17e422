import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import type { Article, Category } from './api';
import {
  accessOptions,
  articleValues,
  blankArticle,
  blankCategory,
  categoryValues,
  parseTags,
  readersWords,
  toAccess,
  toArticleBody,
  toCategoryBody,
} from './editor';

const ARTICLE = {
  id: 'a1',
  tenant_id: 't1',
  title: 'Reset your password',
  summary: 'When you forgot it',
  category_id: 'c1',
  tags: ['account', 'password'],
  access: { level: 'clients', org_ids: ['o1', 'o2'] },
  related: [{ id: 'a2', title: 'Two-step sign-in', slug: 'two-step' }],
  slug: 'reset-your-password',
  body: '# Reset\n',
} as unknown as Article;

describe('the article form', () => {
  it('reads an article and makes the same request back, with the note on a save', () => {
    const v = articleValues(ARTICLE);
    expect(v).toMatchObject({ tags: 'account, password', level: 'clients', orgs: ['o1', 'o2'], related: ['a2'], note: '' });
    expect(toArticleBody({ ...v, note: ' fixed a typo ' }, true)).toEqual({
      title: 'Reset your password',
      summary: 'When you forgot it',
      body: '# Reset\n',
      category_id: 'c1',
      tags: ['account', 'password'],
      access: { level: 'clients', org_ids: ['o1', 'o2'] },
      related_ids: ['a2'],
      slug: 'reset-your-password',
      note: 'fixed a typo',
    });
  });

  it('leaves the slug to the server and the note out for a new article', () => {
    const body = toArticleBody({ ...blankArticle('c2'), title: 'New', note: 'ignored' }, false);
    expect(body).toMatchObject({ slug: null, category_id: 'c2', access: { level: 'partner' }, tags: [] });
    expect(body).not.toHaveProperty('note');
    expect(toArticleBody({ ...blankArticle(), title: 'x' }, false).category_id).toBeNull();
  });

  it('names organizations only at the clients level, keeping the choice aside otherwise', () => {
    expect(toAccess('clients', ['o1'])).toEqual({ level: 'clients', org_ids: ['o1'] });
    expect(toAccess('internal', ['o1'])).toEqual({ level: 'internal' });
    const v = { ...articleValues(ARTICLE), level: 'public' as const };
    expect(toArticleBody(v, true).access).toEqual({ level: 'public' });
    expect(v.orgs).toEqual(['o1', 'o2']);
  });

  it('splits tags at commas as typed (the server lower-cases them)', () => {
    expect(parseTags(' Billing, invoices ,, Late fees ')).toEqual(['Billing', 'invoices', 'Late fees']);
    expect(parseTags('')).toEqual([]);
  });

  it('says who reads an article', () => {
    const name = (id: string) => ({ o1: 'Globex', o2: 'Initech', o3: 'Acme' })[id] ?? 'an organization';
    expect(readersWords({ level: 'clients', org_ids: ['o1'] }, name, false)).toBe('Globex only');
    expect(readersWords({ level: 'clients', org_ids: ['o1', 'o2', 'o3'] }, name, false)).toBe('Globex, Initech and Acme only');
    expect(readersWords({ level: 'partner' }, name, true)).toBe('Every partner’s people and their clients');
    expect(readersWords({ level: 'partner' }, name, false)).toBe('Everyone in this portal');
    expect(accessOptions(true).map((o) => o.value)).toEqual(['public', 'partner', 'internal', 'clients']);
  });
});

describe('the category form', () => {
  const c = { id: 'c1', name: 'Billing', description: '', parent_id: 'top', position: 20 } as Category;

  it('reads a category and makes the same request back', () => {
    expect(toCategoryBody(categoryValues(c))).toEqual({ name: 'Billing', description: null, parent_id: 'top', position: 20 });
    expect(toCategoryBody({ ...blankCategory(), name: 'Top' })).toEqual({
      name: 'Top',
      description: null,
      parent_id: null,
      position: null,
    });
  });

  it('asks for a whole-number position before sending', () => {
    expect(() => toCategoryBody({ ...blankCategory(), name: 'x', position: '1.5' })).toThrow(ApiError);
    try {
      toCategoryBody({ ...blankCategory(), name: 'x', position: 'first' });
    } catch (e) {
      expect((e as ApiError).problem?.errors?.[0]?.field).toBe('position');
    }
  });
});
