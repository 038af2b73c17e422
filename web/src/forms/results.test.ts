import { describe, expect, it } from 'vitest';
import { answerFields, answerText, share } from './results';
import type { Field } from './types';

describe('reading results', () => {
  it('gives shares in percent with one decimal', () => {
    expect(share(5, 8)).toBe('62.5 %');
    expect(share(1, 3)).toBe('33.3 %');
    expect(share(0, 0)).toBe('—');
  });

  it('writes answers as people read them', () => {
    const colour: Field = { key: 'c', type: 'checkboxes', options: [{ value: 'r', label: 'Red' }, { value: 'g' }] };
    expect(answerText(colour, ['r', 'g'])).toBe('Red, g');
    expect(answerText({ key: 't', type: 'toggle' }, true)).toBe('Yes');
    expect(answerText({ key: 'm', type: 'matrix' }, { Speed: 'Good' })).toBe('Speed: Good');
    expect(answerText({ key: 'a', type: 'address' }, { line1: '1 Main St', city: 'Leeds' })).toBe('1 Main St\nLeeds');
    expect(answerText(undefined, undefined)).toBe('');
  });

  it('lists the fields that hold answers', () => {
    const doc = {
      pages: [
        {
          key: 'p',
          fields: [
            { key: 's', type: 'section' as const },
            { key: 'n', type: 'number' as const },
          ],
        },
      ],
    };
    expect(answerFields(doc).map((f) => f.key)).toEqual(['n']);
  });
});
