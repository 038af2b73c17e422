// Dead letters (super admin): the messages the platform's queues gave up on after their
// deliveries kept failing, each with the reason it last failed, grouped by queue; replay one, or
// all of a queue, once the cause is fixed.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ApiError, unwrap } from '../api/problem';
import { Empty } from '../ui/Card';
import { FormError } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import './admin.css';
import {
  countLabel,
  facts,
  groupByQueue,
  isQueueName,
  kindLabel,
  queueTitle,
  replayedSentence,
  replayError,
  replayTarget,
  type DeadLetter,
  type QueueGroup,
} from './deadLetters';

async function listDeadLetters() {
  return unwrap(await api.GET('/api/v1/operations/dead-letters')).items;
}

const headingId = (queue: string) => `dead-letters-${queue}`;
const STATUS_ID = 'dead-letters-status';

export default function DeadLetters() {
  const list = useResource(listDeadLetters, []);
  const [said, setSaid] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const replay = async (queue: string, messageId: string | null) => {
    setBusy(true);
    setError(null);
    setSaid('');
    try {
      // Only the platform's own queues can be replayed; any other the server listed is just shown.
      if (!isQueueName(queue)) throw new Error(`The ${queue} queue is not one the platform can replay.`);
      const { replayed } = unwrap(await api.POST('/api/v1/operations/dead-letters/replay', { body: { queue, message_id: messageId } }));
      setSaid(replayedSentence(replayed, queue));
      await list.reload();
    } catch (e) {
      setError(replayError(e, messageId));
      if (e instanceof ApiError && e.status === 404) await list.reload();
    } finally {
      setBusy(false);
    }
    // The pressed button may have gone with its message: keep keyboard users in the queue's group,
    // or on what was said when the list is empty now.
    setTimeout(() => {
      if (document.activeElement && document.activeElement !== document.body) return;
      (document.getElementById(headingId(queue)) ?? document.getElementById(STATUS_ID))?.focus();
    });
  };

  const groups = list.data ? groupByQueue(list.data) : [];
  return (
    <Page
      title="Dead letters"
      actions={
        <button type="button" class="button button--secondary" disabled={list.loading} onClick={() => void list.reload()}>
          Refresh
        </button>
      }
    >
      <p class="muted">
        Messages the queues gave up on after five failed deliveries, each with the reason it last failed. Fix the cause, then replay them:
        they go back to their queue and are delivered again.
      </p>
      <div id={STATUS_ID} role="status" aria-live="polite" tabIndex={-1}>
        {said && <p class="alert alert--ok">{said}</p>}
      </div>
      <FormError message={error} />
      {list.error ? (
        <ErrorNote error={list.error} />
      ) : !list.data ? (
        <Loading />
      ) : !list.data.length ? (
        <Empty>No dead letters: every message was delivered.</Empty>
      ) : (
        groups.map((g) => <QueuePanel key={g.queue} group={g} busy={busy} replay={replay} />)
      )}
    </Page>
  );
}

interface PanelProps {
  group: QueueGroup;
  busy: boolean;
  replay: (queue: string, messageId: string | null) => Promise<void>;
}

function QueuePanel({ group: { queue, items }, busy, replay }: PanelProps) {
  return (
    <section class="panel" aria-labelledby={headingId(queue)}>
      <div class="dead-letters__head">
        <h2 id={headingId(queue)} tabIndex={-1}>
          {queueTitle(queue)} <span class="badge">{countLabel(items.length)}</span>
        </h2>
        <button
          type="button"
          class="button button--small button--secondary"
          disabled={busy || !items.length}
          onClick={() => void replay(queue, null)}
        >
          Replay all<span class="visually-hidden"> dead letters of the {queue} queue</span>
        </button>
      </div>
      {items.length ? (
        <ul class="list">
          {items.map((d) => (
            <li key={d.message_id}>
              <DeadLetterItem letter={d} busy={busy} replay={() => replay(queue, d.message_id)} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">Nothing dead in this queue.</p>
      )}
    </section>
  );
}

function DeadLetterItem({ letter: d, busy, replay }: { letter: DeadLetter; busy: boolean; replay: () => Promise<void> }) {
  const known = facts(d);
  return (
    <article class="dead-letter" aria-labelledby={`dead-letter-${d.message_id}`}>
      <h3 id={`dead-letter-${d.message_id}`} class={d.kind ? 'dead-letter__kind mono' : 'dead-letter__kind'}>
        {kindLabel(d)}
      </h3>
      {known.length > 0 && (
        <dl class="details dead-letter__facts">
          {known.map(([label, value]) => (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
        </dl>
      )}
      <pre class="dead-letter__reason">
        <span class="visually-hidden">Reason: </span>
        <code>{d.reason}</code>
      </pre>
      <div class="dead-letter__foot">
        <p class="dead-letter__id">
          Message <span class="mono">{d.message_id}</span>
        </p>
        <button type="button" class="button button--small" disabled={busy} onClick={() => void replay()}>
          Replay<span class="visually-hidden"> {replayTarget(d)}</span>
        </button>
      </div>
    </article>
  );
}
