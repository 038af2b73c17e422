import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPreviewer, type PreviewState } from './preview';

describe('createPreviewer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (render: (body: string, signal: AbortSignal) => Promise<string>) => {
    const states: PreviewState[] = [];
    const p = createPreviewer(
      render,
      (s) => states.push(s),
      (e) => `failed: ${(e as Error).message}`,
      400,
    );
    return { p, states, last: () => states[states.length - 1] };
  };

  it('renders once the typing pauses, the newest body only', async () => {
    const render = vi.fn(async (body: string) => `<p>${body}</p>`);
    const { p, last } = setup(render);
    p.update('a');
    await vi.advanceTimersByTimeAsync(200);
    p.update('ab');
    await vi.advanceTimersByTimeAsync(399);
    expect(render).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(render).toHaveBeenCalledTimes(1);
    expect(render.mock.calls[0][0]).toBe('ab');
    expect(last()).toEqual({ html: '<p>ab</p>', error: null, busy: false });
  });

  it('aborts a request a newer body overtakes, and ignores its answer', async () => {
    const pending: { body: string; signal: AbortSignal; resolve: (h: string) => void }[] = [];
    const render = (body: string, signal: AbortSignal) => new Promise<string>((resolve) => pending.push({ body, signal, resolve }));
    const { p, last } = setup(render);
    p.now('one');
    expect(last().busy).toBe(true);
    p.now('two');
    expect(pending[0].signal.aborted).toBe(true);
    expect(pending[1].signal.aborted).toBe(false);
    pending[1].resolve('<p>two</p>');
    await vi.advanceTimersByTimeAsync(0);
    pending[0].resolve('<p>one</p>');
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({ html: '<p>two</p>', error: null, busy: false });
  });

  it('keeps the last preview and says why a render failed', async () => {
    let fail = false;
    const { p, last } = setup(async (body) => {
      if (fail) throw new Error('forbidden');
      return `<p>${body}</p>`;
    });
    p.now('ok');
    await vi.advanceTimersByTimeAsync(0);
    fail = true;
    p.now('again');
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toEqual({ html: '<p>ok</p>', error: 'failed: forbidden', busy: false });
  });

  it('shows nothing for an empty body without asking, and stops cleanly', async () => {
    const render = vi.fn(async () => '<p>x</p>');
    const { p, last } = setup(render);
    p.now('   ');
    expect(render).not.toHaveBeenCalled();
    expect(last()).toEqual({ html: '', error: null, busy: false });
    p.update('later');
    p.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(render).not.toHaveBeenCalled();
  });
});
