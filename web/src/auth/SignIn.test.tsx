import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { LocationProvider } from 'preact-iso';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ POST: vi.fn(), GET: vi.fn() }));
vi.mock('../api/client', () => ({ api, XHR: {}, onSignedOut: () => () => {} }));

import SignIn from './SignIn';

const answer = (status: number, error: unknown, headers: Record<string, string> = {}) => ({
  data: undefined,
  error,
  response: new Response(null, { status, headers }),
});

afterEach(() => vi.resetAllMocks());

function signIn() {
  render(
    <LocationProvider>
      <SignIn />
    </LocationProvider>,
  );
  fireEvent.input(screen.getByLabelText('Email'), { target: { value: 'drew@directclient.test' } });
  fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignIn', () => {
  it('says a wrong password in words, not as the API’s 401 title', async () => {
    api.POST.mockResolvedValue(
      answer(401, { type: 'https://kt-portal.dev/problems/unauthenticated', title: 'Sign in first', status: 401 }),
    );
    signIn();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^That email and password don’t match\./));
    expect(screen.queryByText('Sign in first')).toBeNull();
  });

  it('says how long to wait when sign-in is throttled', async () => {
    const limited = { type: 'https://kt-portal.dev/problems/rate-limited', title: 'Too many requests', status: 429 };
    api.POST.mockResolvedValue(answer(429, limited, { 'Retry-After': '8' }));
    signIn();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many sign-in attempts. Wait 8 seconds, then try again.'));
  });
});
