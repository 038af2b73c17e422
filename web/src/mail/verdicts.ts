// How a received mail authenticated (SPF, DKIM, DMARC) and what the spam and virus checks said,
// in words: each verdict, its tone (passed: ok, failed: a warning, the rest neutral) and a
// short summary for a compact badge. Shown on tickets that came by mail and in Mail in.
import type { Schemas } from '../api/client';

export type Verdicts = Schemas['VerdictsView'];
export type Check = keyof Verdicts;
export type Tone = 'ok' | 'warn' | 'neutral';

/** The checks that say who sent a mail, in the order they are listed. */
export const AUTH_CHECKS = ['spf', 'dkim', 'dmarc'] as const satisfies readonly Check[];
/** Every check a received mail went through. */
export const ALL_CHECKS = [...AUTH_CHECKS, 'spam', 'virus'] as const satisfies readonly Check[];

export const CHECK_NAMES: Record<Check, string> = { spf: 'SPF', dkim: 'DKIM', dmarc: 'DMARC', spam: 'Spam check', virus: 'Virus check' };

const WORDS: Record<string, string> = {
  pass: 'passed',
  fail: 'failed',
  gray: 'inconclusive',
  processing_failed: 'could not be checked',
  disabled: 'turned off',
  none: 'not checked',
};

/** "passed", "failed", "not checked", ... (an unknown verdict as it is, spaced). */
export const verdictWord = (verdict: string) => WORDS[verdict] ?? verdict.replace(/_/g, ' ');

/** Passed is ok, failed a warning, anything else (not checked, inconclusive) neutral. */
export const verdictTone = (verdict: string): Tone => (verdict === 'pass' ? 'ok' : verdict === 'fail' ? 'warn' : 'neutral');

/** A mark to go with the words (never alone): ✓ ok, ! warning, – neutral. */
export const toneMark = (tone: Tone) => (tone === 'ok' ? '✓' : tone === 'warn' ? '!' : '–');

/** "SPF", "SPF and DMARC", "SPF, DKIM and DMARC". */
export function listNames(checks: readonly Check[]): string {
  const names = checks.map((c) => CHECK_NAMES[c]);
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export interface CheckLine {
  check: Check;
  name: string;
  verdict: string;
  word: string;
  tone: Tone;
}

/** One line per check: "SPF passed" with its tone. */
export function checkLines(v: Verdicts, checks: readonly Check[] = AUTH_CHECKS): CheckLine[] {
  return checks.map((check) => ({
    check,
    name: CHECK_NAMES[check],
    verdict: v[check],
    word: verdictWord(v[check]),
    tone: verdictTone(v[check]),
  }));
}

/**
 * The authentication checks (SPF, DKIM, DMARC) in a few words, with the tone of the worst:
 * any failure is named; all passed; none checked (as locally, where nothing checks mail);
 * otherwise which passed, or that nothing was conclusive.
 */
export function authSummary(v: Verdicts): { tone: Tone; text: string } {
  const failed = AUTH_CHECKS.filter((c) => v[c] === 'fail');
  if (failed.length) return { tone: 'warn', text: `failed ${listNames(failed)}` };
  const passed = AUTH_CHECKS.filter((c) => v[c] === 'pass');
  if (passed.length === AUTH_CHECKS.length) return { tone: 'ok', text: 'passed' };
  if (AUTH_CHECKS.every((c) => v[c] === 'none' || v[c] === 'disabled')) return { tone: 'neutral', text: 'not checked' };
  if (passed.length) return { tone: 'neutral', text: `passed ${listNames(passed)} only` };
  return { tone: 'neutral', text: 'inconclusive' };
}

/** Whether no check looked at the mail at all. */
export const nothingChecked = (v: Verdicts, checks: readonly Check[] = ALL_CHECKS) => checks.every((c) => v[c] === 'none');
