// Per-kind notification settings: in the portal and by email.
import { useState } from 'preact/hooks';
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { kindLabel } from '../notifications/kinds';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';

type KindSetting = Schemas['KindSetting'];

export function NotificationSettings() {
  const prefs = useResource(async () => unwrap(await api.GET('/api/v1/notifications/preferences')), []);
  const [status, setStatus] = useState('');

  const change = async (setting: KindSetting) => {
    setStatus('Saving…');
    try {
      prefs.setData(unwrap(await api.PUT('/api/v1/notifications/preferences', { body: { kinds: [setting] } })));
      setStatus('Saved.');
    } catch (e) {
      setStatus(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section class="panel" aria-labelledby="prefs-heading">
      <h2 id="prefs-heading">Notifications</h2>
      {prefs.error && <ErrorNote error={prefs.error} />}
      {!prefs.data ? (
        !prefs.error && <Loading />
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">In the portal</th>
                <th scope="col">Email</th>
              </tr>
            </thead>
            <tbody>
              {prefs.data.kinds.map((k) => (
                <tr key={k.kind}>
                  <th scope="row">{kindLabel(k.kind)}</th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${kindLabel(k.kind)} in the portal`}
                      checked={k.in_app}
                      onChange={(e) => change({ ...k, in_app: e.currentTarget.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${kindLabel(k.kind)} by email`}
                      checked={k.email}
                      onChange={(e) => change({ ...k, email: e.currentTarget.checked })}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted" role="status">
        {status}
      </p>
    </section>
  );
}
