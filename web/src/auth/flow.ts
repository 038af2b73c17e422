// Every first factor (password, emailed link, invitation, reset) answers either "signed in"
// or "second factor needed"; this names the two.
import type { Schemas } from '../api/client';
import { SECOND_FACTOR_ATTEMPTS } from '../api/messages';

export type SignedIn = Schemas['SignedInView'];
export type Challenge = Schemas['ChallengeView'];
export type FirstFactorAnswer = SignedIn | Challenge;

export const isChallenge = (a: FirstFactorAnswer): a is Challenge => 'challenge' in a;

/** How a second step is going: the server answers every refused code, and a sign-in it dropped, with the same 401. */
export interface Tries {
  /** Codes refused in this sign-in (all methods share the limit). */
  failures: number;
  /** When the server drops the sign-in (ms since the epoch). */
  expiresAt: number;
}

/** Whether the sign-in can take no more codes: its last try was used, or it waited too long. */
export const isSpent = (t: Tries, now = Date.now()) => t.failures >= SECOND_FACTOR_ATTEMPTS || now >= t.expiresAt;
