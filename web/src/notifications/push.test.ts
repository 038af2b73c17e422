import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem';
import {
  BLOCKED,
  base64UrlToBytes,
  deviceIdFor,
  labelFromUserAgent,
  matchDevice,
  pushErrorMessage,
  pushSupported,
  refusalMessage,
  sameKey,
  subscriptionBody,
  testSentMessage,
  type PushDevice,
} from './push';

// RFC 8291's example subscription keys (section 5).
const P256DH = 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4';
const AUTH = 'BTBZMqHH6r4Tts7J_aSIgg';

describe('base64UrlToBytes', () => {
  it('reads an unpadded P-256 public key, with - and _', () => {
    const key = base64UrlToBytes(P256DH);
    expect(key).toBeInstanceOf(Uint8Array);
    expect(key.length).toBe(65);
    expect(key[0]).toBe(0x04); // uncompressed point
    expect([...key.slice(1, 4)]).toEqual([0x25, 0x71, 0xb2]);
    expect(base64UrlToBytes(AUTH).length).toBe(16);
  });

  it('reads padded and short strings', () => {
    expect([...base64UrlToBytes('AQ==')]).toEqual([1]);
    expect([...base64UrlToBytes('AQ')]).toEqual([1]);
    expect([...base64UrlToBytes('AQI')]).toEqual([1, 2]);
    expect([...base64UrlToBytes('_-8')]).toEqual([0xff, 0xef]);
    expect([...base64UrlToBytes('')]).toEqual([]);
  });

  it('refuses what is not base64url', () => {
    expect(() => base64UrlToBytes('a+b/')).toThrow(/cannot be read/);
    expect(() => base64UrlToBytes('abcde')).toThrow(/cannot be read/);
  });
});

describe('sameKey', () => {
  it('compares a held key with the portal’s', () => {
    const key = base64UrlToBytes(P256DH);
    expect(sameKey(key.slice().buffer, key)).toBe(true);
    const other = key.slice();
    other[5] ^= 1;
    expect(sameKey(other.buffer, key)).toBe(false);
    expect(sameKey(key.slice(0, 64).buffer, key)).toBe(false);
    expect(sameKey(null, key)).toBe(false);
  });
});

describe('labelFromUserAgent', () => {
  const cases: [string, string][] = [
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox on Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on Windows',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86',
      'Edge on Windows',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      'Safari on iPhone',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      'Chrome on iPhone',
    ],
    [
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
      'Samsung Internet on Android',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0',
      'Opera on Linux',
    ],
    [
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Chrome on ChromeOS',
    ],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/148.0.0.0 Safari/537.36', 'Chrome on Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) Something/1.0', 'Browser on Linux'],
    ['curl/8.5.0', 'This browser'],
  ];
  it.each(cases)('%s', (ua, label) => expect(labelFromUserAgent(ua)).toBe(label));
});

describe('pushSupported', () => {
  it('needs service workers, the Push API and notifications', () => {
    expect(pushSupported({ serviceWorker: {} }, { PushManager: {}, Notification: {} })).toBe(true);
    expect(pushSupported({}, { PushManager: {}, Notification: {} })).toBe(false);
    expect(pushSupported({ serviceWorker: {} }, { Notification: {} })).toBe(false);
    expect(pushSupported({ serviceWorker: {} }, { PushManager: {} })).toBe(false);
  });
});

describe('matching this browser’s subscription to a listed device', () => {
  const endpoint = 'https://fcm.googleapis.com/fcm/send/abc123';
  const device = (id: string, service = 'fcm.googleapis.com'): PushDevice => ({
    id,
    label: 'Chrome on Linux',
    service,
    created_at: '2026-01-02T03:04:05Z',
  });

  it('derives the id the server gives an endpoint (the first half of its SHA-256, in hex)', async () => {
    expect(await deviceIdFor('abc')).toBe('ba7816bf8f01cfea414140de5dae2223');
    expect(await deviceIdFor(endpoint)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('finds the device of the endpoint, and nothing for another or none', async () => {
    const id = await deviceIdFor(endpoint);
    const mine = device(id);
    const devices = [device('0'.repeat(32)), mine];
    expect(await matchDevice(devices, endpoint)).toBe(mine);
    expect(await matchDevice(devices, `${endpoint}x`)).toBeUndefined();
    expect(await matchDevice(devices, null)).toBeUndefined();
    expect(await matchDevice([], endpoint)).toBeUndefined();
    // The same id through another push service is not this browser.
    expect(await matchDevice([device(id, 'updates.push.services.mozilla.com')], endpoint)).toBeUndefined();
    expect(await matchDevice(devices, 'not a url')).toBeUndefined();
  });
});

describe('messages', () => {
  it('says what the test push did', () => {
    expect(testSentMessage(1, 1)).toBe('Sent to 1 browser.');
    expect(testSentMessage(3, 3)).toBe('Sent to 3 browsers.');
    expect(testSentMessage(2, 3)).toBe('Sent to 2 browsers; 1 browser did not take it.');
    expect(testSentMessage(0, 2)).toMatch(/^No browser took the test push/);
    expect(testSentMessage(0, 0)).toBe('Sent to 0 browsers.');
  });

  it('words the browser’s errors', () => {
    expect(pushErrorMessage(new DOMException('Registration failed - permission denied', 'NotAllowedError'))).toBe(BLOCKED);
    expect(pushErrorMessage(new DOMException('Registration failed - push service error', 'AbortError'))).toMatch(
      /could not reach its push service/,
    );
    expect(pushErrorMessage(new Error('boom'))).toMatch(/could not turn push on \(boom\)/);
  });

  it('words the portal’s refusals, the label’s next to it', () => {
    const invalid = (field: string, message: string) =>
      new ApiError(422, { type: 'about:blank', title: 'Invalid', status: 422, errors: [{ field, message }] });
    expect(refusalMessage(invalid('label', 'use at most 80 characters'))).toEqual({ label: 'Use at most 80 characters, on one line.' });
    expect(refusalMessage(invalid('endpoint', 'is not the address of a browser push service')).message).toMatch(
      /not one the portal sends to/,
    );
    expect(refusalMessage(invalid('endpoint', 'browser push is not set up on this portal')).message).toBe(
      'Browser push is not set up on this portal.',
    );
    expect(refusalMessage(invalid('keys.p256dh', 'is not a P-256 key')).message).toMatch(/cannot use/);
    const full = new ApiError(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'at most 10 browsers receive pushes' });
    expect(refusalMessage(full).message).toMatch(/^Push is on in 10 browsers already/);
  });

  it('sends the subscription as the API takes it, with the label trimmed', () => {
    const json = { endpoint: 'https://fcm.googleapis.com/x', expirationTime: null, keys: { p256dh: P256DH, auth: AUTH } };
    expect(subscriptionBody(json, '  Work laptop ')).toEqual({ ...json, label: 'Work laptop' });
    expect(subscriptionBody(json, ' ').label).toBeNull();
    expect(() => subscriptionBody({ endpoint: 'https://x' }, 'a')).toThrow(/incomplete/);
  });
});
