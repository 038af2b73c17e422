import { describe, expect, it } from 'vitest';
import { stoppedSentence } from './mailAddress';

describe('stoppedSentence', () => {
  it('says when and why mail to the address stopped', () => {
    expect(stoppedSentence('dana@globex.test', { stopped_at: '2026-12-06T12:00:00Z', text: 'mail to it bounced' })).toBe(
      'Mail to dana@globex.test stopped on Dec 6, 2026: mail to it bounced.',
    );
    expect(stoppedSentence('dana@globex.test', { stopped_at: '2026-12-06T12:00:00Z', text: 'its owner reported our mail as spam.' })).toBe(
      'Mail to dana@globex.test stopped on Dec 6, 2026: its owner reported our mail as spam.',
    );
  });

  it('leaves out what it does not know', () => {
    expect(stoppedSentence('dana@globex.test', { stopped_at: 'soon', text: ' ' })).toBe('Mail to dana@globex.test stopped.');
  });
});
