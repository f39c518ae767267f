// Sessions in PostgreSQL, connect-pg-simple's layout: a table (default `session`) with `sid` (primary key),
// `sess` (json, jsonb or text) and `expire` (timestamp). Paged listing by sid, live changes from a cheap
// signature polled (the user's schema is never changed), and writes that touch only that table, one row by
// its sid: compare-and-set edits, and an extension that moves `expire` and the cookie's expiry together.
// A row is live while `expire` >= now rounded up to the second, the test the store's own reads make.
import type { Pool, PoolClient, QueryResult } from 'pg';
import { LARGE_VALUE_BYTES, largeSummary, parseListedText, parseSessionValue } from '../sessions/describe';
import { SourceBaseOptions, StoreSessionSource } from '../sessions/sourceBase';
import { ListPage, SessionChangedError, SessionRecord } from '../sessions/types';
import { PostgresTarget, describePostgres, isLoopbackPostgres, quotedTable } from './target';

export interface PgSourceOptions extends SourceBaseOptions {
  id: string;
  label?: string;
  target: PostgresTarget;
  /** False: every write is refused (non-loopback hosts until the user allows writes). */
  writable?: boolean;
  /** 'poll' (default): a change signature polled; 'off': none. */
  liveUpdates?: 'poll' | 'off';
  pollIntervalMs?: number;
  /** Values larger than this are summarized in listings (default 1 MB). */
  maxValueBytes?: number;
  connectTimeoutMs?: number;
}

/** The table is not a session table (a column is missing), or not there at all. */
export class SessionTableError extends Error { override name = 'SessionTableError'; }

/** connect-pg-simple's default time to live of a session without a cookie expiry: one day. */
const DEFAULT_TTL_SECONDS = 86400;

interface ListedRow { sid: string; sess: string | null; size: number; expire_ms: number }

export class PgSessionSource extends StoreSessionSource<Pool> {
  readonly kind = 'postgres' as const;
  readonly target: PostgresTarget;
  private readonly table: string;
  private readonly options: PgSourceOptions;
  private live: { stop: () => void } | undefined;

  constructor(options: PgSourceOptions) {
    super(options.id, options.label ?? `PostgreSQL ${describePostgres(options.target).replace(/^postgres:\/\//, '')}`, options.writable ?? isLoopbackPostgres(options.target), 'PostgreSQL', options);
    this.options = options;
    this.target = options.target;
    this.table = quotedTable(options.target);
  }

  /** Connects once and fails fast (the CLI): no reconnection, no live updates. */
  static async connect(options: PgSourceOptions): Promise<PgSessionSource> {
    const source = new PgSessionSource({ liveUpdates: 'off', retry: false, ...options });
    await source.connectOnce();
    return source;
  }

  protected async openConnection(): Promise<Pool> {
    const { Pool } = require('pg') as typeof import('pg');
    const pool = new Pool({
      ...this.target.config,
      ...(this.target.password !== undefined ? { password: this.target.password } : {}),
      max: 3,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5000,
      idleTimeoutMillis: 10_000,
      allowExitOnIdle: true,
      application_name: 'session-lens',
    });
    // An idle connection that breaks (server restarted) is reported here, not by a query.
    pool.on('error', (err) => this.lost(err));
    try {
      await this.checkTable(pool);
    } catch (err) {
      await pool.end().catch(() => {});
      throw this.describeFailure(err);
    }
    return pool;
  }

  protected async closeConnection(pool: Pool): Promise<void> {
    await pool.end().catch(() => {});
  }

  protected whenConnected(pool: Pool): void {
    if ((this.options.liveUpdates ?? 'poll') === 'poll') this.live = this.poll(pool);
  }

  protected stopLiveUpdates(): void {
    this.live?.stop();
    this.live = undefined;
  }

  /** Refuses a table without connect-pg-simple's columns (or no table), naming what it found. */
  private async checkTable(pool: Pool): Promise<void> {
    const { rows } = await pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = COALESCE($2, current_schema())`,
      [this.target.table, this.target.schema ?? null],
    );
    const where = this.target.schema ? `${this.target.schema}.${this.target.table}` : this.target.table;
    if (rows.length === 0) {
      throw new SessionTableError(`there is no table ${where} in database ${this.target.config.database ?? ''}: set the table (and schema) the app's connect-pg-simple uses (tableName, schemaName)`);
    }
    const columns = new Set(rows.map((r) => r.column_name));
    const missing = ['sid', 'sess', 'expire'].filter((c) => !columns.has(c));
    if (missing.length > 0) {
      throw new SessionTableError(`table ${where} is not a session table: it has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} (connect-pg-simple's layout is sid, sess, expire); nothing was read or written`);
    }
  }

  /** A connection error as one line a person can act on. */
  private describeFailure(err: unknown): Error {
    if (err instanceof SessionTableError) return err;
    const code = (err as { code?: string } | null)?.code ?? '';
    const text = err instanceof Error ? err.message : String(err);
    const where = describePostgres(this.target);
    if (code === '28P01' || code === '28000') return new Error(`PostgreSQL refused the credentials for ${where}: ${text}`);
    if (code === '3D000') return new Error(`${where}: ${text}`);
    if (code === 'ECONNREFUSED') return new Error(`nothing accepts connections at ${where}: is PostgreSQL running?`);
    if (/CERT|SIGNATURE|SELF_SIGNED|ALTNAME/.test(code) || /certificate/i.test(text)) {
      return new Error(`the TLS certificate of ${where} cannot be verified (${text}): name its CA with sslrootcert=FILE in the URL`);
    }
    if (/^57P0[123]$/.test(code)) return new Error(`PostgreSQL at ${where} closed the connection (${text})`);
    if (/timeout/i.test(text)) return new Error(`PostgreSQL at ${where} did not answer in time`);
    return new Error(`cannot read ${where}: ${text}`);
  }

  /** A failure of the connection itself (not of a statement): the base class reconnects. */
  private lost(err: unknown): void {
    if (isConnectionError(err)) this.connectionLost(this.describeFailure(err).message);
  }

  /** Runs one statement; a broken connection is reported as lost before the error is passed on. */
  private async query<R extends object>(pool: Pool, text: string, values: unknown[]): Promise<QueryResult<R>> {
    try {
      return await pool.query<R>(text, values);
    } catch (err) {
      this.lost(err);
      throw err;
    }
  }

  // ---- reading ----

  async list(options: { cursor?: string; limit: number }): Promise<ListPage> {
    const pool = await this.ready();
    const limit = Math.max(1, Math.floor(options.limit));
    const maxBytes = this.options.maxValueBytes ?? LARGE_VALUE_BYTES;
    const after = options.cursor;
    // Keyset paging on the primary key: a page costs the same wherever it starts, and a write meanwhile
    // never makes a page skip or repeat a session.
    const { rows } = await this.query<ListedRow>(pool,
      `SELECT sid, CASE WHEN size > $3 THEN left(text, 1024) ELSE text END AS sess, size, expire_ms
         FROM (SELECT sid, sess::text AS text, octet_length(sess::text) AS size,
                      (extract(epoch FROM expire::timestamptz) * 1000)::float8 AS expire_ms
                 FROM ${this.table}
                WHERE expire >= to_timestamp(ceil($1::double precision / 1000))${after !== undefined ? ' AND sid > $4' : ''}
                ORDER BY sid LIMIT $2) AS page`,
      after !== undefined ? [Date.now(), limit, maxBytes, after] : [Date.now(), limit, maxBytes]);
    const now = Date.now();
    // Many sessions share a TTL: their expiry text is made once per page.
    const expiries = new Map<number, string | null>();
    const sessions = rows.map((row) => this.rowRecord(row, now, maxBytes, expiries));
    return { sessions, ...(rows.length === limit ? { cursor: rows[rows.length - 1].sid } : {}) };
  }

  private rowRecord(row: ListedRow, now: number, maxBytes: number, expiries: Map<number, string | null>): SessionRecord {
    const size = Number(row.size);
    const ttl = Math.max(0, Math.ceil((Number(row.expire_ms) - now) / 1000));
    const parsed = row.sess === null ? { data: null, raw: 'empty value (NULL)' }
      : size > maxBytes ? largeSummary(Buffer.from(row.sess, 'utf8'), size)
      : parseListedText(row.sess, maxBytes, size);
    return this.record({ id: row.sid, key: row.sid, ttl, ...parsed }, now, expiries);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const pool = await this.ready();
    const { rows } = await this.query<{ sess: string | null; expire_ms: string }>(pool,
      `SELECT sess::text AS sess, extract(epoch FROM expire::timestamptz) * 1000 AS expire_ms FROM ${this.table}
        WHERE sid = $1 AND expire >= to_timestamp(ceil($2::double precision / 1000))`, [id, Date.now()]);
    const row = rows[0];
    if (!row) return undefined;
    const now = Date.now();
    const ttl = Math.max(0, Math.ceil((Number(row.expire_ms) - now) / 1000));
    if (row.sess === null) return this.record({ id, key: id, ttl, data: null, raw: 'empty value (NULL)' }, now);
    return this.record({ id, key: id, ttl, ...parseSessionValue(row.sess, { maxBytes: Number.POSITIVE_INFINITY }), value: row.sess }, now);
  }

  // ---- writes: one row of the session table, by its sid ----

  async set(id: string, data: unknown, options: { expectRaw?: string } = {}): Promise<void> {
    const pool = this.writableConnection();
    checkId(id);
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('a session must be a JSON object');
    const value = JSON.stringify(data);
    const now = Date.now();
    if (options.expectRaw !== undefined) {
      const updated = await this.query(pool,
        `UPDATE ${this.table} SET sess = $2 WHERE sid = $1 AND sess::text = $3 AND expire >= to_timestamp(ceil($4::double precision / 1000))`,
        [id, value, options.expectRaw, now]);
      if (updated.rowCount === 1) return;
      const exists = await this.query(pool, `SELECT 1 FROM ${this.table} WHERE sid = $1 AND expire >= to_timestamp(ceil($2::double precision / 1000))`, [id, now]);
      if (exists.rowCount === 0) throw new SessionChangedError(`session ${id} expired or was deleted since it was read; nothing was written`);
      throw new SessionChangedError(`session ${id} changed in the store since it was read; nothing was written`);
    }
    // Keeps the expiry of an existing row; a new one expires with its cookie, as the store's own set does.
    await this.query(pool,
      `INSERT INTO ${this.table} (sid, sess, expire) VALUES ($1, $2, to_timestamp($3::double precision / 1000))
       ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess`,
      [id, value, cookieExpiryMs(data, now) ?? now + DEFAULT_TTL_SECONDS * 1000]);
  }

  async destroy(id: string): Promise<boolean> {
    const pool = this.writableConnection();
    checkId(id);
    const { rowCount } = await this.query(pool, `DELETE FROM ${this.table} WHERE sid = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  /** Moves `expire` and the cookie's `expires` together (what the store's touch does), in one transaction. */
  async extend(id: string, seconds: number): Promise<void> {
    const pool = this.writableConnection();
    checkId(id);
    if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError('the time to live must be a positive number of seconds');
    let client: PoolClient;
    try {
      client = await pool.connect();
    } catch (err) {
      this.lost(err);
      throw err;
    }
    try {
      await client.query('BEGIN');
      const now = Date.now();
      const { rows } = await client.query<{ sess: string | null }>(
        `SELECT sess::text AS sess FROM ${this.table} WHERE sid = $1 AND expire >= to_timestamp(ceil($2::double precision / 1000)) FOR UPDATE`, [id, now]);
      if (!rows[0]) throw new SessionChangedError(`session ${id} no longer exists`);
      const expires = now + seconds * 1000;
      const sess = withCookieExpiry(rows[0].sess, expires);
      await client.query(`UPDATE ${this.table} SET expire = to_timestamp($2::double precision / 1000)${sess !== undefined ? ', sess = $3' : ''} WHERE sid = $1`,
        sess !== undefined ? [id, expires, sess] : [id, expires]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      this.lost(err);
      throw err;
    } finally {
      client.release();
    }
  }

  // ---- live updates ----

  /**
   * Polls a signature of the live rows (their count and a hash of every sid with its row version, computed in
   * the server: one small reply); when it moves, one listing of sids, versions and value digests says which
   * sessions were written, touched, deleted or expired. A large table is polled less often.
   */
  private poll(pool: Pool): { stop: () => void } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let signature: string | undefined;
    let known: Map<string, { version: string; digest: string; expireMs: number }> | undefined;
    const epoch = this.epoch;
    const interval = this.options.pollIntervalMs ?? 2000;
    const tick = async () => {
      const started = Date.now();
      try {
        const now = Date.now();
        const sig = await pool.query<{ n: string; h: string }>(
          `SELECT count(*) AS n, coalesce(sum(hashtext(sid || ':' || xmin::text)::bigint), 0)::text AS h FROM ${this.table}
            WHERE expire >= to_timestamp(ceil($1::double precision / 1000))`, [now]);
        const next = `${sig.rows[0].n}:${sig.rows[0].h}`;
        if (stopped || epoch !== this.epoch) return;
        if (next !== signature) {
          const { rows } = await pool.query<{ sid: string; v: string; d: string; expire_ms: string }>(
            `SELECT sid, xmin::text AS v, md5(sess::text) AS d, extract(epoch FROM expire::timestamptz) * 1000 AS expire_ms FROM ${this.table}
              WHERE expire >= to_timestamp(ceil($1::double precision / 1000))`, [now]);
          if (stopped || epoch !== this.epoch) return;
          const seen = new Map(rows.map((r) => [r.sid, { version: r.v, digest: r.d, expireMs: Number(r.expire_ms) }]));
          if (known) {
            for (const [sid, row] of seen) {
              const before = known.get(sid);
              if (!before || before.digest !== row.digest) this.queueChange({ kind: 'set', id: sid });
              else if (before.version !== row.version) this.queueChange({ kind: 'touch', id: sid });
            }
            for (const [sid, before] of known) if (!seen.has(sid)) this.queueChange({ kind: before.expireMs < now ? 'expire' : 'destroy', id: sid });
          }
          known = seen;
          signature = next;
        }
      } catch (err) {
        this.lost(err);
        this.log('debug', `poll failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (stopped) return;
      timer = setTimeout(() => void tick(), Math.max(interval, 10 * (Date.now() - started)));
    };
    void tick();
    return { stop: () => { stopped = true; clearTimeout(timer); } };
  }
}

function checkId(id: string): void {
  if (typeof id !== 'string' || id === '' || id.includes('\0')) throw new RangeError('a session id must be non-empty text');
}

function cookieExpiryMs(data: unknown, now: number): number | undefined {
  const expires = (data as { cookie?: { expires?: unknown } }).cookie?.expires;
  if (typeof expires !== 'string' && typeof expires !== 'number') return undefined;
  const ms = new Date(expires).getTime();
  return Number.isFinite(ms) && ms > now ? ms : undefined;
}

/** The stored text with `cookie.expires` moved to `expiresMs`, or undefined when it has no cookie to move. */
function withCookieExpiry(sess: string | null, expiresMs: number): string | undefined {
  if (sess === null) return undefined;
  try {
    const data = JSON.parse(sess) as { cookie?: { expires?: unknown; originalMaxAge?: unknown } };
    if (data === null || typeof data !== 'object' || !data.cookie || typeof data.cookie !== 'object') return undefined;
    data.cookie.expires = new Date(expiresMs).toISOString();
    return JSON.stringify(data);
  } catch {
    return undefined;
  }
}

/** Errors of the connection (refused, reset, server shutting down), not of a statement. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (/^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH)$/.test(code) || /^(08|57P)/.test(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(err instanceof Error ? err.message : String(err));
}
