import { describe, expect, it } from 'vitest';
import type { Hit } from './api';
import { plainTitle, suggestedRelated, suggestionTenant } from './suggested';

const hit = (id: string, title_html: string, kind = 'article', tenant_id = 't1'): Hit => ({
  at: '2026-01-01T00:00:00Z',
  id,
  kind,
  label: id,
  snippet_html: '',
  tenant_id,
  title_html,
});

describe('plainTitle', () => {
  it('drops the marks and brings the escapes back', () => {
    expect(plainTitle('Opening a <mark>support</mark> &amp; <mark>ticket</mark>')).toBe('Opening a support & ticket');
    expect(plainTitle('&lt;b&gt; is &quot;bold&quot; &#39;here&#x27;')).toBe('<b> is "bold" \'here\'');
  });
});

describe('suggestedRelated', () => {
  const self = { tenant_id: 't1', id: 'a1' };
  it('leaves out the article itself, other kinds and repeats, three at most', () => {
    const hits = [
      hit('a1', 'Self'),
      hit('x', 'A ticket', 'ticket'),
      hit('a2', '<mark>Two</mark>'),
      hit('a2', 'Two again'),
      hit('a1', 'Same id, system KB', 'article', 'sys'),
      hit('a3', 'Three'),
      hit('a4', 'Four'),
    ];
    expect(suggestedRelated(hits, self)).toEqual([
      { tenant_id: 't1', id: 'a2', title: 'Two' },
      { tenant_id: 'sys', id: 'a1', title: 'Same id, system KB' },
      { tenant_id: 't1', id: 'a3', title: 'Three' },
    ]);
  });
  it('answers nothing when only the article itself matched', () => {
    expect(suggestedRelated([hit('a1', 'Self')], self)).toEqual([]);
  });
});

describe('suggestionTenant', () => {
  it("asks the reader's own tenant for a system KB article, else the article's", () => {
    expect(suggestionTenant('sys', 'acme', 'sys')).toBe('acme');
    expect(suggestionTenant('acme', 'acme', 'sys')).toBe('acme');
    expect(suggestionTenant('other', 'house', null)).toBe('other');
    expect(suggestionTenant('sys', undefined, 'sys')).toBe('sys');
  });
});
