// The Redis session store (connect-redis layout: `<prefix><sid>` → JSON): paged SCAN listing over every
// master, values and TTLs in pipelined batches, live changes from keyspace notifications or polling,
// reconnection with back-off, and writes that keep the TTL, compare before setting, and stay in the prefix.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LARGE_VALUE_BYTES, largeSummary, parseListedText, parseSessionValue } from '../sessions/describe';
import { ReadOnlySourceError, SourceBaseOptions, SourceUnavailableError, StaleCursorError, StoreSessionSource, backoffDelay } from '../sessions/sourceBase';
import { ListPage, SessionChangedError, SessionRecord } from '../sessions/types';
import { ConnectOptions, RedisConnection, RedisConnectionError, classifyError, connectionMessage, nodeAddress, openRedis } from './connection';
import { assertUsablePrefix, guardedKey, matchPattern } from './prefixGuard';
import { RedisTarget, describeTarget, isLoopbackTarget } from './url';

export interface RedisSourceOptions extends ConnectOptions, SourceBaseOptions {
  id: string;
  label?: string;
  target: RedisTarget;
  /** Key prefix of the sessions (connect-redis default `sess:`). */
  prefix?: string;
  /** False: every write is refused (non-loopback hosts until the user allows writes). */
  writable?: boolean;
  /** SCAN COUNT hint per call (default 1000). */
  scanCount?: number;
  /** Keys per pipelined value fetch (default 500). */
  fetchBatch?: number;
  /** 'auto': keyspace notifications when the server sends them, else polling. 'poll': polling only. 'off': none. */
  liveUpdates?: 'auto' | 'poll' | 'off';
  pollIntervalMs?: number;
  /** Values larger than this are summarized in listings (default 1 MB). */
  maxValueBytes?: number;
}

export { ReadOnlySourceError, SourceUnavailableError, StaleCursorError };

const DEFAULT_TTL_SECONDS = 86400;

// Compare-and-set that keeps the TTL: ARGV = [checkFlag, expected, newValue, ttlForNewKey].
const SET_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' and cur ~= ARGV[2] then
  if cur == false then return -1 end
  return 0
end
if cur == false then
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ARGV[4])
else
  redis.call('SET', KEYS[1], ARGV[3], 'KEEPTTL')
end
return 1`;

// Batch read for listings, one command: {values, pttls, large}. `values` is the MGET reply (nil for a key
// gone or of another type) with each value over ARGV[1] bytes cut to its first KB; `pttls` the PTTL of
// each key (Redis has no multi-key PTTL); `large` lists index, full size for each value that was cut.
const FETCH_SCRIPT = `
local values = redis.call('MGET', unpack(KEYS))
local max = tonumber(ARGV[1])
local pttls = {}
local large = {}
for i, key in ipairs(KEYS) do
  pttls[i] = redis.call('PTTL', key)
  local value = values[i]
  if value and #value > max then
    large[#large + 1] = i
    large[#large + 1] = #value
    values[i] = string.sub(value, 1, 1024)
  end
end
return {values, pttls, large}`;
const FETCH_SCRIPT_SHA = createHash('sha1').update(FETCH_SCRIPT).digest('hex');

/** How long a SCAN sent ahead for the next page stays usable. */
const PREFETCH_TTL_MS = 5000;

/** SCAN COUNT grows up to this when the prefix is sparse (few sessions among many keys). */
const MAX_SCAN_COUNT = 10_000;

/** One key of a batch read: its PTTL (-2 = gone) and its value (the head of a large one), or why it has none. */
interface FetchedKey {
  pttl: number;
  /** Text when the value is valid UTF-8 (read as text: no copy through a Buffer), else its bytes. */
  value: string | Buffer | null;
  /** Set when the key holds another type (hash, list, ...). */
  notString?: string;
  /** The whole value's size in bytes when known (else `value` may be only its head). */
  size?: number;
}

/** A Redis key as sent back to Redis: text when it is valid UTF-8, else its bytes. */
type KeyName = string | Buffer;

function keyName(key: Buffer): KeyName {
  const text = key.toString('utf8');
  return text.includes('\uFFFD') ? key : text;
}

export class RedisSessionSource extends StoreSessionSource<RedisConnection> {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  readonly target: RedisTarget;
  protected override readonly clientReconnects = true;
  private live: { mode: 'notifications' | 'polling' | 'off'; stop: () => void } = { mode: 'off', stop: () => {} };
  private readonly options: RedisSourceOptions;
  private scriptsAllowed = true;
  /** The first SCAN of the page after the last one listed, sent ahead (used once, if asked for soon). */
  private prefetchedScan: { cursor: string; count: number; at: number; reply: Promise<[Buffer, Buffer[]]> } | undefined;

  constructor(options: RedisSourceOptions) {
    const prefix = options.prefix ?? 'sess:';
    assertUsablePrefix(prefix);
    super(options.id, options.label ?? `${describeTarget(options.target)} (${prefix})`, options.writable ?? isLoopbackTarget(options.target), 'Redis', options);
    this.options = options;
    this.target = options.target;
    this.prefix = prefix;
  }

  /** Connects once and fails fast (the CLI). The returned source does not reconnect unless `retry` is set. */
  static async connect(options: RedisSourceOptions): Promise<RedisSessionSource> {
    const source = new RedisSessionSource({ liveUpdates: 'off', ...options });
    await source.connectOnce();
    return source;
  }

  /** How live updates arrive right now. */
  get liveMode(): 'notifications' | 'polling' | 'off' { return this.live.mode; }
  get connectionMode(): RedisConnection['mode'] | undefined { return this.conn?.mode; }

  protected async openConnection(): Promise<RedisConnection> {
    const conn = await openRedis(this.target, { ...this.options, retry: this.options.retry ?? true });
    this.watchConnection(conn);
    return conn;
  }

  protected async closeConnection(conn: RedisConnection): Promise<void> {
    await conn.close();
  }

  protected whenConnected(): void {
    void this.startLiveUpdates();
  }

  protected stopLiveUpdates(): void {
    this.live.stop();
    this.live = { mode: 'off', stop: () => {} };
  }

  private watchConnection(conn: RedisConnection): void {
    const client = conn.client as unknown as import('node:events').EventEmitter;
    let lastError = '';
    client.on('error', (err: Error) => {
      lastError = err.message;
      this.log('debug', `redis error: ${err.message}`);
    });
    client.on('node error', (err: Error) => { lastError = err.message; });
    const down = () => {
      if (this.closed || this.state.kind !== 'connected') return;
      const failure = classifyError(lastError || 'connection closed');
      this.connectionLost(connectionMessage(this.target, failure, lastError || 'connection closed'));
    };
    client.on('close', down);
    client.on('reconnecting', down);
    client.on('end', () => this.connectionEnded(lastError || 'connection ended'));
    client.on('ready', () => {
      // The first 'ready' comes before connectOnce has kept the connection: only later ones are reconnections.
      if (this.closed || this.state.kind === 'connected' || this.conn !== conn) return;
      this.log('info', `reconnected to ${describeTarget(this.target)}`);
      this.reconnected();
    });
  }


  // ---- listing ----

  async list(options: { cursor?: string; limit: number }): Promise<ListPage> {
    const conn = await this.ready();
    // A new listing of a cluster starts from a fresh slot map (a failover may have changed the masters).
    if (!options.cursor) await conn.refreshTopology();
    const masters = conn.masters();
    const topology = topologyTag(masters);
    let node = 0;
    let scanCursor = '0';
    if (options.cursor) {
      const m = /^(\d+):(\w+):(\d+):(\d+)$/.exec(options.cursor);
      if (!m) throw new StaleCursorError('invalid listing cursor');
      if (Number(m[1]) !== this.epoch) throw new StaleCursorError('the connection was re-established since this listing started: list again');
      if (m[2] !== topology) throw new StaleCursorError('the cluster\'s masters changed since this listing started: list again');
      node = Number(m[3]);
      scanCursor = m[4];
    }
    const limit = Math.max(1, options.limit);
    let count = Math.max(this.options.scanCount ?? 1000, Math.min(limit, MAX_SCAN_COUNT));
    const pattern = matchPattern(this.prefix);
    const scan = (client: Redis, cursor: string, scanCount: number) => client.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', scanCount);
    // The first SCAN of this page may already be on its way (sent while the previous page was read).
    let pending: Promise<[Buffer, Buffer[]]> | undefined;
    const prefetched = this.prefetchedScan;
    this.prefetchedScan = undefined;
    if (prefetched && options.cursor === prefetched.cursor && Date.now() - prefetched.at < PREFETCH_TTL_MS) {
      count = Math.max(count, prefetched.count);
      pending = prefetched.reply.catch(() => scan(masters[node], scanCursor, count));
    }
    // Values are fetched while SCAN goes on (both pipelined on the connection); order is kept.
    const fetches: Promise<SessionRecord[]>[] = [];
    let total = 0;
    try {
      while (node < masters.length && total < limit) {
        const client = masters[node];
        const [next, keys] = await (pending ?? scan(client, scanCursor, count));
        pending = undefined;
        scanCursor = next.toString();
        // A sparse prefix gets a larger COUNT: fewer round trips for the same keys.
        if (keys.length * 4 < count && count < MAX_SCAN_COUNT) count = Math.min(MAX_SCAN_COUNT, count * 2);
        if (keys.length > 0) {
          const fetch = this.fetchRecords(client, keys);
          fetch.catch(() => {}); // awaited below; an early SCAN failure must not leave it unhandled
          fetches.push(fetch);
          total += keys.length;
        }
        if (scanCursor === '0') node++;
      }
      if (node < masters.length) {
        // Ask for the next page's first keys now, so that SCAN overlaps the reads still in flight.
        const reply = scan(masters[node], scanCursor, count);
        reply.catch(() => {}); // a failure is handled when (if) the next page is asked for
        this.prefetchedScan = { cursor: `${this.epoch}:${topology}:${node}:${scanCursor}`, count, at: Date.now(), reply };
      }
    } finally {
      await Promise.allSettled(fetches);
    }
    const sessions = (await Promise.all(fetches)).flat();
    const done = node >= masters.length;
    return { sessions, ...(done ? {} : { cursor: `${this.epoch}:${topology}:${node}:${scanCursor}` }) };
  }

  /** Values and TTLs of `keys` in batches (one round trip each); keys gone meanwhile are left out. */
  private async fetchRecords(client: Redis, scanned: Buffer[]): Promise<SessionRecord[]> {
    // Keys that are valid UTF-8 travel as text (cheaper to send); others stay bytes, so they still match.
    const keys = scanned.map(keyName);
    const batch = this.options.fetchBatch ?? 500;
    const maxBytes = this.options.maxValueBytes ?? LARGE_VALUE_BYTES;
    const slices: KeyName[][] = [];
    for (let i = 0; i < keys.length; i += batch) slices.push(keys.slice(i, i + batch));
    // Every batch is sent at once (pipelined on the connection), then read in order.
    const replies = slices.map((slice) => this.fetchBatch(client, slice, maxBytes));
    for (const reply of replies) reply.catch(() => {}); // each is awaited below
    const records: SessionRecord[] = [];
    for (let b = 0; b < slices.length; b++) {
      const slice = slices[b];
      const fetched = await replies[b];
      // Parse after pending I/O callbacks, so the listing's next SCAN is sent first and Redis works on
      // it while this batch is parsed.
      await new Promise((resolve) => setImmediate(resolve));
      const now = Date.now();
      const expiries = new Map<number, string | null>();
      const large: { index: number; key: KeyName; head: Buffer; pttl: number }[] = [];
      for (let j = 0; j < slice.length; j++) {
        const key = slice[j];
        const { pttl, value, notString, size } = fetched[j];
        if (pttl === -2) continue; // expired or deleted between SCAN and the read
        if (value === null) {
          // Another type under the prefix (hash, list, ...): shown, never parsed.
          records.push(this.keyRecord(key, pttl, { data: null, raw: `not a string value (${notString ?? 'WRONGTYPE'})` }, now, undefined, expiries));
        } else if (typeof value === 'string') {
          records.push(this.keyRecord(key, pttl, parseListedText(value, maxBytes), now, undefined, expiries));
        } else if (size !== undefined && size > maxBytes) {
          // Summarized, never parsed: the script sent only its head.
          records.push(this.keyRecord(key, pttl, largeSummary(value, size), now));
        } else if (value.length > maxBytes) {
          // Read with GETRANGE (its first maxBytes + 1 bytes): summarized, only the head is kept.
          const head = Buffer.from(value.subarray(0, 1024));
          large.push({ index: records.length, key, head, pttl });
          records.push(this.keyRecord(key, pttl, { data: null, raw: '' }, now));
        } else {
          records.push(this.keyRecord(key, pttl, parseListedValue(value, maxBytes), now, undefined, expiries));
        }
      }
      if (large.length > 0) {
        // Read with GETRANGE (cluster, no scripts): the size is asked separately.
        const sizes = await Promise.all(large.map((l) => client.strlen(l.key).catch(() => l.head.length)));
        large.forEach((l, j) => {
          const size = Number(sizes[j]);
          records[l.index] = this.keyRecord(l.key, l.pttl, largeSummary(l.head, size), now);
        });
      }
    }
    return records;
  }

  /**
   * For each key its PTTL and its value. Standalone and Sentinel: one Lua call per batch (one MGET and
   * the PTTLs inside the server: one command to send and parse instead of two per key). A cluster node
   * cannot run it over keys of several slots, so it gets GETRANGE+PTTL per key, as does a server that
   * refuses scripts.
   */
  private async fetchBatch(client: Redis, keys: KeyName[], maxBytes: number): Promise<FetchedKey[]> {
    if (this.conn?.mode !== 'cluster' && this.scriptsAllowed) {
      try {
        // Values come back as text: the common case (UTF-8 JSON) is parsed without a Buffer in between.
        type Reply = [(string | null)[], number[], number[]];
        let reply: Reply;
        try {
          reply = (await client.call('EVALSHA', FETCH_SCRIPT_SHA, keys.length, ...keys, String(maxBytes))) as Reply;
        } catch (err) {
          if (!/^NOSCRIPT/.test(firstLine(err))) throw err;
          reply = (await client.call('EVAL', FETCH_SCRIPT, keys.length, ...keys, String(maxBytes))) as Reply;
        }
        const [values, ttls, large] = reply;
        const sizes = new Map<number, number>();
        for (let j = 0; j + 1 < large.length; j += 2) sizes.set(Number(large[j]) - 1, Number(large[j + 1]));
        const out: FetchedKey[] = new Array(keys.length);
        const binary: number[] = [];
        for (let j = 0; j < keys.length; j++) {
          const value = values[j];
          const pttl = Number(ttls[j]);
          if (value === null || value === undefined) out[j] = { pttl, value: null, notString: 'WRONGTYPE Operation against a key holding the wrong kind of value' };
          else if (sizes.has(j)) out[j] = { pttl, value: Buffer.from(value, 'utf8'), size: sizes.get(j) };
          // U+FFFD: bytes that are not UTF-8 (or that character itself): read those few again as bytes.
          else if (value.includes('\uFFFD')) { out[j] = { pttl, value: null }; binary.push(j); }
          else out[j] = { pttl, value };
        }
        if (binary.length > 0) {
          const pipeline = client.pipeline();
          for (const j of binary) pipeline.getrangeBuffer(keys[j], 0, maxBytes);
          const bytes = ((await pipeline.exec()) ?? []) as [Error | null, Buffer | null][];
          binary.forEach((j, i) => {
            const [err, value] = bytes[i] ?? [new Error('no reply'), null];
            out[j] = err || value === null ? { pttl: -2, value: null } : { pttl: out[j].pttl, value };
          });
        }
        return out;
      } catch (err) {
        if (!/unknown command|NOPERM|not allowed|scripts? (are )?disabled/i.test(firstLine(err))) throw err;
        this.scriptsAllowed = false;
        this.log('info', `scripts are not allowed (${firstLine(err)}); fetching with pipelines`);
      }
    }
    const pipeline = client.pipeline();
    for (const key of keys) {
      pipeline.getrangeBuffer(key, 0, maxBytes);
      pipeline.pttl(key);
    }
    const replies = ((await pipeline.exec()) ?? []) as [Error | null, unknown][];
    return keys.map((_key, j) => {
      const [valueErr, value] = replies[2 * j] ?? [new Error('no reply'), null];
      const [ttlErr, pttl] = replies[2 * j + 1] ?? [new Error('no reply'), null];
      if (ttlErr) throw ttlErr;
      if (valueErr) return { pttl: Number(pttl), value: null, notString: firstLine(valueErr) };
      return { pttl: Number(pttl), value: value as Buffer };
    });
  }

  /** `expiries` caches the expiry text per TTL within one batch (same `now`): many sessions share a TTL. */
  private keyRecord(key: KeyName, pttl: number, parsed: { data: unknown; raw?: string; size?: number }, now: number, value?: string, expiries?: Map<number, string | null>): SessionRecord {
    const keyText = typeof key === 'string' ? key : key.toString('utf8');
    const ttl = pttl >= 0 ? Math.ceil(pttl / 1000) : pttl === -1 ? -1 : null;
    return this.record({ id: keyText.slice(this.prefix.length), key: keyText, ttl, ...parsed, value }, now, expiries);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const conn = await this.ready();
    const key = Buffer.from(this.prefix + id, 'utf8');
    const [[valueErr, value], [ttlErr, pttl]] = ((await conn.client.pipeline().getBuffer(key).pttl(key).exec()) ?? []) as [Error | null, unknown][];
    if (ttlErr) throw ttlErr;
    if (valueErr) {
      if (Number(pttl) === -2) return undefined;
      return this.keyRecord(key, Number(pttl), { data: null, raw: `not a string value (${firstLine(valueErr)})` }, Date.now());
    }
    if (value === null) return undefined;
    const bytes = value as Buffer;
    const text = bytes.toString('utf8');
    const exact = Buffer.from(text, 'utf8').equals(bytes);
    return this.keyRecord(key, Number(pttl), parseSessionValue(bytes, { maxBytes: Number.POSITIVE_INFINITY }), Date.now(), exact ? text : undefined);
  }

  // ---- writes (all through guardedKey) ----

  async set(id: string, data: unknown, options: { expectRaw?: string } = {}): Promise<void> {
    const key = guardedKey(this.prefix, id);
    const conn = this.writableConnection();
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('a session must be a JSON object');
    const value = JSON.stringify(data);
    const ttl = defaultTtl(data);
    const check = options.expectRaw !== undefined;
    const result = Number(await conn.client.eval(SET_SCRIPT, 1, key, check ? '1' : '0', options.expectRaw ?? '', value, String(ttl)));
    if (result === -1) throw new SessionChangedError(`session ${id} expired or was deleted since it was read; nothing was written`);
    if (result === 0) throw new SessionChangedError(`session ${id} changed in the store since it was read; nothing was written`);
  }

  async destroy(id: string): Promise<boolean> {
    const key = guardedKey(this.prefix, id);
    return (await this.writableConnection().client.del(key)) > 0;
  }

  async extend(id: string, seconds: number): Promise<void> {
    const key = guardedKey(this.prefix, id);
    if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError('the time to live must be a positive number of seconds');
    const ok = await this.writableConnection().client.expire(key, seconds);
    if (ok === 0) throw new SessionChangedError(`session ${id} no longer exists`);
  }

  // ---- live updates ----


  /** The server's `notify-keyspace-events` flags, or undefined when CONFIG is not allowed. */
  async notificationFlags(): Promise<string | undefined> {
    try {
      const reply = (await this.connection().masters()[0].config('GET', 'notify-keyspace-events')) as string[];
      return reply[1] ?? '';
    } catch {
      return undefined;
    }
  }

  /** Turns on the keyspace events the view needs (only ever called after the user agreed, on a local server). */
  async enableKeyspaceNotifications(): Promise<void> {
    const conn = this.connection();
    for (const node of conn.masters()) {
      const flags = String(((await node.config('GET', 'notify-keyspace-events')) as string[])[1] ?? '');
      const wanted = new Set([...flags, 'K', 'g', '$', 'x']);
      await node.config('SET', 'notify-keyspace-events', [...wanted].join(''));
    }
    await this.startLiveUpdates();
  }

  private async startLiveUpdates(): Promise<void> {
    this.stopLiveUpdates();
    const wanted = this.options.liveUpdates ?? 'auto';
    if (wanted === 'off' || this.closed) return;
    const epoch = this.epoch;
    if (wanted === 'auto') {
      const flags = await this.notificationFlags();
      if (epoch !== this.epoch || this.closed) return;
      if (flags !== undefined && hasNeededFlags(flags)) {
        try {
          this.live = await this.subscribe();
          this.log('info', `live updates from keyspace notifications on ${this.prefix}*`);
          return;
        } catch (err) {
          this.log('warn', `keyspace notifications unavailable (${firstLine(err)}); polling instead`);
        }
      } else {
        this.log('info', `keyspace notifications are off on the server (notify-keyspace-events '${flags ?? 'unknown'}'); polling every ${this.pollInterval()} ms`);
      }
    }
    if (epoch !== this.epoch || this.closed) return;
    this.live = this.poll();
  }

  private async subscribe(): Promise<{ mode: 'notifications'; stop: () => void }> {
    const conn = this.connection();
    const channel = `__keyspace@${conn.db}__:${matchPattern(this.prefix)}`;
    const subscribers: Redis[] = [];
    const stop = () => { for (const s of subscribers) s.disconnect(); };
    try {
      for (const node of conn.masters()) {
        const sub = node.duplicate({ lazyConnect: true, enableOfflineQueue: true, retryStrategy: backoffDelay, commandTimeout: undefined });
        subscribers.push(sub);
        sub.on('error', (err: Error) => this.log('debug', `notification connection: ${err.message}`));
        sub.on('pmessageBuffer', (_pattern: Buffer, chan: Buffer, event: Buffer) => this.onKeyspaceEvent(chan.toString('utf8'), event.toString()));
        await sub.connect();
        await sub.psubscribe(channel);
      }
    } catch (err) {
      stop();
      throw err;
    }
    return { mode: 'notifications', stop };
  }

  private onKeyspaceEvent(channel: string, event: string): void {
    const key = channel.slice(channel.indexOf('__:') + 3);
    if (!key.startsWith(this.prefix)) return;
    const id = key.slice(this.prefix.length);
    switch (event) {
      case 'set': this.queueChange({ kind: 'set', id }); break;
      case 'del': this.queueChange({ kind: 'destroy', id }); break;
      case 'expired': case 'evicted': this.queueChange({ kind: 'expire', id }); break;
      case 'expire': this.queueChange({ kind: 'touch', id }); break;
      case 'rename_from': this.queueChange({ kind: 'destroy', id }); break;
      case 'rename_to': case 'restore': this.queueChange({ kind: 'set', id }); break;
      default: break;
    }
  }

  private pollInterval(): number { return this.options.pollIntervalMs ?? 5000; }

  /** Polling fallback: lists everything, compares value digests, reports what appeared, changed or went. */
  private poll(): { mode: 'polling'; stop: () => void } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let known: Map<string, string> | undefined;
    const epoch = this.epoch;
    const tick = async () => {
      const started = Date.now();
      try {
        const seen = new Map<string, string>();
        let cursor: string | undefined;
        do {
          const page = await this.list({ cursor, limit: 1000 });
          for (const r of page.sessions) seen.set(r.id, digest(r));
          cursor = page.cursor;
        } while (cursor && !stopped);
        if (stopped || epoch !== this.epoch) return;
        if (known) {
          for (const [id, d] of seen) if (known.get(id) !== d) this.queueChange({ kind: 'set', id });
          for (const id of known.keys()) if (!seen.has(id)) this.queueChange({ kind: 'destroy', id });
        }
        known = seen;
      } catch (err) {
        this.log('debug', `poll failed: ${firstLine(err)}`);
      }
      if (stopped) return;
      // A large store is polled less often, so polling never keeps Redis busy.
      timer = setTimeout(() => void tick(), Math.max(this.pollInterval(), 10 * (Date.now() - started)));
    };
    void tick();
    return { mode: 'polling', stop: () => { stopped = true; clearTimeout(timer); } };
  }

}

/**
 * A listed value: the common case (a JSON object in valid UTF-8) parsed directly; anything else through
 * the careful parser, which says what the value is.
 */
function parseListedValue(bytes: Buffer, maxBytes: number): { data: unknown; raw?: string; size?: number } {
  if (bytes[0] === 0x7b) {
    const text = bytes.toString('utf8');
    try {
      const data: unknown = JSON.parse(text);
      // U+FFFD marks bytes that were not UTF-8: let the careful parser describe those.
      if (data !== null && typeof data === 'object' && !Array.isArray(data) && !text.includes('\uFFFD')) return { data, size: bytes.length };
    } catch {
      // not JSON after all
    }
  }
  return parseSessionValue(bytes, { maxBytes });
}

/** A short tag of which nodes a listing scans, kept in its cursors (a cluster's masters can change). */
function topologyTag(masters: Redis[]): string {
  if (masters.length <= 1) return '0';
  return createHash('sha1').update(masters.map(nodeAddress).join(',')).digest('hex').slice(0, 8);
}

function hasNeededFlags(flags: string): boolean {
  if (!flags.includes('K')) return false;
  return flags.includes('A') || (flags.includes('g') && flags.includes('$') && flags.includes('x'));
}

function defaultTtl(data: unknown): number {
  const expires = (data as { cookie?: { expires?: unknown } }).cookie?.expires;
  if (typeof expires === 'string' || typeof expires === 'number') {
    const seconds = Math.ceil((new Date(expires).getTime() - Date.now()) / 1000);
    if (Number.isFinite(seconds) && seconds > 0) return seconds;
  }
  return DEFAULT_TTL_SECONDS;
}

function digest(record: SessionRecord): string {
  return createHash('sha1').update(record.data !== null ? JSON.stringify(record.data) : (record.raw ?? '')).digest('base64');
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}


export { RedisConnectionError };
