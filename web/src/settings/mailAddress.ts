// One's own address as the settings say it when mail to it stopped.

/** "Mail to dana@globex.test stopped on Dec 6, 2026: mail to it bounced." */
export function stoppedSentence(email: string, stopped: { stopped_at: string; text: string }): string {
  const when = new Date(stopped.stopped_at);
  const on = Number.isNaN(when.getTime()) ? '' : ` on ${when.toLocaleDateString('en', { dateStyle: 'medium' })}`;
  const why = stopped.text.trim().replace(/[.!?]+$/, '');
  return `Mail to ${email} stopped${on}${why ? `: ${why}` : ''}.`;
}
