// Sessions in an SQLite database file: connect-sqlite3's table (`sid`, `expired` in ms, `sess` JSON text) or
// better-sqlite3-session-store's (`sid`, `sess`, `expire` ISO text), told apart by their columns. Read with a
// WebAssembly SQLite (sql.js) from a snapshot of the file and its write-ahead log; refreshed when a watcher
// sees either change.
//
// Read-only: SQLite's locks are POSIX advisory locks that a WebAssembly reader cannot take, and a write that
// skips them can corrupt a database the running app holds open. Writes are refused with that reason; the
// running app can make them (attach to it).
import { FSWatcher, promises as fs, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { parseListedText } from '../sessions/describe';
import { ReadOnlySourceError, SourceBaseOptions, StoreSessionSource } from '../sessions/sourceBase';
import type { ListPage, SessionRecord } from '../sessions/types';
import { readDatabaseSnapshot } from './snapshot';

export interface SqliteSourceOptions extends SourceBaseOptions {
  id: string;
  label?: string;
  /** The database file. */
  file: string;
  /** The session table (both stores' default: `sessions`). */
  table?: string;
  /** 'watch' (default): the file and its log are watched; 'off': none. */
  liveUpdates?: 'watch' | 'off';
}

/** The table is not a session table of a known SQLite store, or is missing. */
export class SqliteTableError extends Error { override name = 'SqliteTableError'; }

/** Which store's table: how a row says when it ends. */
export type SqliteLayout = 'connect-sqlite3' | 'better-sqlite3-session-store';

const READ_ONLY_REASON = 'SQLite databases are read-only in Session Lens: a write without SQLite\'s file locks could corrupt the database the running app holds open. Attach to the running app to change its sessions.';

let sqlJs: Promise<SqlJsStatic> | undefined;
/** sql.js with its WebAssembly inlined (no file beside the bundle), instantiated once. */
function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= (require('sql.js/dist/sql-wasm-inline.js') as (config?: object) => Promise<SqlJsStatic>)();
  return sqlJs;
}

/** An in-memory copy of the database, and the size and time of the file and its log it was read from. */
interface Snapshot { db: Database; layout: SqliteLayout; stamp: string }

export class SqliteSessionSource extends StoreSessionSource<Snapshot> {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  readonly table: string;
  private readonly options: SqliteSourceOptions;
  private watcher: { stop: () => void } | undefined;
  private refreshing: Promise<Snapshot> | undefined;

  constructor(options: SqliteSourceOptions) {
    const file = resolve(options.file);
    super(options.id, options.label ?? `SQLite ${file} (${options.table ?? 'sessions'})`, false, 'The SQLite database', options);
    this.options = options;
    this.file = file;
    this.table = options.table ?? 'sessions';
  }

  /** Opens once and fails fast (the CLI). */
  static async connect(options: SqliteSourceOptions): Promise<SqliteSessionSource> {
    const source = new SqliteSessionSource({ liveUpdates: 'off', retry: false, ...options });
    await source.connectOnce();
    return source;
  }

  /** Why writes are refused (the view says it on the store's node). */
  get readOnlyReason(): string { return READ_ONLY_REASON; }

  override allowWrites(_allow: boolean): void {
    // Never: see READ_ONLY_REASON.
  }

  protected async openConnection(): Promise<Snapshot> {
    const SQL = await loadSqlJs();
    const stamp = await this.stamp();
    let image: Uint8Array;
    try {
      image = await readDatabaseSnapshot(this.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`there is no SQLite database at ${this.file} yet: the store creates it with the first session`);
      throw new Error(`cannot read the SQLite database ${this.file}: ${(err as Error).message}`);
    }
    const db = new SQL.Database(image);
    try {
      return { db, layout: this.layoutOf(db), stamp };
    } catch (err) {
      db.close();
      throw err;
    }
  }

  private layoutOf(db: Database): SqliteLayout {
    const columns = new Set((db.exec(`PRAGMA table_info(${quoteIdentifier(this.table)})`)[0]?.values ?? []).map((row) => String(row[1])));
    if (columns.size === 0) throw new SqliteTableError(`there is no table ${this.table} in ${this.file}: set the table the app's store uses`);
    if (columns.has('sid') && columns.has('sess') && columns.has('expired')) return 'connect-sqlite3';
    if (columns.has('sid') && columns.has('sess') && columns.has('expire')) return 'better-sqlite3-session-store';
    throw new SqliteTableError(`table ${this.table} of ${this.file} is not a session table (connect-sqlite3: sid, expired, sess; better-sqlite3-session-store: sid, sess, expire); nothing was read`);
  }

  /** Size and modification time of the file and its log: a different stamp means a new snapshot is due. */
  private async stamp(): Promise<string> {
    const parts: string[] = [];
    for (const f of [this.file, `${this.file}-wal`]) {
      const stat = await fs.stat(f).catch(() => undefined);
      parts.push(stat ? `${stat.size}:${stat.mtimeMs}` : '-');
    }
    return parts.join('/');
  }

  /**
   * The current snapshot, read again first when the file or its log changed since (every read goes through
   * here, so a listing never shows an older state than the file holds); the sessions whose row changed are
   * reported to the listeners.
   */
  private async fresh(): Promise<Snapshot> {
    const current = await this.ready();
    if (this.refreshing) return this.refreshing;
    if ((await this.stamp()) === current.stamp) return current;
    this.refreshing = (async () => {
      try {
        const before = rowDigests(current, this.table, this.expiry(current.layout).ends);
        let next: Snapshot;
        try {
          next = await this.openConnection();
        } catch (err) {
          if (/there is no SQLite database/.test((err as Error).message)) this.connectionLost((err as Error).message);
          throw err;
        }
        if (this.conn !== current) { next.db.close(); return this.connection(); }
        this.conn = next;
        current.db.close();
        const after = rowDigests(next, this.table, this.expiry(next.layout).ends);
        for (const [id, digest] of after) if (before.get(id) !== digest) this.queueChange({ kind: 'set', id });
        for (const id of before.keys()) if (!after.has(id)) this.queueChange({ kind: 'destroy', id });
        return next;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  protected async closeConnection(snapshot: Snapshot): Promise<void> {
    snapshot.db.close();
  }

  protected whenConnected(): void {
    if ((this.options.liveUpdates ?? 'watch') === 'watch') this.watcher = this.watch();
  }

  protected stopLiveUpdates(): void {
    this.watcher?.stop();
    this.watcher = undefined;
  }

  // ---- reading (from the current snapshot) ----

  /** The row's end as ms since the epoch (SQL), and the test that it has not passed. */
  private expiry(layout: SqliteLayout): { ends: string; live: string } {
    return layout === 'connect-sqlite3'
      ? { ends: 'CAST(expired AS REAL)', live: 'CAST(expired AS REAL) >= :now' }
      // better-sqlite3-session-store compares datetime('now') < datetime(expire): the same test at our clock.
      : { ends: "(julianday(expire) - 2440587.5) * 86400000.0", live: 'datetime(:nowText) < datetime(expire)' };
  }

  async list(options: { cursor?: string; limit: number }): Promise<ListPage> {
    const { db, layout } = await this.fresh();
    const limit = Math.max(1, Math.floor(options.limit));
    const { ends, live } = this.expiry(layout);
    const now = Date.now();
    const statement = db.prepare(`SELECT sid, CAST(sess AS TEXT) AS sess, ${ends} AS ends FROM ${quoteIdentifier(this.table)}
      WHERE ${live}${options.cursor !== undefined ? ' AND sid > :after' : ''} ORDER BY sid LIMIT :limit`);
    const sessions: SessionRecord[] = [];
    try {
      statement.bind({ ':now': now, ':nowText': new Date(now).toISOString(), ':limit': limit, ...(options.cursor !== undefined ? { ':after': options.cursor } : {}) });
      while (statement.step()) {
        const row = statement.getAsObject() as { sid: unknown; sess: unknown; ends: unknown };
        sessions.push(this.rowRecord(String(row.sid), row.sess, row.ends, now));
      }
    } finally {
      statement.free();
    }
    return { sessions, ...(sessions.length === limit ? { cursor: sessions[sessions.length - 1].id } : {}) };
  }

  private rowRecord(sid: string, sess: unknown, ends: unknown, now: number, value?: string): SessionRecord {
    const endsMs = typeof ends === 'number' && Number.isFinite(ends) ? ends : null;
    const ttl = endsMs === null ? null : Math.max(0, Math.ceil((endsMs - now) / 1000));
    const parsed = typeof sess === 'string' ? parseListedText(sess, Number.POSITIVE_INFINITY) : { data: null, raw: 'empty value (NULL)' };
    return this.record({ id: sid, key: sid, ttl, ...parsed, ...(value !== undefined ? { value } : {}) }, now);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const { db, layout } = await this.fresh();
    const { ends, live } = this.expiry(layout);
    const now = Date.now();
    const statement = db.prepare(`SELECT CAST(sess AS TEXT) AS sess, ${ends} AS ends FROM ${quoteIdentifier(this.table)} WHERE sid = :sid AND ${live}`);
    try {
      statement.bind({ ':sid': id, ':now': now, ':nowText': new Date(now).toISOString() });
      if (!statement.step()) return undefined;
      const row = statement.getAsObject() as { sess: unknown; ends: unknown };
      return this.rowRecord(id, row.sess, row.ends, now, typeof row.sess === 'string' ? row.sess : undefined);
    } finally {
      statement.free();
    }
  }

  async set(_id: string, _data: unknown, _options?: { expectRaw?: string }): Promise<void> { throw new ReadOnlySourceError(READ_ONLY_REASON); }
  async destroy(_id: string): Promise<boolean> { throw new ReadOnlySourceError(READ_ONLY_REASON); }
  async extend(_id: string, _seconds: number): Promise<void> { throw new ReadOnlySourceError(READ_ONLY_REASON); }

  // ---- live updates ----

  /** Watches the database's directory for the file and its `-wal`; a change reads a new snapshot (see `fresh`). */
  private watch(): { stop: () => void } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const name = basename(this.file);
    let watcher: FSWatcher;
    try {
      watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
        if (changed !== null && changed !== name && changed !== `${name}-wal`) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (!stopped) this.fresh().catch((err: unknown) => this.log('debug', `reading ${this.file} again failed: ${(err as Error).message}`));
        }, 50);
      });
      watcher.on('error', (err) => this.log('debug', `watching ${this.file}: ${err.message}`));
    } catch (err) {
      this.log('warn', `cannot watch ${this.file} (${(err as Error).message}); the view refreshes on demand`);
      return { stop: () => {} };
    }
    return { stop: () => { stopped = true; clearTimeout(timer); watcher.close(); } };
  }
}

/** Every session row's text and end, by sid. */
function rowDigests(snapshot: Snapshot, table: string, ends: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of snapshot.db.exec(`SELECT sid, CAST(sess AS TEXT), ${ends} FROM ${quoteIdentifier(table)}`)[0]?.values ?? []) {
    out.set(String(row[0]), `${String(row[2])}:${String(row[1])}`);
  }
  return out;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
