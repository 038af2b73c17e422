// The typed API client (openapi-fetch over the generated schema). Every request carries
// X-Requested-With and, when unsafe, the CSRF token; a 401 is retried once after refreshing the
// session, and when that fails too the app hears about it through `onSignedOut`.
import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** The header the public sign-in and link operations require (the middleware sends it on every request too). */
export const XHR = { header: { 'X-Requested-With': 'kt-portal' } } as const;

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Requests that present credentials themselves: a 401 there is an answer, not an expired session.
const CREDENTIAL_PATHS = /\/api\/v1\/auth\/(sign-in|refresh|magic-link|password-reset|invitation|mail-address\/confirmed)/;

export function csrfToken(cookies: string = document.cookie): string | undefined {
  const match = cookies.match(/(?:^|;\s*)__Host-kt_csrf=([^;]+)/);
  return match?.[1];
}

function decorate(request: Request): Request {
  request.headers.set('X-Requested-With', 'kt-portal');
  const token = csrfToken();
  if (UNSAFE.has(request.method) && token) request.headers.set('X-CSRF-Token', token);
  return request;
}

let refreshing: Promise<boolean> | null = null;

/** Trades the refresh cookie for a new session; concurrent callers share one attempt. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch(decorate(new Request('/api/v1/auth/refresh', { method: 'POST' })))
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function portalFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(decorate(input));
  if (response.status !== 401 || CREDENTIAL_PATHS.test(input.url)) return response;
  if (await refreshSession()) {
    const second = await fetch(decorate(retry));
    if (second.status !== 401) return second;
  }
  signedOutListeners.forEach((l) => l());
  return response;
}

export const api = createClient<paths>({ baseUrl: '', fetch: portalFetch });
