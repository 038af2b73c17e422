// Browser push (Web Push) in this browser: whether it can, the key and label to subscribe with,
// which of the person's listed browsers this one is, and the words for what went wrong. The
// browser's own objects are reached only through `browserPush`, which tests replace.
import type { Schemas } from '../api/client';
import { ApiError, errorMessage, fieldErrors } from '../api/problem';

export type PushDevice = Schemas['PushDeviceView'];

/** The longest label the server keeps (kt_app::notifications::push::subscribe). */
export const LABEL_MAX = 80;

/** Service workers, the Push API and notifications: all three, or push cannot work here. */
export function pushSupported(nav: object = navigator, win: object = window): boolean {
  return 'serviceWorker' in nav && 'PushManager' in win && 'Notification' in win;
}

/** A base64url string (padded or not, as VAPID public keys come) as its bytes. */
export function base64UrlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.trim().replace(/=+$/, '');
  if (!/^[A-Za-z0-9_-]*$/.test(clean) || clean.length % 4 === 1) throw new Error('The push key of this portal cannot be read.');
  const base64 = clean.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (clean.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Whether a subscription's key (`PushSubscription.options.applicationServerKey`) is `key`. */
export function sameKey(held: ArrayBuffer | null | undefined, key: Uint8Array): boolean {
  if (!held) return false;
  const a = new Uint8Array(held);
  return a.length === key.length && a.every((b, i) => b === key[i]);
}

// Most specific first: Edge, Opera and Samsung Internet also say "Chrome"; Chrome also says "Safari".
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera|OPT)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bVivaldi\//, 'Vivaldi'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\bChromium\//, 'Chromium'],
  [/\b(HeadlessChrome|Chrome|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\b(Macintosh|Mac OS X)\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** A name for this browser from its user agent: "Firefox on Linux", "Safari on iPhone". */
export function labelFromUserAgent(ua: string): string {
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? (system ? `Browser on ${system}` : 'This browser');
}

/** Whether the user agent is an iPhone's or iPad's, where push needs the portal on the Home Screen. */
export const isAppleMobile = (ua: string) => /\b(iPhone|iPad|iPod)\b/.test(ua);

/**
 * The id the server gives the browser of `endpoint`: the first 16 bytes of the endpoint's
 * SHA-256, in hex (kt_app::notifications::push::device_id).
 */
export async function deviceIdFor(endpoint: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(endpoint));
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The listed browser whose subscription is `endpoint` (this browser's), if it is listed. */
export async function matchDevice(devices: readonly PushDevice[], endpoint: string | null | undefined): Promise<PushDevice | undefined> {
  if (!endpoint) return undefined;
  const id = await deviceIdFor(endpoint);
  let host = '';
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  return devices.find((d) => d.id === id && (!d.service || d.service === host));
}

/** "1 browser", "3 browsers". */
export const browsers = (n: number) => `${n} browser${n === 1 ? '' : 's'}`;

/** What the test push did, to say after sending it. */
export function testSentMessage(sent: number, listed: number): string {
  if (sent === 0)
    return listed ? 'No browser took the test push. Their push services may be unreachable; try again later.' : 'Sent to 0 browsers.';
  const missed = listed - sent;
  return missed > 0 ? `Sent to ${browsers(sent)}; ${browsers(missed)} did not take it.` : `Sent to ${browsers(sent)}.`;
}

/** How to allow notifications again once this browser blocks them for the portal. */
export const BLOCKED =
  'Notifications are blocked for this portal in this browser. To allow them, open the site settings (the icon at the left of the address bar, or Settings › Site settings › Notifications on a phone), set Notifications to Allow, then reload this page.';

export const DISMISSED =
  'The browser did not get your permission to show notifications. Choose “Turn on push in this browser” again and allow them.';

/** A failure of the browser's side of turning push on (permission, service worker, push service). */
export class PushSetupError extends Error {}

/** What to say about an error of turning push on or off in this browser. */
export function pushErrorMessage(e: unknown): string {
  if (e instanceof PushSetupError) return e.message;
  const name = e instanceof Error || (typeof e === 'object' && e !== null && 'name' in e) ? String((e as { name: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
      return BLOCKED;
    case 'AbortError':
    case 'NetworkError':
      return 'This browser could not reach its push service, so push is not on. Check your connection and try again; in a private window, or with the browser’s push service turned off, push cannot work.';
    case 'NotSupportedError':
      return 'This browser cannot receive push notifications from this portal.';
    case 'InvalidStateError':
      return 'This browser holds an older push subscription it could not replace. Reload the page and try again.';
    case 'SecurityError':
      return 'The browser did not let this page set up push. Open the portal at its own https:// address and try again.';
    default:
      return `This browser could not turn push on${e instanceof Error && e.message ? ` (${e.message})` : ''}. Reload the page and try again.`;
  }
}

/** The body to send for a subscription (`PushSubscription.toJSON()`), with the label. */
export function subscriptionBody(json: PushSubscriptionJSON, label: string): Schemas['PushSubscriptionBody'] {
  const { endpoint, keys, expirationTime } = json;
  if (!endpoint || !keys?.p256dh || !keys.auth)
    throw new PushSetupError('The browser gave an incomplete push subscription. Reload the page and try again.');
  const trimmed = label.trim();
  return { endpoint, expirationTime: expirationTime ?? null, keys: { p256dh: keys.p256dh, auth: keys.auth }, label: trimmed || null };
}

/**
 * What to say when the portal refused this browser's subscription: next to the label when the
 * label is at fault, otherwise above the form.
 */
export function refusalMessage(e: unknown): { label?: string; message?: string } {
  if (!(e instanceof ApiError)) return { message: errorMessage(e) };
  if (e.status === 409)
    return { message: 'Push is on in 10 browsers already, the most the portal keeps. Remove one of them below, then try again.' };
  if (e.status !== 422) return { message: errorMessage(e) };
  const fields = fieldErrors(e.problem);
  const endpoint = e.problem?.errors?.find((f) => f.field === 'endpoint')?.message ?? '';
  if (/not set up/.test(endpoint)) return { message: 'Browser push is not set up on this portal.' };
  if (endpoint)
    return {
      message: 'This browser’s push service is not one the portal sends to, so push cannot be turned on here. Try another browser.',
    };
  if (Object.keys(fields).some((f) => f.startsWith('keys'))) {
    return { message: 'The browser gave a push subscription the portal cannot use. Reload the page and try again.' };
  }
  if (fields.label) return { label: `Use at most ${LABEL_MAX} characters, on one line.` };
  return { message: errorMessage(e) };
}

/** Resolves `promise`, or rejects with `message` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new PushSetupError(message)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/** This browser's side of push: the one place that touches the service worker and Push APIs. */
export const browserPush = {
  supported: () => pushSupported(),

  /** 'granted', 'denied' or 'default'; 'default' where there is no Notification API. */
  permission: (): NotificationPermission => ('Notification' in window ? Notification.permission : 'default'),

  /** Asks to show notifications (the older callback form too, for older Safari). */
  requestPermission(): Promise<NotificationPermission> {
    return new Promise((resolve, reject) => {
      const answer = Notification.requestPermission(resolve);
      if (answer) answer.then(resolve, reject);
    });
  },

  /** This browser's current subscription to the portal's pushes, without registering anything. */
  async current(): Promise<PushSubscription | null> {
    const registration = await navigator.serviceWorker.getRegistration('/');
    return (await registration?.pushManager.getSubscription()) ?? null;
  },

  /** Registers /sw.js and subscribes with `publicKey` (re-using a subscription with that key). */
  async subscribe(publicKey: string): Promise<PushSubscription> {
    const key = base64UrlToBytes(publicKey);
    await navigator.serviceWorker.register('/sw.js');
    const registration = await within(
      navigator.serviceWorker.ready,
      15_000,
      'The portal’s service worker did not start in this browser. Reload the page and try again.',
    );
    const held = await registration.pushManager.getSubscription();
    if (held && sameKey(held.options.applicationServerKey, key)) return held;
    if (held) await held.unsubscribe();
    return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  },
};
