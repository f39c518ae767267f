// A small Chrome DevTools Protocol client over one WebSocket: numbered requests with timeouts, events,
// and a clean close that fails every pending request instead of leaving it hanging.
import type WebSocket from 'ws';
import { lazy } from '../lazy';

const ws = lazy(() => require('ws') as typeof WebSocket);

/** The inspector answered a request with an error (e.g. an object id that no longer exists). */
export class CdpError extends Error {
  constructor(readonly method: string, message: string, readonly code?: number) {
    super(`${method}: ${message}`);
  }
}

/** The connection closed or a request got no answer in time. */
export class CdpConnectionError extends Error {}

export interface CdpClientOptions {
  /** Time to open the WebSocket (default 5 s). */
  connectTimeoutMs?: number;
  /** Default time to wait for each answer (default 10 s). */
  requestTimeoutMs?: number;
  /** Sent as the session id of every request (js-debug's CDP proxy does not need one). */
  sessionId?: string;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Protocol messages are untyped JSON; callers read the fields they asked for. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CdpMessage = any;

type EventListener = (params: CdpMessage) => void;

export class CdpClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<EventListener>>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | undefined;

  private constructor(private readonly socket: WebSocket, private readonly requestTimeoutMs: number) {
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('close', (code, reason) => this.onClosed(`the inspector connection closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    socket.on('error', (err) => this.onClosed(`the inspector connection failed: ${err.message}`));
  }

  /** Opens a WebSocket to `url` (`ws://host:port/<id>`). */
  static connect(url: string, options: CdpClientOptions = {}): Promise<CdpClient> {
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        // The inspector accepts large messages (a full listing can be megabytes); no per-message deflate.
        socket = new (ws())(url, { perMessageDeflate: false, maxPayload: 512 * 1024 * 1024, handshakeTimeout: connectTimeoutMs });
      } catch (err) {
        reject(new CdpConnectionError(`cannot open ${safeUrl(url)}: ${(err as Error).message}`));
        return;
      }
      const fail = (message: string) => {
        cleanup();
        socket.removeAllListeners();
        socket.on('error', () => { /* already reported */ });
        socket.terminate();
        reject(new CdpConnectionError(message));
      };
      const timer = setTimeout(() => fail(`no WebSocket answer from ${safeUrl(url)} within ${connectTimeoutMs} ms`), connectTimeoutMs);
      const onOpen = () => { cleanup(); resolve(new CdpClient(socket, options.requestTimeoutMs ?? 10_000)); };
      const onError = (err: Error) => fail(`cannot open a WebSocket to ${safeUrl(url)}: ${err.message}`);
      const onUnexpected = (_req: unknown, res: { statusCode?: number }) => fail(`${safeUrl(url)} refused the WebSocket (HTTP ${res.statusCode ?? '?'}): it is not a Node inspector`);
      const cleanup = () => { clearTimeout(timer); socket.off('open', onOpen); socket.off('error', onError); socket.off('unexpected-response', onUnexpected); };
      socket.once('open', onOpen);
      socket.once('error', onError);
      socket.once('unexpected-response', onUnexpected);
    });
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends one request and resolves with its result; rejects on a protocol error, a close, or the timeout. */
  send<T = CdpMessage>(method: string, params: object = {}, options: { timeoutMs?: number } = {}): Promise<T> {
    if (this.closedReason !== undefined) return Promise.reject(new CdpConnectionError(this.closedReason));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CdpConnectionError(`${method}: no answer from the inspector within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }), (err) => {
        if (!err) return;
        const entry = this.pending.get(id);
        if (!entry) return;
        this.pending.delete(id);
        clearTimeout(entry.timer);
        reject(new CdpConnectionError(`${method}: ${err.message}`));
      });
    });
  }

  /** Listens to a protocol event (e.g. `Runtime.bindingCalled`); returns a function that stops listening. */
  on(event: string, listener: EventListener): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => { set.delete(listener); };
  }

  /** Called once when the connection ends (closed by either side or failed). */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closedReason !== undefined) {
      const reason = this.closedReason;
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => { this.closeListeners.delete(listener); };
  }

  /** Closes the connection; pending requests fail with "closed". Resolves when the socket is closed. */
  close(): Promise<void> {
    if (this.socket.readyState === ws().CLOSED) {
      this.onClosed('the inspector connection was closed');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.socket.terminate(); }, 1000);
      this.socket.once('close', () => { clearTimeout(timer); resolve(); });
      this.onClosed('the inspector connection was closed');
      this.socket.close();
    });
  }

  private onMessage(text: string): void {
    let message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string; code?: number } };
    try {
      message = JSON.parse(text);
    } catch {
      return; // not CDP; ignored
    }
    if (typeof message.id === 'number') {
      const entry = this.pending.get(message.id);
      if (!entry) return;
      this.pending.delete(message.id);
      clearTimeout(entry.timer);
      if (message.error) entry.reject(new CdpError(entry.method, message.error.message, message.error.code));
      else entry.resolve(message.result ?? {});
      return;
    }
    if (typeof message.method === 'string') {
      for (const listener of [...(this.listeners.get(message.method) ?? [])]) {
        try { listener(message.params ?? {}); } catch { /* a listener's failure must not stop the others */ }
      }
    }
  }

  private onClosed(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      clearTimeout(entry.timer);
      entry.reject(new CdpConnectionError(`${entry.method}: ${reason}`));
    }
    for (const listener of [...this.closeListeners]) {
      try { listener(reason); } catch { /* ignore */ }
    }
    this.closeListeners.clear();
  }
}

/** The URL without its path id (inspector ids are secrets of sorts: whoever knows one can attach). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}
