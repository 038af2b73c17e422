import { describe, expect, it } from 'vitest';
import { authSummary, checkLines, listNames, nothingChecked, toneMark, verdictTone, verdictWord, type Verdicts } from './verdicts';

const none: Verdicts = { spf: 'none', dkim: 'none', dmarc: 'none', spam: 'none', virus: 'none' };
const with_ = (change: Partial<Verdicts>): Verdicts => ({ ...none, ...change });

describe('verdicts in words', () => {
  it('says each verdict, and what tone it has', () => {
    expect(['pass', 'fail', 'gray', 'processing_failed', 'disabled', 'none'].map(verdictWord)).toEqual([
      'passed',
      'failed',
      'inconclusive',
      'could not be checked',
      'turned off',
      'not checked',
    ]);
    expect(verdictWord('some_new_state')).toBe('some new state');
    expect(['pass', 'fail', 'gray', 'none'].map(verdictTone)).toEqual(['ok', 'warn', 'neutral', 'neutral']);
    expect([toneMark('ok'), toneMark('warn'), toneMark('neutral')]).toEqual(['✓', '!', '–']);
  });

  it('names checks in a list', () => {
    expect(listNames([])).toBe('');
    expect(listNames(['spf'])).toBe('SPF');
    expect(listNames(['spf', 'dmarc'])).toBe('SPF and DMARC');
    expect(listNames(['spf', 'dkim', 'dmarc', 'spam'])).toBe('SPF, DKIM, DMARC and Spam check');
  });

  it('lists the authentication checks by default, every check when asked', () => {
    expect(checkLines(with_({ spf: 'pass', dkim: 'fail' })).map((l) => [l.name, l.word, l.tone])).toEqual([
      ['SPF', 'passed', 'ok'],
      ['DKIM', 'failed', 'warn'],
      ['DMARC', 'not checked', 'neutral'],
    ]);
    expect(checkLines(with_({ virus: 'pass' }), ['spam', 'virus']).map((l) => `${l.name} ${l.word}`)).toEqual([
      'Spam check not checked',
      'Virus check passed',
    ]);
  });
});

describe('authSummary', () => {
  it('is neutral when nothing checked the mail (as on the local host)', () => {
    expect(authSummary(none)).toEqual({ tone: 'neutral', text: 'not checked' });
    expect(authSummary(with_({ spf: 'disabled' }))).toEqual({ tone: 'neutral', text: 'not checked' });
  });

  it('is ok when all three passed', () => {
    expect(authSummary(with_({ spf: 'pass', dkim: 'pass', dmarc: 'pass' }))).toEqual({ tone: 'ok', text: 'passed' });
  });

  it('warns and names what failed, whatever passed', () => {
    expect(authSummary(with_({ spf: 'pass', dkim: 'fail', dmarc: 'fail' }))).toEqual({ tone: 'warn', text: 'failed DKIM and DMARC' });
  });

  it('says which passed when not all did, or that nothing was conclusive', () => {
    expect(authSummary(with_({ spf: 'pass', dmarc: 'pass', dkim: 'gray' }))).toEqual({
      tone: 'neutral',
      text: 'passed SPF and DMARC only',
    });
    expect(authSummary(with_({ spf: 'gray', dkim: 'processing_failed' }))).toEqual({ tone: 'neutral', text: 'inconclusive' });
  });

  it('ignores spam and virus (they are listed apart)', () => {
    expect(authSummary(with_({ spam: 'fail', virus: 'fail' }))).toEqual({ tone: 'neutral', text: 'not checked' });
    expect(nothingChecked(with_({ spam: 'fail' }))).toBe(false);
    expect(nothingChecked(with_({ spam: 'fail' }), ['spf', 'dkim', 'dmarc'])).toBe(true);
  });
});
