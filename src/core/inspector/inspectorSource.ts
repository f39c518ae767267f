// The sessions of a running Node process's express-session stores (in memory, or any store through its own
// methods inside the app), as a `SessionSource` for the Sessions view.
// Connects through an endpoint (an `--inspect` address, or js-debug's CDP proxy), finds the stores, follows
// their changes live, reconciles expiries with a cheap ids-only poll, and reconnects and rediscovers after
// the process restarts (nodemon, `node --watch`).
import { randomBytes } from 'node:crypto';
import { SessionChangedError } from '../sessions/types';
import type { ListPage, SessionChange, SessionRecord, SessionSource, SourceState } from '../sessions/types';
import { CdpClient } from './cdpClient';
import { subscribeToStores, type LiveSubscription } from './liveUpdates';
import { destroyEntry, readEntries, readIds, toRecord, writeEntry } from './storeAccess';
import { discoverStores, OBJECT_GROUP, type DiscoveredStore, type DiscoveryResult } from './storeDiscovery';
import { Listeners } from '../listeners';

export interface InspectorEndpoint {
  /** Shown in labels and messages, e.g. `127.0.0.1:9229` (never the WebSocket id). */
  readonly description: string;
  /** The WebSocket URL to connect to now (asks `/json/list` again after a restart). */
  resolve(): Promise<string>;
  /** Whether to keep trying after the connection drops (false for js-debug proxies, which end with the debug session). */
  readonly reconnect: boolean;
  /** Called on each new connection before anything else (js-debug: `JsDebug.subscribe`). */
  onConnected?(client: CdpClient): Promise<void>;
}

export interface InspectorSourceOptions {
  id?: string;
  label?: string;
  /** Also scan the heap (`Runtime.queryObjects`) when the walk finds no store. Pauses the app on large heaps. */
  heapScan?: boolean;
  /** Ids-only poll that reconciles expiries (ms; 0 disables). Default 5000. */
  pollMs?: number;
  /** Request timeout (ms). Default 10000. */
  requestTimeoutMs?: number;
  /** First and longest wait between reconnect attempts (ms). Defaults 250 and 3000. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Lease of the live-update binding in the process (ms; renewed while connected). Default 60000. */
  leaseMs?: number;
  /** Diagnostic lines (never secrets: session values are not logged). */
  log?: (message: string) => void;
}

/**
 * What the debugger integration marks while the process is paused in a request handler. The Sessions view
 * may show `markedSessionId` (the session of the paused request) and the ids in `highlight` (sessions
 * created, changed or destroyed by the last request).
 */
export interface DebugMarks {
  /** True while the debuggee is paused (then the view should not expect callbacks to run in the app). */
  paused?: boolean;
  /** The session of the request the debugger is paused in (`req.sessionID` of a paused frame). */
  markedSessionId?: string;
  /** The marked session as the store holds it: its value when the request started. */
  markedBaseline?: unknown;
  /** The marked request's `req.session` now (what the handler changed so far, not yet saved). */
  markedLive?: unknown;
  /** Sessions created, changed or destroyed since the debugger last paused (or following started). */
  highlight: { created: string[]; changed: string[]; destroyed: string[] };
}

interface Connection {
  client: CdpClient;
  stores: DiscoveredStore[];
  discovery: DiscoveryResult;
  live?: LiveSubscription;
}

export class InspectorSessionSource implements SessionSource {
  readonly kind = 'inspector' as const;
  readonly writable = true;
  readonly id: string;
  readonly label: string;
  private currentState: SourceState = { kind: 'connecting' };
  private connection: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  private closed = false;
  private readonly changeListeners = new Listeners<SessionChange[]>();
  private readonly stateListeners = new Listeners<SourceState>();
  private readonly marksListeners = new Listeners<DebugMarks>();
  private readonly bindingName = `__sessionLens_${randomBytes(6).toString('hex')}`;
  private pollTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private discoveryTimer: NodeJS.Timeout | undefined;
  private knownIds: Set<string> | undefined;
  private currentMarks: DebugMarks = { highlight: { created: [], changed: [], destroyed: [] } };

  constructor(private readonly endpoint: InspectorEndpoint, private readonly options: InspectorSourceOptions = {}) {
    this.id = options.id ?? `inspector:${endpoint.description}`;
    this.label = options.label ?? `Node process ${endpoint.description}`;
  }

  get state(): SourceState {
    return this.currentState;
  }

  /** The stores found at the last discovery. */
  get stores(): readonly DiscoveredStore[] {
    return this.connection?.stores ?? [];
  }

  get discovery(): DiscoveryResult | undefined {
    return this.connection?.discovery;
  }

  /** The live connection, for the debugger integration (evaluating in the paused frame). */
  get client(): CdpClient | undefined {
    return this.connection?.client;
  }

  /** What the debugger integration marks (see `DebugMarks`). */
  get marks(): DebugMarks {
    return this.currentMarks;
  }

  setMarks(marks: DebugMarks): void {
    this.currentMarks = marks;
    this.marksListeners.fire(marks);
  }

  onMarksChange(listener: (marks: DebugMarks) => void): () => void {
    return this.marksListeners.add(listener);
  }

  /** Connects and discovers; rejects with a clear message when the process is not reachable or has no store. */
  async start(): Promise<void> {
    await this.ensureConnection();
  }

  async list(options: { cursor?: string; limit: number }): Promise<ListPage> {
    const connection = await this.ensureConnection();
    const ids = await this.allIds(connection);
    const offset = options.cursor ? Number(options.cursor) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new Error(`invalid cursor '${options.cursor}'`);
    const page = ids.slice(offset, offset + Math.max(1, options.limit));
    const byStore = new Map<DiscoveredStore, string[]>();
    for (const { store, id } of page) byStore.set(store, [...(byStore.get(store) ?? []), id]);
    const records = new Map<string, SessionRecord>();
    const now = Date.now();
    for (const [store, storeIds] of byStore) {
      for (const entry of await readEntries(connection.client, store, storeIds)) records.set(`${store.name}\0${entry.id}`, toRecord(store, entry, now));
    }
    const sessions = page.map(({ store, id }) => records.get(`${store.name}\0${id}`)).filter((r): r is SessionRecord => r !== undefined);
    const next = offset + page.length;
    return next < ids.length ? { sessions, cursor: String(next) } : { sessions };
  }

  /**
   * Every session with its value, store by store (the CLI's listing). Values are read in chunks so the
   * app's event loop runs between them (one big read stalls it for over 100 ms at 10,000 sessions).
   */
  async listAll(chunkSize = 2000): Promise<SessionRecord[]> {
    const connection = await this.ensureConnection();
    const out: SessionRecord[] = [];
    for (const store of connection.stores) {
      const ids = await readIds(connection.client, store);
      for (let i = 0; i < ids.length; i += chunkSize) {
        const now = Date.now();
        out.push(...(await readEntries(connection.client, store, ids.slice(i, i + chunkSize))).map((e) => toRecord(store, e, now)));
      }
    }
    return out;
  }

  /** The cheap refresh: ids only, store by store. */
  async listIds(): Promise<{ store: string; id: string }[]> {
    const connection = await this.ensureConnection();
    return (await this.allIds(connection)).map(({ store, id }) => ({ store: store.name, id }));
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const connection = await this.ensureConnection();
    for (const store of connection.stores) {
      const [entry] = await readEntries(connection.client, store, [id]);
      if (entry) return toRecord(store, entry);
    }
    return undefined;
  }

  async set(id: string, data: unknown, options: { expectRaw?: string } = {}): Promise<void> {
    const connection = await this.ensureConnection();
    const found = await this.findEntry(connection, id);
    if (!found) throw new SessionChangedError(`session ${id.slice(0, 8)}… no longer exists (destroyed or expired)`);
    if (options.expectRaw !== undefined && !sameValue(found.text, options.expectRaw)) {
      throw new SessionChangedError(`session ${id.slice(0, 8)}… changed since it was read; reload it before saving`);
    }
    const outcome = await writeEntry(connection.client, found.store, id, data, found.text);
    if (outcome === 'gone') throw new SessionChangedError(`session ${id.slice(0, 8)}… no longer exists (destroyed or expired)`);
    if (outcome === 'changed') throw new SessionChangedError(`session ${id.slice(0, 8)}… changed while saving; reload it before saving`);
  }

  async destroy(id: string): Promise<boolean> {
    const connection = await this.ensureConnection();
    const found = await this.findEntry(connection, id);
    if (!found) return false;
    return destroyEntry(connection.client, found.store, id);
  }

  async extend(id: string, seconds: number): Promise<void> {
    if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('the new time to live must be a positive number of seconds');
    const connection = await this.ensureConnection();
    const found = await this.findEntry(connection, id);
    if (!found) throw new SessionChangedError(`session ${id.slice(0, 8)}… no longer exists (destroyed or expired)`);
    const data: unknown = JSON.parse(found.text);
    const outcome = await writeEntry(connection.client, found.store, id, data, found.text, Math.round(seconds * 1000));
    if (outcome !== 'ok') throw new SessionChangedError(`session ${id.slice(0, 8)}… changed or expired meanwhile; try again`);
  }

  onChange(listener: (changes: SessionChange[]) => void): () => void {
    const remove = this.changeListeners.add(listener);
    this.updatePolling();
    return () => { remove(); this.updatePolling(); };
  }

  onStateChange(listener: (state: SourceState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Removes the wrappers and the binding from the process, releases remote objects, and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.discoveryTimer);
    clearInterval(this.pollTimer);
    const connection = this.connection ?? await this.connecting?.catch(() => undefined);
    this.connection = undefined;
    if (connection) {
      await connection.live?.dispose().catch(() => undefined);
      await connection.client.send('Runtime.releaseObjectGroup', { objectGroup: OBJECT_GROUP }, { timeoutMs: 2000 }).catch(() => undefined);
      await connection.client.close();
    }
    this.setState({ kind: 'closed' });
    this.changeListeners.clear();
    this.stateListeners.clear();
    this.marksListeners.clear();
  }

  /** Finds the stores again (e.g. after the app replaced its server); `heapScan` per the options. */
  async rediscover(heapScan = this.options.heapScan): Promise<DiscoveryResult> {
    const connection = await this.ensureConnection();
    const discovery = await discoverStores(connection.client, { heapScan });
    await connection.live?.dispose().catch(() => undefined);
    connection.stores = discovery.stores;
    connection.discovery = discovery;
    connection.live = await this.follow(connection.client, discovery.stores);
    this.knownIds = undefined;
    this.emit([{ kind: 'reset' }]);
    return discovery;
  }

  private async allIds(connection: Connection): Promise<{ store: DiscoveredStore; id: string }[]> {
    if (connection.stores.length === 0) await this.rediscoverQuietly(connection);
    const out: { store: DiscoveredStore; id: string }[] = [];
    for (const store of connection.stores) for (const id of await readIds(connection.client, store)) out.push({ store, id });
    return out;
  }

  private async findEntry(connection: Connection, id: string): Promise<{ store: DiscoveredStore; text: string } | undefined> {
    for (const store of connection.stores) {
      const [entry] = await readEntries(connection.client, store, [id]);
      if (entry) return { store, text: entry.text };
    }
    return undefined;
  }

  /** A process that restarted may not serve yet when we reconnect: look again while no store is known. */
  private async rediscoverQuietly(connection: Connection): Promise<void> {
    const discovery = await discoverStores(connection.client, { heapScan: false });
    if (discovery.stores.length === 0 || this.connection !== connection || connection.stores.length > 0) return;
    connection.stores = discovery.stores;
    connection.discovery = discovery;
    connection.live = await this.follow(connection.client, discovery.stores);
    this.emit([{ kind: 'reset' }]);
  }

  private ensureConnection(): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error(`${this.label} was detached`));
    if (this.connection && !this.connection.client.closed) return Promise.resolve(this.connection);
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => { this.connecting = undefined; });
    }
    return this.connecting;
  }

  private async connect(): Promise<Connection> {
    if (this.currentState.kind !== 'disconnected') this.setState({ kind: 'connecting' });
    const url = await this.endpoint.resolve();
    const client = await CdpClient.connect(url, { requestTimeoutMs: this.options.requestTimeoutMs ?? 10_000 });
    try {
      await this.endpoint.onConnected?.(client);
      const discovery = await discoverStores(client, { heapScan: this.options.heapScan });
      const connection: Connection = { client, stores: discovery.stores, discovery };
      connection.live = await this.follow(client, discovery.stores);
      if (this.closed) {
        await connection.live?.dispose().catch(() => undefined);
        await client.close();
        throw new Error(`${this.label} was detached`);
      }
      this.connection = connection;
      client.onClose((reason) => this.onConnectionLost(connection, reason));
      this.options.log?.(`connected to ${this.endpoint.description}: ${discovery.stores.map((s) => s.name).join(', ') || 'no store yet'} (${discovery.apps} app(s), ${discovery.layers} layer(s))`);
      this.setState({ kind: 'connected' });
      this.updatePolling();
      if (connection.stores.length === 0) this.scheduleDiscovery(connection, this.options.reconnectMinMs ?? 250);
      return connection;
    } catch (err) {
      if (!client.closed) await client.close();
      if (this.currentState.kind === 'connecting') this.setState({ kind: 'disconnected', reason: (err as Error).message, retrying: false });
      throw err;
    }
  }

  private async follow(client: CdpClient, stores: DiscoveredStore[]): Promise<LiveSubscription | undefined> {
    if (stores.length === 0) return undefined;
    return subscribeToStores(client, stores, this.bindingName, (_store, change) => {
      if (this.knownIds) {
        if (change.kind === 'set') this.knownIds.add(change.id);
        if (change.kind === 'destroy') this.knownIds.delete(change.id);
      }
      this.emit([change]);
    }, { leaseMs: this.options.leaseMs });
  }

  private onConnectionLost(connection: Connection, reason: string): void {
    if (this.connection !== connection || this.closed) return;
    this.connection = undefined;
    this.options.log?.(`lost ${this.endpoint.description}: ${reason}`);
    this.setState({ kind: 'disconnected', reason: `the Node process ended or closed its inspector (${reason})`, retrying: this.endpoint.reconnect });
    this.emit([{ kind: 'reset' }]);
    if (this.endpoint.reconnect) this.scheduleReconnect(this.options.reconnectMinMs ?? 250);
  }

  /** A process that just (re)started may not serve yet: look for its stores again, backing off, while none is known. */
  private scheduleDiscovery(connection: Connection, delayMs: number): void {
    clearTimeout(this.discoveryTimer);
    this.discoveryTimer = setTimeout(() => {
      if (this.closed || this.connection !== connection || connection.stores.length > 0) return;
      this.rediscoverQuietly(connection).then(
        () => { if (connection.stores.length === 0) this.scheduleDiscovery(connection, Math.min(delayMs * 2, this.options.reconnectMaxMs ?? 3000)); },
        () => { if (!connection.client.closed) this.scheduleDiscovery(connection, Math.min(delayMs * 2, this.options.reconnectMaxMs ?? 3000)); },
      );
    }, delayMs);
    this.discoveryTimer.unref?.();
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.closed) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.ensureConnection().then(
        () => { this.knownIds = undefined; this.emit([{ kind: 'reset' }]); },
        (err: unknown) => {
          if (this.closed) return;
          this.setState({ kind: 'disconnected', reason: (err as Error).message, retrying: true });
          this.scheduleReconnect(Math.min(delayMs * 2, this.options.reconnectMaxMs ?? 3000));
        },
      );
    }, delayMs);
  }

  /** The ids-only poll runs only while someone listens and the connection is up. */
  private updatePolling(): void {
    const pollMs = this.options.pollMs ?? 5000;
    const wanted = pollMs > 0 && this.changeListeners.size > 0 && !this.closed;
    if (!wanted) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
      this.knownIds = undefined;
      return;
    }
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => { void this.reconcile(); }, pollMs);
    this.pollTimer.unref?.();
  }

  private reconciling = false;

  /** Compares the ids with the last known set: vanished ones expired, new ones were set. */
  private async reconcile(): Promise<void> {
    const connection = this.connection;
    if (!connection || this.reconciling) return;
    this.reconciling = true;
    try {
      const ids = new Set((await this.allIds(connection)).map((x) => x.id));
      const previous = this.knownIds;
      this.knownIds = ids;
      if (!previous) return;
      const changes: SessionChange[] = [];
      for (const id of previous) if (!ids.has(id)) changes.push({ kind: 'expire', id });
      for (const id of ids) if (!previous.has(id)) changes.push({ kind: 'set', id });
      if (changes.length > 0) this.emit(changes);
    } catch {
      // A lost connection is reported through the state; a failed poll is retried next time.
    } finally {
      this.reconciling = false;
    }
  }

  private emit(changes: SessionChange[]): void {
    this.changeListeners.fire(changes);
  }

  private setState(state: SourceState): void {
    const previous = this.currentState;
    this.currentState = state;
    if (previous.kind === state.kind && JSON.stringify(previous) === JSON.stringify(state)) return;
    this.stateListeners.fire(state);
  }
}

/** Same stored value: the exact text, or the same JSON once parsed (editors may reformat). */
function sameValue(stored: string, expected: string): boolean {
  if (stored === expected) return true;
  try {
    return JSON.stringify(JSON.parse(stored)) === JSON.stringify(JSON.parse(expected));
  } catch {
    return false;
  }
}
