import { describe, expect, it } from 'vitest';
import type { Diff, DiffLine } from './api';
import { diffSummary, fieldLabel, fieldValue, hunkTitle, latestPair, pairFrom, rowsOf, type Names } from './diff';

const line = (tag: string, text: string, old: number | null, now: number | null): DiffLine => ({ tag, text, old, new: now });
const HUNK = [
  line('equal', '# Hi', 1, 1),
  line('delete', 'Some *text*', 2, null),
  line('insert', 'Some more text', null, 2),
  line('equal', '', 3, 3),
];

const names: Names = {
  category: (id) => ({ c1: 'Billing' })[id],
  org: (id) => ({ o1: 'Globex', o2: 'Initech' })[id],
  article: (id) => ({ a1: 'Reset your password' })[id],
  system: false,
};

describe('a comparison as the history shows it', () => {
  it('marks each line with a symbol and a word, not only a colour', () => {
    expect(rowsOf(HUNK)).toEqual([
      { change: 'equal', sign: '', said: 'Unchanged', old: '1', new: '1', text: '# Hi' },
      { change: 'delete', sign: '−', said: 'Removed', old: '2', new: '', text: 'Some *text*' },
      { change: 'insert', sign: '+', said: 'Added', old: '', new: '2', text: 'Some more text' },
      { change: 'equal', sign: '', said: 'Unchanged', old: '3', new: '3', text: '' },
    ]);
    expect(rowsOf([line('replace?', 'x', 1, 1)])[0].change).toBe('equal');
  });

  it('captions a hunk with its lines in both versions', () => {
    expect(hunkTitle(HUNK, 1, 2)).toBe('Lines 1–3 of version 1, 1–3 of version 2');
    expect(hunkTitle([line('insert', 'new', null, 7)], 4, 5)).toBe('Lines 7 of version 5');
  });

  it('names the settings and their values in words', () => {
    expect(fieldLabel('category_id')).toBe('Category');
    expect(fieldLabel('access')).toBe('Who can read it');
    expect(fieldLabel('some_new_field')).toBe('some new field');
    expect(fieldValue('category_id', 'c1', names)).toBe('Billing');
    expect(fieldValue('category_id', 'c9', names)).toBe('A category since removed');
    expect(fieldValue('category_id', '', names)).toBe('(none)');
    expect(fieldValue('access', 'clients: o1, o2', names)).toBe('Chosen client organizations: Globex, Initech');
    expect(fieldValue('access', 'internal', names)).toBe('Internal: staff only');
    expect(fieldValue('related', 'a1, a2', names)).toBe('Reset your password, an article you cannot open');
    expect(fieldValue('tags', 'setup, intro', names)).toBe('setup, intro');
  });

  it('sums up what changed for a screen reader', () => {
    const d = { from: 1, to: 2, fields: [{ field: 'title', before: 'a', after: 'b' }], hunks: [HUNK] } as Diff;
    expect(diffSummary(d)).toBe('Version 1 to 2: 1 setting and 2 lines changed.');
    expect(diffSummary({ from: 2, to: 3, fields: [], hunks: [] })).toBe('Versions 2 and 3 are the same.');
  });

  it('compares the newest two unless the address names two known versions', () => {
    const versions = [{ number: 3 }, { number: 2 }, { number: 1 }];
    expect(latestPair(versions)).toEqual({ from: 2, to: 3 });
    expect(latestPair([{ number: 1 }])).toBeNull();
    expect(pairFrom({ from: '3', to: '1' }, versions)).toEqual({ from: 1, to: 3 });
    expect(pairFrom({ from: '1', to: '9' }, versions)).toEqual({ from: 2, to: 3 });
    expect(pairFrom({ from: '2', to: '2' }, versions)).toEqual({ from: 2, to: 3 });
  });
});
