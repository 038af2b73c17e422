// The person's notification settings: push in this browser (PushOptIn); for each kind, which
// channels (in the portal, email, text message, browser push) and how email comes (at once or in
// a digest), each their own choice or the default; where texts and pushes go; their time zone
// and quiet hours; and what happened to their recent notifications. The grid saves at once.
import { useMemo } from 'preact/hooks';
import { api } from '../api/client';
import { unwrap } from '../api/problem';
import { KindGrid } from '../notifications/KindGrid';
import type { Preferences } from '../notifications/preferences';
import { PushOptIn } from '../notifications/PushOptIn';
import { QuietHours } from '../notifications/QuietHours';
import { RecentDeliveries } from '../notifications/RecentDeliveries';
import { createQueue, useKindEditor, type Queue } from '../notifications/useKindEditor';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';

const load = async () => unwrap(await api.GET('/api/v1/notifications/preferences'));

export function NotificationSettings() {
  const prefs = useResource(load, []);
  // The grid and the quiet-hours form write the same settings: one save at a time.
  const queue = useMemo(createQueue, []);
  return (
    <section class="panel notification-settings" aria-labelledby="prefs-heading">
      <h2 id="prefs-heading">Notifications</h2>
      <PushOptIn />
      {prefs.error ? (
        <ErrorNote error={prefs.error} />
      ) : !prefs.data ? (
        <Loading />
      ) : (
        <>
          <Kinds prefs={prefs.data} queue={queue} onSaved={prefs.setData} />
          <QuietHours prefs={prefs.data} queue={queue} onSaved={prefs.setData} />
        </>
      )}
      <RecentDeliveries />
    </section>
  );
}

interface KindsProps {
  prefs: Preferences;
  queue: Queue;
  onSaved: (prefs: Preferences) => void;
}

function Kinds({ prefs, queue, onSaved }: KindsProps) {
  const editor = useKindEditor({
    initial: prefs.kinds,
    scope: 'person',
    queue,
    send: async (change) => {
      const next = unwrap(await api.PATCH('/api/v1/notifications/preferences', { body: change }));
      onSaved(next);
      return next.kinds;
    },
    load: async () => {
      const next = await load();
      onSaved(next);
      return next.kinds;
    },
  });
  const devices = prefs.push_devices;
  return (
    <section class="kinds" aria-labelledby="kinds-heading">
      <h3 id="kinds-heading">What you hear about, and how</h3>
      <p class="muted">
        Each kind follows the default until you change it; changes are saved at once. A digest gathers the emails of an hour, a day or a
        week into one.
      </p>
      {editor.error && (
        <p class="alert alert--error" role="alert">
          {editor.error}
        </p>
      )}
      <KindGrid editor={editor} scope="person" caption="Notifications by kind and channel" notes={{ sms: 'sms-note', push: 'push-note' }} />
      <p class="muted" role="status">
        {editor.status}
      </p>
      <p class="field__hint" id="sms-note">
        {prefs.phone_hint
          ? `Text messages go to ${prefs.phone_hint}, the phone verified for two-step sign-in.`
          : 'No phone is verified for two-step sign-in, so no text messages can be sent yet. Set up text-message codes under two-step sign-in to receive them.'}
      </p>
      <p class="field__hint" id="push-note">
        {devices === 0
          ? 'No browser has push turned on yet: nothing is pushed until you turn it on under “Browser push” above, in each browser you want pushes in.'
          : `Pushes go to the ${devices === 1 ? 'browser' : `${devices} browsers`} with push turned on.`}
      </p>
    </section>
  );
}
