// Writes that must not be lost or doubled: an answer with the version it was read under
// (sent back as If-Match, so a concurrent change answers 412), and a key per request a form may
// retry (Idempotency-Key).
import { unwrap } from './problem';

/** An answer with the version to change it under. */
export interface Tagged<T> {
  value: T;
  etag: string | null;
}

type Answer<T> = { data?: T; error?: unknown; response: Response };
export const tagged = <T>(answer: Answer<T>): Tagged<T> => ({ value: unwrap(answer), etag: answer.response.headers.get('ETag') });
export const ifMatch = (etag: string | null) => (etag ? { 'If-Match': etag } : {});

/** A key for one request a form may retry (Idempotency-Key): the retry gets what the first made. */
export const requestKey = () => (typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);
