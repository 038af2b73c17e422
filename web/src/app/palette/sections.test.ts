import { describe, expect, it } from 'vitest';
import type { Hit } from '../../search';
import { flatten, paletteSections, seeAllText } from './sections';

const hit = (kind: string, id: string): Hit => ({
  kind,
  id,
  tenant_id: 'acme',
  label: '',
  title_html: id,
  snippet_html: '',
  at: '2026-12-01T10:00:00Z',
});
const go = { kind: 'go' as const, label: 'Go to Tickets', href: '/tickets' };

describe('what the palette lists', () => {
  it('shows recent searches, then places, while nothing is typed', () => {
    const sections = paletteSections({ query: ' ', commands: [go], recent: ['chekout', 'invoice'], hits: [], total: 0 });
    expect(sections.map((s) => s.label)).toEqual(['Recent searches', 'Go to']);
    expect(flatten(sections)).toEqual([
      { type: 'recent', query: 'chekout' },
      { type: 'recent', query: 'invoice' },
      { type: 'command', command: go },
    ]);
  });

  it('shows matching places, then the hits by kind, then “See all”, indexed in that order', () => {
    const sections = paletteSections({
      query: 'tick ',
      commands: [go],
      recent: ['ignored while typing'],
      hits: [hit('article', 'a1'), hit('ticket', 't1'), hit('ticket', 't2')],
      total: 12,
    });
    expect(sections.map((s) => s.label ?? s.id)).toEqual(['Go to', 'Tickets', 'Articles', 'all']);
    expect(sections.flatMap((s) => s.items.map((i) => i.index))).toEqual([0, 1, 2, 3, 4]);
    expect(flatten(sections).map((i) => (i.type === 'hit' ? i.hit.id : i.type))).toEqual(['command', 't1', 't2', 'a1', 'all']);
    expect(flatten(sections)[4]).toEqual({ type: 'all', query: 'tick', total: 12 });
  });

  it('offers no “See all” when the search found nothing', () => {
    expect(paletteSections({ query: 'zzqx', commands: [], recent: [], hits: [], total: 0 })).toEqual([]);
  });

  it('says how many results the page has', () => {
    expect(seeAllText('chekout', 1)).toBe('See the result for “chekout”');
    expect(seeAllText('g', 1234)).toBe('See all 1,234 results for “g”');
  });
});
