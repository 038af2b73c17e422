import { describe, expect, it } from 'vitest';
import { ApiError, errorMessage, fieldErrors, summary, unwrap } from './problem';

const problem = {
  type: 'https://kt-portal.dev/problems/invalid',
  title: 'Some fields are not valid',
  status: 422,
  errors: [
    { field: 'priority', message: 'use one of low, medium, high, critical' },
    { field: 'priority', message: 'second message' },
    { field: 'subject', message: 'use 1 to 200 characters on one line' },
  ],
};

describe('problem+json', () => {
  it('keeps the first message per field, worded for people', () => {
    expect(fieldErrors(problem)).toEqual({
      priority: 'Choose a priority.',
      subject: 'Write a subject of at most 200 characters, on one line.',
    });
  });

  it('summarises what the form does not show', () => {
    expect(summary(problem, ['priority'])).toBe('Write a subject of at most 200 characters, on one line.');
    expect(summary(problem, ['priority', 'subject'])).toBe('Please correct the fields marked below.');
    expect(summary({ type: 'https://kt-portal.dev/problems/not-found', title: 'Not found', status: 404 }, [], 404)).toBe(
      'We couldn’t find that. It may have been removed, or you may not have access to it.',
    );
    expect(summary(undefined, [], 502)).toBe('Something went wrong on our side. Try again in a moment.');
    expect(summary(undefined, [])).toBe('The portal could not be reached. Check your connection and try again.');
  });

  it('says a wrong password in words, not as the 401 title', () => {
    const unauthenticated = { type: 'https://kt-portal.dev/problems/unauthenticated', title: 'Sign in first', status: 401 };
    expect(summary(unauthenticated, ['email', 'password'], 401, undefined, { kind: 'sign-in' })).toMatch(
      /^That email and password don’t match\./,
    );
    expect(summary(unauthenticated, [], 401)).toBe('Your session has ended. Sign in again.');
  });

  it('unwraps data or throws the problem with the wait the server asked for', () => {
    expect(unwrap({ data: 1, response: new Response(null, { status: 200 }) })).toBe(1);
    try {
      unwrap({ error: problem, response: new Response(null, { status: 422 }) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError);
      expect((e as ApiError).problem?.errors).toHaveLength(3);
      expect((e as ApiError).message).toBe('Choose a priority. Write a subject of at most 200 characters, on one line.');
    }
    const limited = { type: 'https://kt-portal.dev/problems/rate-limited', title: 'Too many requests', status: 429 };
    try {
      unwrap({ error: limited, response: new Response(null, { status: 429, headers: { 'Retry-After': '2' } }) });
      expect.unreachable();
    } catch (e) {
      expect((e as ApiError).retryAfter).toBe(2);
      expect((e as ApiError).message).toBe('Too many requests. Wait 2 seconds, then try again.');
      expect(errorMessage(e, { kind: 'sign-in' })).toBe('Too many sign-in attempts. Wait 2 seconds, then try again.');
    }
  });

  it('words errors that are not answers', () => {
    expect(errorMessage(new TypeError('Failed to fetch'))).toBe('The portal could not be reached. Check your connection and try again.');
    expect(errorMessage(new Error('The upload failed (500).'))).toBe('The upload failed (500).');
  });
});
