import { describe, expect, it } from 'vitest';
import { ApiError, fieldErrors, summary, unwrap } from './problem';

const problem = {
  type: 'https://kt-portal.dev/problems/invalid',
  title: 'Some fields are not valid',
  status: 422,
  errors: [
    { field: 'priority', message: 'use one of low, medium, high, critical' },
    { field: 'priority', message: 'second message' },
    { field: 'X-Requested-With', message: 'is required' },
  ],
};

describe('problem+json', () => {
  it('keeps the first message per field', () => {
    expect(fieldErrors(problem)).toEqual({ priority: 'use one of low, medium, high, critical', 'X-Requested-With': 'is required' });
  });

  it('summarises what the form does not show', () => {
    expect(summary(problem, ['priority'])).toBe('X-Requested-With: is required');
    expect(summary(problem, ['priority', 'X-Requested-With'])).toBe('Some fields are not valid');
    expect(summary({ type: 'x', title: 'Not found', status: 404 }, [])).toBe('Not found');
    expect(summary(undefined, [], 502)).toBe('Something went wrong (502).');
  });

  it('unwraps data or throws the problem', () => {
    expect(unwrap({ data: 1, response: new Response(null, { status: 200 }) })).toBe(1);
    try {
      unwrap({ error: problem, response: new Response(null, { status: 422 }) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).problem?.errors).toHaveLength(3);
    }
  });
});
