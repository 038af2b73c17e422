// The grid's state: each change shows at once and is saved in the order made (one request at a
// time, so two quick clicks cannot overwrite each other on the server); what the server answers
// replaces the grid once nothing else is waiting. A refused change puts its message on the kind
// it is about and brings the grid back to what is saved.
import { useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, errorMessage, summary } from '../api/problem';
import type { NotificationKind } from './kinds';
import {
  applyEdit,
  changeBody,
  describeEdit,
  describeReset,
  kindErrors,
  resetBody,
  type Edit,
  type KindsChange,
  type Scope,
  type Setting,
} from './preferences';

/** Runs jobs one after another, each starting once the one before has settled. */
export type Queue = <T>(job: () => Promise<T>) => Promise<T>;

export function createQueue(): Queue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>) => {
    const run = tail.then(job, job);
    tail = run.catch(() => undefined);
    return run;
  };
}

export interface KindEditorOptions {
  initial: Setting[];
  scope: Scope;
  /** Saves a change and answers every kind as it now applies. */
  send: (change: KindsChange) => Promise<Setting[]>;
  /** Reads every kind as saved (after a refused change). */
  load: () => Promise<Setting[]>;
  /** Shared with other forms that write the same settings. */
  queue?: Queue;
}

export interface KindEditor {
  kinds: Setting[];
  errors: Partial<Record<NotificationKind, string>>;
  /** What the last change did ("Saved: …"), or that one is being saved. */
  status: string;
  /** Why the last change was refused, when that is not about one kind. */
  error: string | null;
  edit: (kind: NotificationKind, edit: Edit) => Promise<void>;
  reset: (kind: NotificationKind) => Promise<void>;
}

export function useKindEditor({ initial, scope, send, load, queue: shared }: KindEditorOptions): KindEditor {
  const [kinds, setKinds] = useState(initial);
  const [errors, setErrors] = useState<Partial<Record<NotificationKind, string>>>({});
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const own = useMemo(createQueue, []);
  const queue = shared ?? own;
  const waiting = useRef(0);

  const save = (kind: NotificationKind, body: KindsChange, done: string) => {
    setErrors(({ [kind]: _, ...rest }) => rest);
    setError(null);
    setStatus('Saving…');
    waiting.current++;
    return queue(async () => {
      try {
        const next = await send(body);
        if (--waiting.current === 0) {
          setKinds(next);
          setStatus(`Saved: ${done}.`);
        }
      } catch (e) {
        waiting.current--;
        const api = e instanceof ApiError ? e : undefined;
        const byKind = kindErrors(api?.problem, body);
        const shown = Object.keys(byKind).length > 0;
        setErrors((prev) => ({ ...prev, ...byKind }));
        setStatus('');
        setError(
          shown
            ? 'That change was not saved: the kind marked below says why.'
            : api
              ? summary(api.problem, [], api.status, api.retryAfter)
              : errorMessage(e),
        );
        if (waiting.current === 0) {
          try {
            setKinds(await load());
          } catch {
            // The message above already says the change did not go through.
          }
        }
      }
    });
  };

  const edit = (kind: NotificationKind, change: Edit) => {
    setKinds((ks) => ks.map((s) => (s.kind === kind ? applyEdit(s, change, scope) : s)));
    return save(kind, changeBody(kind, change), describeEdit(kind, change));
  };

  const reset = (kind: NotificationKind) => save(kind, resetBody(kind), describeReset(kind, scope));

  return { kinds, errors, status, error, edit, reset };
}
