import { describe, expect, it } from 'vitest';
import { answerErrors, fieldLabel, pageIndex } from './fill';

describe('filling a form', () => {
  it('reads the server’s errors on answers by field key, first message each', () => {
    const problem = {
      type: 'about:blank',
      title: 'Unprocessable',
      status: 422,
      errors: [
        { field: 'answers.email', message: 'must be an email address' },
        { field: 'answers.email', message: 'is required' },
        { field: 'answers.budget', message: 'must be at least 100.' },
        { field: 'name', message: 'other' },
      ],
    };
    expect(answerErrors(problem)).toEqual({ email: 'must be an email address', budget: 'must be at least 100' });
    expect(answerErrors(undefined)).toEqual({});
  });

  it('names a field by its label, else its key', () => {
    expect(fieldLabel({ key: 'email', label: ' Your email ' })).toBe('Your email');
    expect(fieldLabel({ key: 'email', label: '' })).toBe('email');
  });

  it('finds the page on the path, the first when it was skipped', () => {
    expect(pageIndex(['a', 'c'], 'c')).toBe(1);
    expect(pageIndex(['a', 'c'], 'b')).toBe(0);
  });
});
