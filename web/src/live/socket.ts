// One WebSocket to /ws for the whole app. Components subscribe to topics (`ticket:<id>`,
// `user:<id>`); the socket reconnects with backoff, subscribes again to every topic it holds,
// and pings well inside API Gateway's 10-minute idle limit.
import { refreshSession } from '../api/client';

export interface LiveMessage {
  type: string;
  topic?: string;
  [key: string]: unknown;
}

type Handler = (message: LiveMessage) => void;
type SocketFactory = (url: string) => WebSocket;

const PING_MS = 4 * 60 * 1000;
const MAX_BACKOFF_MS = 30_000;

export class LiveSocket {
  private socket: WebSocket | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private attempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly create: SocketFactory = (u) => new WebSocket(u),
    /** Runs before reconnecting after a connection that never opened (say, an expired session cookie). */
    private readonly beforeRetry: () => Promise<unknown> = async () => {},
  ) {}

  /** Calls `handler` with every message on `topic` (including `subscribed` after each (re)connect). */
  subscribe(topic: string, handler: Handler): () => void {
    let set = this.handlers.get(topic);
    if (!set) {
      set = new Set();
      this.handlers.set(topic, set);
      this.send({ type: 'subscribe', topic });
    }
    set.add(handler);
    this.ensureOpen();
    return () => {
      set.delete(handler);
      if (set.size === 0) {
        this.handlers.delete(topic);
        this.send({ type: 'unsubscribe', topic });
        if (this.handlers.size === 0) this.close();
      }
    };
  }

  private ensureOpen(): void {
    if (this.socket || this.retryTimer) return;
    const socket = this.create(this.url);
    this.socket = socket;
    let ping: ReturnType<typeof setInterval> | undefined;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempts = 0;
      for (const topic of this.handlers.keys()) this.send({ type: 'subscribe', topic });
      ping = setInterval(() => this.send({ type: 'ping' }), PING_MS);
    };
    socket.onmessage = (event) => this.dispatch(event.data);
    socket.onclose = () => {
      clearInterval(ping);
      // A socket closed on purpose may report after its successor opened.
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.handlers.size > 0) this.scheduleReconnect(!opened);
    };
  }

  private scheduleReconnect(refused: boolean): void {
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempts++);
    this.retryTimer = setTimeout(async () => {
      if (refused) await this.beforeRetry().catch(() => undefined);
      this.retryTimer = undefined;
      this.ensureOpen();
    }, delay);
  }

  private dispatch(data: unknown): void {
    let message: LiveMessage;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (!message.topic) return;
    this.handlers.get(message.topic)?.forEach((h) => h(message));
  }

  /** Sends a message of the client's own (typing, presence) when the socket is open; dropped otherwise. */
  publish(message: LiveMessage): void {
    this.send(message);
  }

  private send(message: LiveMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private close(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }
}

/** Whether a pushed state read at `next` is newer than the one shown (read at `shown`). */
export function isNewer(shown: string | undefined, next: string | undefined): boolean {
  if (!next) return false;
  if (!shown) return true;
  return Date.parse(next) >= Date.parse(shown);
}

const wsUrl = () => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

let shared: LiveSocket | undefined;
export function live(): LiveSocket {
  shared ??= new LiveSocket(wsUrl(), undefined, refreshSession);
  return shared;
}
