// The editor's live preview: the body sent to be rendered a moment after the typing stops, the
// request before it aborted when a newer body goes, and only the newest answer shown.
export const PREVIEW_DELAY = 400;

export interface PreviewState {
  /** The rendered body (sanitized HTML from the server); '' for an empty body. */
  html: string;
  /** Why the last preview failed, worded for people; null when it did not. */
  error: string | null;
  /** A preview is on its way. */
  busy: boolean;
}

export interface Previewer {
  /** The body changed: rendered after `delay` without a further change. */
  update(body: string): void;
  /** Rendered now (the first preview, a refresh asked for). */
  now(body: string): void;
  /** Stops waiting and drops the request under way (the editor goes away). */
  stop(): void;
}

/**
 * A previewer calling `render` (with an AbortSignal) and telling `onState` what to show. A failure
 * of an aborted request is not told; `word` turns other failures into words.
 */
export function createPreviewer(
  render: (body: string, signal: AbortSignal) => Promise<string>,
  onState: (s: PreviewState) => void,
  word: (e: unknown) => string,
  delay = PREVIEW_DELAY,
): Previewer {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: AbortController | null = null;
  let html = '';

  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    running?.abort();
    running = null;
  };
  const now = (body: string) => {
    cancel();
    if (!body.trim()) {
      html = '';
      onState({ html, error: null, busy: false });
      return;
    }
    const mine = new AbortController();
    running = mine;
    onState({ html, error: null, busy: true });
    render(body, mine.signal).then(
      (next) => {
        if (running !== mine) return;
        running = null;
        html = next;
        onState({ html, error: null, busy: false });
      },
      (e: unknown) => {
        if (running !== mine) return;
        running = null;
        onState({ html, error: word(e), busy: false });
      },
    );
  };
  return {
    update(body) {
      clearTimeout(timer);
      timer = setTimeout(() => now(body), delay);
    },
    now,
    stop: cancel,
  };
}
