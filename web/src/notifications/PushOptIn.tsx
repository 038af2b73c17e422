// The "Browser push" panel of the notification settings: turn push on or off in this browser,
// the person's browsers that receive pushes (each removable), and a test push. Which kinds go
// out by push is chosen per kind in the notification settings.
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import { errorMessage, unwrap } from '../api/problem';
import { TextField } from '../ui/Field';
import { ErrorNote, Loading } from '../ui/Page';
import { useResource } from '../ui/useResource';
import {
  BLOCKED,
  DISMISSED,
  LABEL_MAX,
  browserPush,
  isAppleMobile,
  labelFromUserAgent,
  matchDevice,
  pushErrorMessage,
  refusalMessage,
  subscriptionBody,
  testSentMessage,
  type PushDevice,
} from './push';

interface Props {
  /** The level of the panel's heading (its list's heading is one below): 3 inside the notification settings. */
  level?: 2 | 3;
}

/** What this browser holds: checking, no subscription, or one (listed as `device` when the portal knows it). */
type Here = { state: 'checking' } | { state: 'off' } | { state: 'subscribed'; subscription: PushSubscription; device?: PushDevice };

const since = (iso: string) => new Date(iso).toLocaleDateString('en', { dateStyle: 'medium' });

export function PushOptIn({ level = 3 }: Props) {
  const Heading = `h${level}` as 'h2' | 'h3';
  const SubHeading = `h${level + 1}` as 'h3' | 'h4';
  const headingId = useId();
  const panelHeading = useRef<HTMLHeadingElement>(null);
  const listHeading = useRef<HTMLHeadingElement>(null);
  const [supported] = useState(() => browserPush.supported());
  const [permission, setPermission] = useState<NotificationPermission>(() => (supported ? browserPush.permission() : 'default'));
  const settings = useResource(async () => unwrap(await api.GET('/api/v1/notifications/push')), []);
  const [here, setHere] = useState<Here>({ state: 'checking' });
  const [label, setLabel] = useState(() => labelFromUserAgent(navigator.userAgent));
  const [labelError, setLabelError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');

  const devices = settings.data?.devices ?? [];
  const publicKey = settings.data?.public_key ?? '';

  // Which listed browser this one is, each time the list changes.
  useEffect(() => {
    if (!supported || !settings.data) return;
    let live = true;
    (async () => {
      try {
        const subscription = await browserPush.current();
        const device = subscription ? await matchDevice(settings.data!.devices, subscription.endpoint) : undefined;
        if (live) setHere(subscription ? { state: 'subscribed', subscription, device } : { state: 'off' });
      } catch {
        if (live) setHere({ state: 'off' });
      }
    })();
    return () => {
      live = false;
    };
  }, [supported, settings.data]);

  /** Runs one action with the buttons disabled, the messages cleared first. */
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setStatus('');
    setError('');
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };

  const turnOn = (e: Event) => {
    e.preventDefault();
    if (label.trim().length > LABEL_MAX) {
      setLabelError(`Use at most ${LABEL_MAX} characters, on one line.`);
      return;
    }
    setLabelError(undefined);
    return act(async () => {
      // Asked first, while the click still counts as the person's (Safari asks only then).
      let answer: NotificationPermission;
      try {
        answer = await browserPush.requestPermission();
      } catch (e) {
        setError(pushErrorMessage(e));
        return;
      }
      setPermission(answer);
      if (answer !== 'granted') {
        setError(answer === 'denied' ? BLOCKED : DISMISSED);
        return;
      }
      let subscription: PushSubscription;
      try {
        subscription = await browserPush.subscribe(publicKey);
      } catch (e) {
        setError(pushErrorMessage(e));
        return;
      }
      try {
        const body = subscriptionBody(subscription.toJSON(), label);
        unwrap(await api.POST('/api/v1/notifications/push/devices', { body }));
      } catch (e) {
        // The portal will not push to it: the browser lets the subscription go too.
        await subscription.unsubscribe().catch(() => undefined);
        const said = refusalMessage(e);
        setLabelError(said.label);
        setError(said.message ?? (said.label ? 'Please correct the name below.' : ''));
        return;
      }
      await settings.reload();
      setStatus('Push is on in this browser.');
      // The form went with the click: focus stays in the panel.
      panelHeading.current?.focus();
    });
  };

  /** Forgets `device` on the portal; when it is this browser, this browser's subscription too. */
  const remove = (device: PushDevice, thisBrowser: boolean) =>
    act(async () => {
      try {
        if (thisBrowser && here.state === 'subscribed') await here.subscription.unsubscribe().catch(() => undefined);
        const { response, error: problem } = await api.DELETE('/api/v1/notifications/push/devices/{device_id}', {
          params: { path: { device_id: device.id } },
        });
        // Already gone (removed elsewhere) is what was wanted.
        if (!response.ok && response.status !== 404) unwrap({ response, error: problem });
        await settings.reload();
        setStatus(thisBrowser ? 'Push is off in this browser.' : `${device.label} no longer receives pushes.`);
        listHeading.current?.focus();
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  const sendTest = () =>
    act(async () => {
      try {
        const { sent } = unwrap(await api.POST('/api/v1/notifications/push/test'));
        setStatus(testSentMessage(sent, devices.length));
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  const thisDevice = here.state === 'subscribed' ? here.device : undefined;

  const thisBrowser = () => {
    if (!supported) {
      return (
        <p>
          This browser cannot receive push notifications.{' '}
          {isAppleMobile(navigator.userAgent)
            ? 'On an iPhone or iPad, add the portal to your Home Screen (Share › Add to Home Screen), open it from there, and turn push on in its settings.'
            : 'Use a current version of Chrome, Edge, Firefox or Safari to get them.'}
        </p>
      );
    }
    if (!publicKey) return <p>Browser push is not set up on this portal.</p>;
    if (here.state === 'checking') return <Loading label="Checking this browser…" />;
    if (thisDevice) {
      return (
        <div class="actions">
          <p style={{ margin: 0, flex: '1 1 16rem' }}>
            <strong>Push is on in this browser</strong> (listed as “{thisDevice.label}”).
          </p>
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => remove(thisDevice, true)}>
            Turn off in this browser
          </button>
        </div>
      );
    }
    return (
      <>
        <p>Push is off in this browser.</p>
        {permission === 'denied' && !error && <p class="alert alert--error">{BLOCKED}</p>}
        <form class="form form--inline" onSubmit={turnOn} noValidate>
          <TextField
            label="Name for this browser"
            name="push-label"
            hint="How it appears in your list of browsers."
            value={label}
            maxLength={LABEL_MAX}
            autoComplete="off"
            onValue={(v) => {
              setLabel(v);
              setLabelError(undefined);
            }}
            error={labelError}
          />
          <button class="button" type="submit" disabled={busy}>
            Turn on push in this browser
          </button>
        </form>
      </>
    );
  };

  return (
    <section
      class={level === 2 ? 'panel' : undefined}
      aria-labelledby={headingId}
      style={level === 2 ? undefined : { marginBottom: '1.5rem' }}
    >
      <Heading id={headingId} ref={panelHeading} tabIndex={-1}>
        Browser push
      </Heading>
      <p class="muted">
        Pushes show your notifications on this device even when the portal is closed. Choose which kinds arrive by push in the “Browser
        push” column {level === 3 ? 'below' : 'of the notification settings'}.
      </p>
      {settings.error && !settings.data && <ErrorNote error={settings.error} />}
      <div role="alert">{error && <p class="alert alert--error">{error}</p>}</div>
      {!settings.data ? (
        !settings.error && <Loading />
      ) : (
        <>
          {thisBrowser()}
          <SubHeading ref={listHeading} tabIndex={-1} style={{ marginTop: '1rem' }}>
            Your browsers
          </SubHeading>
          {devices.length ? (
            <ul class="list" aria-label="Browsers that receive your pushes">
              {devices.map((d) => (
                <li key={d.id} class="actions" style={{ justifyContent: 'space-between' }}>
                  <div style={{ minWidth: 0 }}>
                    <strong>{d.label}</strong> {d.id === thisDevice?.id && <span class="badge">This browser</span>}
                    <div class="muted">
                      {d.service ? `via ${d.service} · ` : ''}since {since(d.created_at)}
                    </div>
                  </div>
                  <button
                    type="button"
                    class="button button--small button--secondary"
                    disabled={busy}
                    onClick={() => remove(d, d.id === thisDevice?.id)}
                  >
                    Remove<span class="visually-hidden"> {d.label}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">No browser receives your pushes yet.</p>
          )}
          {devices.length > 0 && (
            <button type="button" class="button button--secondary" disabled={busy} onClick={sendTest}>
              Send a test push
            </button>
          )}
        </>
      )}
      <p class="muted" role="status">
        {status}
      </p>
    </section>
  );
}
