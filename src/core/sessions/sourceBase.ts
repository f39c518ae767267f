// What every store-backed session source shares: the connection's state (connecting, connected, lost and
// retried with back-off, closed), the state and change listeners, change batching, the read-only guard and the
// records' common fields. A backend (Redis, PostgreSQL, ...) adds how to connect, list, read and write.
import { Listeners } from '../listeners';
import { DEFAULT_USER_PATHS, expiresAt, sessionUser } from './describe';
import type { ListPage, SessionChange, SessionRecord, SessionSource, SourceState } from './types';

/** A write on a connection opened read-only. */
export class ReadOnlySourceError extends Error { override name = 'ReadOnlySourceError'; }
/** The source is not connected (the message says why and whether it is retrying). */
export class SourceUnavailableError extends Error { override name = 'SourceUnavailableError'; }
/** A listing cursor that no longer applies (e.g. from before a reconnection): start the listing again. */
export class StaleCursorError extends Error { override name = 'StaleCursorError'; }

/** Delay before reconnection attempt `attempt` (1, 2, ...): doubling from 100 ms, at most 5 s. */
export function backoffDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 5000);
}

export type SourceLog = (level: 'info' | 'warn' | 'debug', message: string) => void;

export interface SourceBaseOptions {
  /** Dot paths tried first to find the user of a session. */
  userPaths?: readonly string[];
  /** Changes arriving within this window are delivered as one batch (default 150 ms). */
  changeBatchMs?: number;
  /** Keep retrying after a lost connection (default true; the CLI's one-shot connections pass false). */
  retry?: boolean;
  log?: SourceLog;
}

export abstract class StoreSessionSource<C> implements SessionSource {
  abstract readonly kind: SessionSource['kind'];
  private _state: SourceState = { kind: 'connecting' };
  private _writable: boolean;
  /** The open connection, while there is one. */
  protected conn: C | undefined;
  protected closed = false;
  /** Bumped at every (re)connection: work started before it (a poll, a cursor) can tell it is stale. */
  protected epoch = 0;
  private everConnected = false;
  private connectAttempt = 0;
  private connectTimer: NodeJS.Timeout | undefined;
  private firstConnection: Promise<void> | undefined;
  private readonly changeListeners = new Listeners<SessionChange[]>();
  private readonly stateListeners = new Listeners<SourceState>();
  private pending = new Map<string, SessionChange>();
  private pendingReset = false;
  private batchTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly label: string,
    writable: boolean,
    /** Names the store in messages: "Redis is not connected: ...". */
    private readonly storeName: string,
    private readonly baseOptions: SourceBaseOptions,
  ) {
    this._writable = writable;
  }

  /** Opens a connection (one attempt); throws with a message a person can act on. */
  protected abstract openConnection(): Promise<C>;
  protected abstract closeConnection(conn: C): Promise<void>;
  /** Called after every successful (re)connection, e.g. to start live updates. */
  protected abstract whenConnected(conn: C): void;
  /** Stops live updates: the connection was lost or the source closes. */
  protected abstract stopLiveUpdates(): void;
  /** True when the backend's client reconnects by itself (and calls `reconnected`); else this class retries. */
  protected readonly clientReconnects: boolean = false;

  abstract list(options: { cursor?: string; limit: number }): Promise<ListPage>;
  abstract get(id: string): Promise<SessionRecord | undefined>;
  abstract set(id: string, data: unknown, options?: { expectRaw?: string }): Promise<void>;
  abstract destroy(id: string): Promise<boolean>;
  abstract extend(id: string, seconds: number): Promise<void>;

  get writable(): boolean { return this._writable; }
  get state(): SourceState { return this._state; }

  /** Allows writes on this connection (after the user agreed for a non-loopback host). */
  allowWrites(allow: boolean): void { this._writable = allow; }

  /** Starts connecting in the background, retrying with back-off until it succeeds or is closed (the view). */
  start(): void {
    this.firstConnection ??= new Promise<void>((resolve) => {
      const attempt = () => {
        if (this.closed) return resolve();
        this.connectOnce().then(resolve, (err: unknown) => {
          if (this.closed) return resolve();
          this.connectAttempt++;
          this.setState({ kind: 'disconnected', reason: messageOf(err), retrying: true });
          this.connectTimer = setTimeout(attempt, backoffDelay(this.connectAttempt));
          // Callers of list() waiting for the first connection get the failure now, not after all retries.
          resolve();
        });
      };
      attempt();
    });
  }

  /**
   * One connection attempt; the CLI's `connect()` and `start()` both go through it. Attempts after a lost
   * connection stay "disconnected, retrying" until one succeeds (no flicker through "connecting").
   */
  protected async connectOnce(options: { announce?: boolean } = {}): Promise<void> {
    if (options.announce !== false) this.setState({ kind: 'connecting' });
    const conn = await this.openConnection();
    if (this.closed) { await this.closeConnection(conn); return; }
    this.conn = conn;
    this.connectAttempt = 0;
    this.reconnected();
  }

  /** The connection works (again): connected state, a reset for the listeners after a loss, live updates. */
  protected reconnected(): void {
    if (this.closed || !this.conn) return;
    this.epoch++;
    const again = this.everConnected;
    this.everConnected = true;
    this.setState({ kind: 'connected' });
    if (again) this.queueChange({ kind: 'reset' });
    this.whenConnected(this.conn);
  }

  /**
   * The connection was lost. When the backend's client does not reconnect by itself, this class reconnects
   * with back-off (a new connection each time) unless retrying is off.
   */
  protected connectionLost(reason: string): void {
    if (this.closed || this._state.kind !== 'connected') return;
    this.stopLiveUpdates();
    const retrying = this.baseOptions.retry ?? true;
    this.setState({ kind: 'disconnected', reason, retrying });
    if (this.clientReconnects || !retrying) return;
    const lost = this.conn;
    this.conn = undefined;
    if (lost) void this.closeConnection(lost).catch(() => {});
    const attempt = () => {
      if (this.closed) return;
      this.connectOnce({ announce: false }).catch((err: unknown) => {
        if (this.closed) return;
        this.connectAttempt++;
        const reason = messageOf(err);
        if (this._state.kind !== 'disconnected' || this._state.reason !== reason) this.setState({ kind: 'disconnected', reason, retrying: true });
        this.connectTimer = setTimeout(attempt, backoffDelay(this.connectAttempt));
      });
    };
    this.connectTimer = setTimeout(attempt, backoffDelay(++this.connectAttempt));
  }

  /** The backend's client gave up for good (no more retries). */
  protected connectionEnded(reason: string): void {
    if (this.closed) return;
    this.stopLiveUpdates();
    this.setState({ kind: 'disconnected', reason, retrying: false });
  }

  /** The open connection, or a SourceUnavailableError saying why there is none. */
  protected connection(): C {
    if (this._state.kind === 'closed') throw new SourceUnavailableError('the connection is closed');
    if (!this.conn || this._state.kind !== 'connected') {
      const reason = this._state.kind === 'disconnected' ? this._state.reason : 'still connecting';
      throw new SourceUnavailableError(`${this.storeName} is not connected: ${reason}`);
    }
    return this.conn;
  }

  /** Waits for the first connection attempt of `start()` (no-op for a source connected once). */
  protected async ready(): Promise<C> {
    if (this.firstConnection && this._state.kind === 'connecting') await this.firstConnection;
    return this.connection();
  }

  /** The connection for a write, refused on a read-only source. */
  protected writableConnection(): C {
    if (!this._writable) throw new ReadOnlySourceError(`${this.label} is read-only: allow writes for this connection first`);
    return this.connection();
  }

  onChange(listener: (changes: SessionChange[]) => void): () => void {
    return this.changeListeners.add(listener);
  }

  onStateChange(listener: (state: SourceState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  protected setState(state: SourceState): void {
    if (this._state.kind === 'closed') return;
    this._state = state;
    this.stateListeners.fire(state);
  }

  /** Queues a change; changes within the batch window reach the listeners together, one per session. */
  protected queueChange(change: SessionChange): void {
    if (change.kind === 'reset') this.pendingReset = true;
    // A write followed by its expiry update (SET … EX) arrives as set + touch: a touch never hides a set.
    else if (!(change.kind === 'touch' && this.pending.get(change.id)?.kind === 'set')) this.pending.set(change.id, change);
    this.batchTimer ??= setTimeout(() => this.flushChanges(), this.baseOptions.changeBatchMs ?? 150);
  }

  private flushChanges(): void {
    this.batchTimer = undefined;
    const changes: SessionChange[] = this.pendingReset ? [{ kind: 'reset' }] : [...this.pending.values()];
    this.pending = new Map();
    this.pendingReset = false;
    if (changes.length === 0 || this.closed) return;
    this.changeListeners.fire(changes);
  }

  /**
   * A listed or read session: `ttl` in seconds (-1 = kept forever, null = unknown); the expiry from it, else
   * from the cookie; the user label. `expiries` caches expiry texts per TTL within one batch (same `now`).
   */
  protected record(
    fields: { id: string; key: string; ttl: number | null; data: unknown; raw?: string; size?: number; value?: string },
    now: number,
    expiries?: Map<number, string | null>,
  ): SessionRecord {
    const { ttl } = fields;
    let expiry: string | null | undefined;
    if (ttl !== null && ttl >= 0 && expiries) {
      expiry = expiries.get(ttl);
      if (expiry === undefined) expiries.set(ttl, expiry = expiresAt(ttl, null, now));
    } else {
      expiry = expiresAt(ttl, fields.data, now);
    }
    const record: SessionRecord = { id: fields.id, key: fields.key, ttl, expiresAt: expiry, user: sessionUser(fields.data, this.userPaths()), data: fields.data };
    if (fields.raw !== undefined) record.raw = fields.raw;
    if (fields.size !== undefined) record.size = fields.size;
    if (fields.value !== undefined) record.value = fields.value;
    return record;
  }

  private userPaths(): readonly string[] | undefined {
    const extra = this.baseOptions.userPaths ?? [];
    return extra.length ? [...extra, ...DEFAULT_USER_PATHS] : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.connectTimer);
    clearTimeout(this.batchTimer);
    this.stopLiveUpdates();
    this.setState({ kind: 'closed' });
    this.stateListeners.clear();
    this.changeListeners.clear();
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await this.closeConnection(conn);
  }

  protected log(level: 'info' | 'warn' | 'debug', message: string): void {
    this.baseOptions.log?.(level, message);
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
