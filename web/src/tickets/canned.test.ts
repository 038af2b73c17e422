import { describe, expect, it } from 'vitest';
import { insertCanned, matchCanned, shortcutQuery } from './canned';

const items = [
  { id: '1', title: 'Fixed, please confirm', shortcut: 'fixed', body: 'Hi Dana, ACME-1001 is fixed.' },
  { id: '2', title: 'Need more details', shortcut: 'details', body: 'Could you tell us more?' },
  { id: '3', title: 'Fix deployed tonight', shortcut: 'fixdeploy', body: 'The fix goes out tonight.' },
  { id: '4', title: 'Billing questions go to accounts', shortcut: null, body: 'Accounts will answer.' },
  { id: '5', title: 'Prefix', shortcut: 'f', body: 'F.' },
];

describe('shortcutQuery', () => {
  it('reads "/word" at the start of the box while the caret is in it', () => {
    expect(shortcutQuery('/')).toBe('');
    expect(shortcutQuery('/fix')).toBe('fix');
    expect(shortcutQuery('/FiX')).toBe('fix');
    expect(shortcutQuery('/fix more text', 4)).toBe('fix');
    expect(shortcutQuery('/fix-it_2')).toBe('fix-it_2');
  });

  it('ignores a slash elsewhere, after a space, or a caret past the word', () => {
    expect(shortcutQuery('see /fix')).toBeUndefined();
    expect(shortcutQuery(' /fix')).toBeUndefined();
    expect(shortcutQuery('/fix more', 9)).toBeUndefined();
    expect(shortcutQuery('/fix', 2)).toBeUndefined(); // the caret is inside the word
    expect(shortcutQuery('/fi.x')).toBeUndefined();
    expect(shortcutQuery('')).toBeUndefined();
    expect(shortcutQuery('https://x')).toBeUndefined();
  });
});

describe('matchCanned', () => {
  it('puts the exact shortcut first, then shortcut prefixes, then title words, then anywhere', () => {
    expect(matchCanned('fix', items).map((c) => c.id)).toEqual(['3', '1', '5']);
    expect(matchCanned('fixed', items).map((c) => c.id)).toEqual(['1']);
    expect(matchCanned('f', items).map((c) => c.id)).toEqual(['5', '3', '1']);
    expect(matchCanned('billing', items).map((c) => c.id)).toEqual(['4']);
    expect(matchCanned('tail', items).map((c) => c.id)).toEqual(['2']);
  });

  it('offers everything for an empty query (those with shortcuts first) and nothing for no match', () => {
    expect(matchCanned('', items).map((c) => c.id)).toEqual(['3', '1', '2', '5', '4']);
    expect(matchCanned('/', items)).toHaveLength(5);
    expect(matchCanned('zzz', items)).toEqual([]);
    expect(matchCanned('', items, 2)).toHaveLength(2);
  });
});

describe('insertCanned', () => {
  it('replaces the shortcut being typed, keeping what follows it', () => {
    expect(insertCanned('/fix', 4, 'Hi Dana.')).toEqual({ text: 'Hi Dana.', caret: 8 });
    expect(insertCanned('/fi thanks', 3, 'Hi.')).toEqual({ text: 'Hi. thanks', caret: 3 });
    expect(insertCanned('/fi\nthanks', 3, 'Hi.')).toEqual({ text: 'Hi.\nthanks', caret: 3 });
  });

  it('inserts at the caret, after a blank line when there is text before', () => {
    expect(insertCanned('', 0, 'Hi.')).toEqual({ text: 'Hi.', caret: 3 });
    expect(insertCanned('Thanks', 6, 'Hi.')).toEqual({ text: 'Thanks\n\nHi.', caret: 11 });
    expect(insertCanned('Thanks\n', 7, 'Hi.')).toEqual({ text: 'Thanks\n\nHi.', caret: 11 });
    expect(insertCanned('A\n\nB', 3, 'Hi.')).toEqual({ text: 'A\n\nHi.B', caret: 6 });
    expect(insertCanned('Thanks', 0, 'Hi.')).toEqual({ text: 'Hi.Thanks', caret: 3 });
  });
});
