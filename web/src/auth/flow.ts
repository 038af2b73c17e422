// Every first factor (password, emailed link, invitation, reset) answers either "signed in"
// or "second factor needed"; this names the two.
import type { Schemas } from '../api/client';

export type SignedIn = Schemas['SignedInView'];
export type Challenge = Schemas['ChallengeView'];
export type FirstFactorAnswer = SignedIn | Challenge;

export const isChallenge = (a: FirstFactorAnswer): a is Challenge => 'challenge' in a;
