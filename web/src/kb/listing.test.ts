import { describe, expect, it } from 'vitest';
import { ApiError, fieldErrors } from '../api/problem';
import type { ArticleSummary } from './api';
import { countWords, filtersFrom, filtersQuery, passes, standingOf, tagsOf } from './listing';
import { kbProblem } from './problems';

const art = (more: Partial<ArticleSummary>) =>
  ({
    id: 'a',
    title: 'Reset your password',
    summary: 'When you forgot it',
    tags: ['account'],
    status: 'published',
    live: true,
    ...more,
  }) as ArticleSummary;

describe('the KB home’s filters', () => {
  it('tells drafts, scheduled, published and archived articles apart', () => {
    expect(standingOf({ status: 'published', live: true })).toBe('published');
    expect(standingOf({ status: 'published', live: false })).toBe('scheduled');
    expect(standingOf({ status: 'draft', live: false })).toBe('draft');
    expect(standingOf({ status: 'archived', live: false })).toBe('archived');
  });

  it('keeps what differs from the default in the address and reads it back', () => {
    const f = { q: ' reset ', tag: 'account', category: 'c1', standing: 'draft' as const };
    expect(filtersQuery(f)).toBe('?q=reset&tag=account&category=c1&status=draft');
    expect(filtersQuery({ q: '', tag: '', category: '', standing: '' }, 't2')).toBe('?tenant=t2');
    expect(filtersFrom({ q: 'reset', status: 'nonsense' })).toEqual({ q: 'reset', tag: '', category: '', standing: '' });
  });

  it('matches every word typed in the title or summary, the tag and the status', () => {
    const none = { q: '', tag: '', category: '', standing: '' as const };
    expect(passes(art({}), { ...none, q: 'FORGOT reset' })).toBe(true);
    expect(passes(art({}), { ...none, q: 'reset invoice' })).toBe(false);
    expect(passes(art({}), { ...none, tag: 'billing' })).toBe(false);
    expect(passes(art({ status: 'draft', live: false }), { ...none, standing: 'draft' })).toBe(true);
    expect(passes(art({}), { ...none, standing: 'draft' })).toBe(false);
    expect(tagsOf([art({ tags: ['b', 'a'] }), art({ tags: ['a'] })])).toEqual(['a', 'b']);
    expect([0, 1, 2].map(countWords)).toEqual(['No articles', '1 article', '2 articles']);
  });
});

describe('the KB’s field errors', () => {
  const problem = (errors: { field: string; message: string }[]) =>
    new ApiError(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors });

  it('names the form’s fields and words the KB’s messages', () => {
    const e = kbProblem(
      problem([
        { field: 'related[0]', message: 'is no other article of this knowledge base' },
        { field: 'access.org_ids', message: 'name 1 to 50 organizations' },
        { field: 'slug', message: 'is the address of another article' },
        { field: 'tags[1]', message: 'use 1 to 40 characters without commas' },
        { field: 'parent_id', message: 'categories go three levels deep' },
        { field: 'title', message: 'use 1 to 200 characters on one line' },
      ]),
    ) as ApiError;
    expect(fieldErrors(e.problem)).toEqual({
      related: 'Choose related articles of this knowledge base from the list.',
      orgs: 'Choose at least one organization.',
      slug: 'Another article already has this address. Choose another.',
      tags: 'Keep each tag to 1–40 characters, separated by commas.',
      parent_id: 'Categories go three levels deep: choose a parent higher up.',
      title: 'Write a title of at most 200 characters, on one line.',
    });
    const other = new Error('no answer');
    expect(kbProblem(other)).toBe(other);
  });
});
