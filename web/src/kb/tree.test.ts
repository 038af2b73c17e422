import { describe, expect, it } from 'vitest';
import type { ArticleSummary, Category } from './api';
import { buildTree, flatten, groupByCategory, parentChoices, pathTo, subtree } from './tree';

const cat = (id: string, parent: string | null, position = 100, name = id) =>
  ({ id, parent_id: parent, name, position, depth: 1, description: '', slug: id, etag: '"1"' }) as Category;
const art = (id: string, category: string | null) =>
  ({ id, title: id, category_id: category, tags: [], summary: '' }) as unknown as ArticleSummary;

// Billing > Invoices > Reminders, Billing > Payments, Getting started (listed first by position).
const CATS = [
  cat('payments', 'billing', 20, 'Payments'),
  cat('billing', null, 10, 'Billing'),
  cat('reminders', 'invoices', 100, 'Reminders'),
  cat('invoices', 'billing', 10, 'Invoices'),
  cat('start', null, 5, 'Getting started'),
];

describe('the category tree', () => {
  it('nests three levels, siblings by position then name', () => {
    const flat = flatten(buildTree(CATS));
    expect(flat.map((f) => [f.path, f.level])).toEqual([
      ['Getting started', 1],
      ['Billing', 1],
      ['Billing / Invoices', 2],
      ['Billing / Invoices / Reminders', 3],
      ['Billing / Payments', 2],
    ]);
  });

  it('orders equal positions by name and keeps a category whose parent is gone', () => {
    const flat = flatten(buildTree([cat('b', null, 1, 'Beta'), cat('a', null, 1, 'Alpha'), cat('lost', 'gone', 0, 'Lost')]));
    expect(flat.map((f) => f.path)).toEqual(['Lost', 'Alpha', 'Beta']);
  });

  it('gives the breadcrumb from the top and what is under a category', () => {
    expect(pathTo(CATS, 'reminders').map((c) => c.name)).toEqual(['Billing', 'Invoices', 'Reminders']);
    expect(pathTo(CATS, 'unknown')).toEqual([]);
    expect(pathTo(CATS, null)).toEqual([]);
    expect([...subtree(CATS, 'billing')].sort()).toEqual(['billing', 'invoices', 'payments', 'reminders']);
  });

  it('never offers a category as its own parent, nor one under it', () => {
    const billing = CATS.find((c) => c.id === 'billing')!;
    expect(parentChoices(CATS, billing).map((f) => f.category.id)).toEqual(['start']);
    expect(parentChoices(CATS).length).toBe(CATS.length);
  });
});

describe('articles by category', () => {
  const articles = [art('a1', 'invoices'), art('a2', 'start'), art('a3', null), art('a4', 'reminders'), art('a5', 'gone')];

  it('groups them in the tree’s order, empty categories left out, the rest last', () => {
    expect(groupByCategory(articles, CATS).map((g) => [g.path, g.articles.map((a) => a.id)])).toEqual([
      ['Getting started', ['a2']],
      ['Billing / Invoices', ['a1']],
      ['Billing / Invoices / Reminders', ['a4']],
      ['Other articles', ['a3', 'a5']],
    ]);
  });

  it('narrows to a category and those under it', () => {
    expect(groupByCategory(articles, CATS, 'invoices').map((g) => g.articles.map((a) => a.id))).toEqual([['a1'], ['a4']]);
  });
});
