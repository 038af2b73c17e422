import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isNewer, LiveSocket } from './socket';

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  push(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('LiveSocket', () => {
  beforeEach(() => {
    FakeSocket.instances = [];
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', { OPEN: 1 });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  const make = () => new LiveSocket('ws://portal/ws', (u) => new FakeSocket(u) as unknown as WebSocket);

  it('subscribes on open and routes messages by topic', () => {
    const live = make();
    const got: unknown[] = [];
    live.subscribe('ticket:1', (m) => got.push(m));
    live.subscribe('user:9', () => got.push('wrong topic'));
    const ws = FakeSocket.instances[0];
    ws.open();
    expect(ws.sent).toEqual([
      { type: 'subscribe', topic: 'ticket:1' },
      { type: 'subscribe', topic: 'user:9' },
    ]);
    ws.push({ type: 'ticket.position', topic: 'ticket:1', position: 2 });
    expect(got).toEqual([{ type: 'ticket.position', topic: 'ticket:1', position: 2 }]);
  });

  it('reconnects with backoff and subscribes again', () => {
    const live = make();
    live.subscribe('ticket:1', () => {});
    FakeSocket.instances[0].open();
    FakeSocket.instances[0].close();
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1].open();
    expect(FakeSocket.instances[1].sent).toEqual([{ type: 'subscribe', topic: 'ticket:1' }]);
  });

  it('refreshes the session before retrying a connection that was refused', async () => {
    let refreshed = 0;
    const live = new LiveSocket(
      'ws://portal/ws',
      (u) => new FakeSocket(u) as unknown as WebSocket,
      async () => refreshed++,
    );
    live.subscribe('ticket:1', () => {});
    FakeSocket.instances[0].close();
    await vi.advanceTimersByTimeAsync(1000);
    expect(refreshed).toBe(1);
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('unsubscribes the last handler of a topic and closes when nothing is left', () => {
    const live = make();
    const stop = live.subscribe('ticket:1', () => {});
    const ws = FakeSocket.instances[0];
    ws.open();
    stop();
    expect(ws.sent.at(-1)).toEqual({ type: 'unsubscribe', topic: 'ticket:1' });
    expect(ws.readyState).toBe(3);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
  });

  it('pings while open', () => {
    const live = make();
    live.subscribe('ticket:1', () => {});
    const ws = FakeSocket.instances[0];
    ws.open();
    vi.advanceTimersByTime(4 * 60 * 1000);
    expect(ws.sent.at(-1)).toEqual({ type: 'ping' });
  });
});

describe('isNewer', () => {
  it('keeps the newest state', () => {
    expect(isNewer(undefined, '2026-12-01T10:00:00.000Z')).toBe(true);
    expect(isNewer('2026-12-01T10:00:00.500Z', '2026-12-01T10:00:00.100Z')).toBe(false);
    expect(isNewer('2026-12-01T10:00:00.100Z', '2026-12-01T10:00:00.500Z')).toBe(true);
    expect(isNewer('2026-12-01T10:00:00.100Z', undefined)).toBe(false);
  });
});
