// Signed-in devices, each revocable, and "sign out everywhere".
import { useLocation } from 'preact-iso';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { me } from '../app/session';
import { formatDateTime, timeAgo } from '../ui/format';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';

export function Sessions() {
  const sessions = useResource(async () => unwrap(await api.GET('/api/v1/auth/sessions')), []);
  const { route } = useLocation();

  const revoke = async (id: string, current: boolean) => {
    await api.DELETE('/api/v1/auth/sessions/{session_id}', { params: { path: { session_id: id } } });
    if (current) {
      me.value = null;
      route('/sign-in');
    } else await sessions.reload();
  };
  const revokeAll = async () => {
    await api.POST('/api/v1/auth/sessions/revoke-all');
    me.value = null;
    route('/sign-in');
  };

  return (
    <section class="panel" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Where you are signed in</h2>
      {sessions.error && <ErrorNote error={sessions.error} />}
      {!sessions.data ? (
        !sessions.error && <Loading />
      ) : (
        <>
          <ul class="list">
            {sessions.data.map((s) => (
              <li key={s.id} class="actions" style={{ justifyContent: 'space-between' }}>
                <div>
                  <strong>{s.user_agent ?? 'Unknown device'}</strong> {s.current && <span class="badge">This device</span>}
                  <div class="muted">
                    {s.ip ?? 'unknown address'} · signed in {formatDateTime(s.created_at)} · last used {timeAgo(s.last_used_at)}
                  </div>
                </div>
                <button type="button" class="button button--small button--secondary" onClick={() => revoke(s.id, s.current)}>
                  {s.current ? 'Sign out here' : 'Revoke'}
                </button>
              </li>
            ))}
          </ul>
          <button type="button" class="button button--danger" onClick={revokeAll}>
            Sign out everywhere
          </button>
        </>
      )}
    </section>
  );
}
