import { fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';

const api = vi.hoisted(() => ({ POST: vi.fn() }));
vi.mock('../api/client', () => ({ api, XHR: {} }));

import { ChallengeStep } from './ChallengeStep';

const refused = {
  data: undefined,
  error: { type: 'https://kt-portal.dev/problems/unauthenticated', title: 'Sign in first', status: 401 },
  response: new Response(null, { status: 401 }),
};
const throttled = {
  data: undefined,
  error: { type: 'https://kt-portal.dev/problems/rate-limited', title: 'Too many requests', status: 429 },
  response: new Response(null, { status: 429, headers: { 'Retry-After': '4' } }),
};
const challenge = { challenge: 'c.s', methods: ['totp'], enrol: false, phone_hint: null, expires_in: 600 };

afterEach(() => vi.resetAllMocks());

function verify(code: string) {
  fireEvent.input(screen.getByLabelText('Code from your authenticator app'), { target: { value: code } });
  fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
}

describe('ChallengeStep', () => {
  it('says a refused code in words, counts the tries left, and offers to start over after the last', async () => {
    const restart = vi.fn();
    render(<ChallengeStep challenge={challenge as never} onPassed={() => {}} onRestart={restart} />);
    api.POST.mockResolvedValue(refused);

    verify('000000');
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('That code didn’t work. Check it and try again (4 tries left).'),
    );

    api.POST.mockResolvedValueOnce(throttled);
    verify('000001');
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe('Too many wrong codes in a row. Wait 4 seconds, then try again.'),
    );

    for (const left of [3, 2, 1]) {
      verify('000002');
      await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(`(${left} ${left === 1 ? 'try' : 'tries'} left)`));
    }
    verify('000003');
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'That code didn’t work, and it was the last try for this sign-in. Start over to get a new one.',
      ),
    );
    expect(screen.queryByRole('button', { name: 'Verify' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Start over' }));
    expect(restart).toHaveBeenCalled();
  });
});
