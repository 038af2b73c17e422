// Where the link that confirms one's address lands (/auth/confirm-address?token=...), mailed when
// mail to the address had stopped (it bounced, or was reported as spam): redeeming it starts mail
// to the address again. No sign-in needed (the link is the proof); a used or expired link is said,
// with the way to ask for a new one.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, XHR } from '../api/client';
import { ApiError, errorMessage, unwrap } from '../api/problem';
import { me } from '../app/session';
import { AuthCard } from './AuthCard';

type State = { step: 'confirming' } | { step: 'done' } | { step: 'failed'; expired: boolean; message: string };

/** Where to ask for a new link: the account settings (signing in first when needed). */
const SETTINGS = '/sign-in?next=%2Fsettings';

export default function ConfirmAddress() {
  const { query } = useLocation();
  const token = query.token ?? '';
  const [state, setState] = useState<State>({ step: 'confirming' });

  useEffect(() => {
    if (!token) return;
    api
      .POST('/api/v1/auth/mail-address/confirmed', { params: XHR, body: { token } })
      .then((r) => {
        unwrap(r);
        setState({ step: 'done' });
      })
      .catch((e: unknown) =>
        setState({ step: 'failed', expired: e instanceof ApiError && (e.status === 401 || e.status === 422), message: errorMessage(e) }),
      );
  }, [token]);

  const signedIn = !!me.value;
  if (!token || (state.step === 'failed' && state.expired)) {
    return (
      <AuthCard title="This link does not work">
        <p>
          {token
            ? 'This link was already used, or it expired: links to confirm your address work once, for 24 hours.'
            : 'The link is incomplete.'}{' '}
          Ask for a new one from your account settings, under the notice that mail to you stopped.
        </p>
        <p>
          <a href={signedIn ? '/settings' : SETTINGS}>{signedIn ? 'Go to your account settings' : 'Sign in to ask for a new link'}</a>
        </p>
      </AuthCard>
    );
  }
  if (state.step === 'failed') {
    return (
      <AuthCard title="Your address is not confirmed yet">
        <p role="alert">{state.message}</p>
        <p>
          <a href={signedIn ? '/' : '/sign-in'}>{signedIn ? 'Go to the portal' : 'Go to sign-in'}</a>
        </p>
      </AuthCard>
    );
  }
  if (state.step === 'done') {
    return (
      <AuthCard title="Address confirmed">
        <p role="status">Your address is confirmed: mail to it starts again.</p>
        <p>
          <a href={signedIn ? '/' : '/sign-in'}>{signedIn ? 'Go to the portal' : 'Sign in'}</a>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Confirming your address">
      <p role="status">One moment…</p>
    </AuthCard>
  );
}
