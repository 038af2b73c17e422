// "#3 of 12 in the High queue" and the estimated response range, announced when they change.
import { formatEstimate } from '../ui/format';
import { statusLabel } from './labels';
import type { Standing } from './standing';

const OUT_OF_QUEUE: Record<string, string> = {
  in_progress: 'Someone is working on it now.',
  pending_client: 'We are waiting for your reply.',
  resolved: 'This ticket is resolved.',
  closed: 'This ticket is closed.',
};

export function PositionCard({ standing, number, href }: { standing: Standing; number?: string; href?: string }) {
  const q = standing.queue;
  const title = number && href ? <a href={href}>{number}</a> : number;
  return (
    <section class={q ? 'position' : 'position position--quiet'} aria-label={number ? `Queue position of ${number}` : 'Queue position'}>
      {title && <p class="position__ticket">{title}</p>}
      <div aria-live="polite" aria-atomic="true">
        {q ? (
          <>
            <p class="position__label">{q.label}</p>
            <p class="position__eta">Estimated first response: {formatEstimate(q.estimate)}</p>
          </>
        ) : (
          <>
            <p class="position__label">{statusLabel(standing.status)}</p>
            <p class="position__eta">{OUT_OF_QUEUE[standing.status] ?? 'Not waiting in the queue.'}</p>
          </>
        )}
      </div>
    </section>
  );
}
