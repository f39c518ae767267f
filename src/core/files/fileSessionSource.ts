// Sessions kept as files by session-file-store: a directory (its `path` option, default `./sessions`) of
// `<sid>.json` files (`fileExtension`), each the session's JSON plus `__lastAccess` (ms). A session ends at
// `__lastAccess` + the cookie's `originalMaxAge` (else the store's `ttl`, default 3600 s), as the store decides.
// Live changes come from a directory watcher; writes go to a temporary file renamed over the session's, as the
// store's own writes do, and never outside the directory.
import { randomBytes } from 'node:crypto';
import { FSWatcher, promises as fs, watch } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LARGE_VALUE_BYTES, largeSummary, parseSessionValue } from '../sessions/describe';
import { SourceBaseOptions, StoreSessionSource } from '../sessions/sourceBase';
import { ListPage, SessionChangedError, SessionRecord } from '../sessions/types';

export interface FileSourceOptions extends SourceBaseOptions {
  id: string;
  label?: string;
  /** The sessions' directory (absolute). */
  dir: string;
  /** session-file-store's `ttl` in seconds (default 3600), used when a session's cookie has no maxAge. */
  ttlSeconds?: number;
  /** session-file-store's `fileExtension` (default `.json`). */
  fileExtension?: string;
  /** False: every write is refused. */
  writable?: boolean;
  /** 'watch' (default): a directory watcher; 'off': none. */
  liveUpdates?: 'watch' | 'off';
  /** Values larger than this are summarized in listings (default 1 MB). */
  maxValueBytes?: number;
}

/** A session id that would name a file outside the directory (or no file): refused before any file is touched. */
export class SessionPathError extends Error { override name = 'SessionPathError'; }

const DEFAULT_TTL_SECONDS = 3600;
/** Files read at once while listing. */
const READ_CONCURRENCY = 64;

interface SessionDirectory { dir: string }

export class FileSessionSource extends StoreSessionSource<SessionDirectory> {
  readonly kind = 'files' as const;
  readonly dir: string;
  private readonly extension: string;
  private readonly options: FileSourceOptions;
  private watcher: { stop: () => void } | undefined;

  constructor(options: FileSourceOptions) {
    const dir = resolve(options.dir);
    super(options.id, options.label ?? `session files ${dir}`, options.writable ?? true, 'The session directory', options);
    this.options = options;
    this.dir = dir;
    this.extension = options.fileExtension ?? '.json';
  }

  /** Opens once and fails fast (the CLI): no watcher, no retries. */
  static async connect(options: FileSourceOptions): Promise<FileSessionSource> {
    const source = new FileSessionSource({ liveUpdates: 'off', retry: false, ...options });
    await source.connectOnce();
    return source;
  }

  protected async openConnection(): Promise<SessionDirectory> {
    let stat;
    try {
      stat = await fs.stat(this.dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`there is no session directory ${this.dir} yet: session-file-store creates it with the first session (its path option names it)`);
      throw new Error(`cannot read the session directory ${this.dir} (${code ?? String(err)})`);
    }
    if (!stat.isDirectory()) throw new Error(`${this.dir} is not a directory (session-file-store's path option names a directory)`);
    await fs.readdir(this.dir).catch((err: NodeJS.ErrnoException) => { throw new Error(`cannot read the session directory ${this.dir} (${err.code ?? err.message})`); });
    return { dir: this.dir };
  }

  protected async closeConnection(): Promise<void> {}

  protected whenConnected(): void {
    if ((this.options.liveUpdates ?? 'watch') === 'watch') this.watcher = this.watch();
  }

  protected stopLiveUpdates(): void {
    this.watcher?.stop();
    this.watcher = undefined;
  }

  // ---- reading ----

  private sessionFiles(names: string[]): string[] {
    // Temporary files of atomic writes (`name.json.1234`, ours `.name.json.session-lens-….tmp`) never match.
    return names.filter((n) => n.endsWith(this.extension) && !n.startsWith('.') && n.length > this.extension.length).sort();
  }

  async list(options: { cursor?: string; limit: number }): Promise<ListPage> {
    await this.ready();
    const limit = Math.max(1, Math.floor(options.limit));
    let names: string[];
    try {
      names = this.sessionFiles(await fs.readdir(this.dir));
    } catch (err) {
      this.lost(err);
      throw err;
    }
    const after = options.cursor;
    const start = after === undefined ? 0 : upperBound(names, after);
    const page = names.slice(start, start + limit);
    const records: (SessionRecord | undefined)[] = new Array(page.length);
    for (let i = 0; i < page.length; i += READ_CONCURRENCY) {
      const chunk = page.slice(i, i + READ_CONCURRENCY);
      const read = await Promise.all(chunk.map((name) => this.readRecord(name, Date.now(), this.options.maxValueBytes ?? LARGE_VALUE_BYTES)));
      read.forEach((r, j) => { records[i + j] = r; });
    }
    const sessions = records.filter((r): r is SessionRecord => r !== undefined);
    return { sessions, ...(start + limit < names.length ? { cursor: page[page.length - 1] } : {}) };
  }

  /** One file as a record; undefined when it is gone or its session has ended. */
  private async readRecord(name: string, now: number, maxBytes: number): Promise<SessionRecord | undefined> {
    const path = join(this.dir, name);
    const id = name.slice(0, name.length - this.extension.length);
    let bytes: Buffer;
    try {
      const stat = await fs.stat(path);
      if (!stat.isFile()) return undefined;
      if (stat.size > maxBytes) {
        const handle = await fs.open(path, 'r');
        try {
          const head = Buffer.alloc(1024);
          const { bytesRead } = await handle.read(head, 0, head.length, 0);
          return this.record({ id, key: path, ttl: null, ...largeSummary(head.subarray(0, bytesRead), stat.size) }, now);
        } finally {
          await handle.close();
        }
      }
      bytes = await fs.readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = parseSessionValue(bytes, { maxBytes: Number.POSITIVE_INFINITY });
    const ends = this.endsAt(parsed.data);
    if (ends !== null && ends < now) return undefined;
    const text = bytes.toString('utf8');
    return this.record({ id, key: path, ttl: ends === null ? null : Math.ceil((ends - now) / 1000), ...parsed, ...(Buffer.from(text, 'utf8').equals(bytes) ? { value: text } : {}) }, now);
  }

  /** When session-file-store ends the session (ms), or null when the file does not say. */
  private endsAt(data: unknown): number | null {
    if (data === null || typeof data !== 'object') return null;
    const { __lastAccess: lastAccess, cookie } = data as { __lastAccess?: unknown; cookie?: { originalMaxAge?: unknown } };
    if (typeof lastAccess !== 'number') return null;
    const maxAge = typeof cookie?.originalMaxAge === 'number' && cookie.originalMaxAge > 0 ? cookie.originalMaxAge : (this.options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    return lastAccess + maxAge;
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    await this.ready();
    return this.readRecord(basename(this.pathOf(id)), Date.now(), Number.POSITIVE_INFINITY);
  }

  // ---- writes: one file of the directory, by its sid ----

  /** The file of session `id`, refused when the id would leave the directory. */
  private pathOf(id: string): string {
    if (typeof id !== 'string' || id === '' || id === '.' || id === '..' || /[/\\\0]/.test(id)) {
      throw new SessionPathError(`${JSON.stringify(id.slice(0, 40))} is not a session id this store could have made: nothing was written`);
    }
    const path = join(this.dir, id + this.extension);
    if (dirname(path) !== this.dir) throw new SessionPathError('that session id names a file outside the session directory: nothing was written');
    return path;
  }

  async set(id: string, data: unknown, options: { expectRaw?: string } = {}): Promise<void> {
    const path = this.pathOf(id);
    this.writableConnection();
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new TypeError('a session must be a JSON object');
    const current = await fs.readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => { if (err.code === 'ENOENT') return undefined; throw err; });
    if (options.expectRaw !== undefined) {
      // Compared just before the rename: a write by the app in between these two steps would be overwritten,
      // a window of a few milliseconds (the store itself takes no lock either).
      if (current === undefined) throw new SessionChangedError(`session ${id} expired or was deleted since it was read; nothing was written`);
      if (current !== options.expectRaw) throw new SessionChangedError(`session ${id} changed in the store since it was read; nothing was written`);
    }
    // Keeps the session's expiry: its last access stays what the file said (a new session starts now).
    const lastAccess = lastAccessOf(current) ?? Date.now();
    await this.writeAtomically(path, JSON.stringify({ ...(data as object), __lastAccess: (data as { __lastAccess?: unknown }).__lastAccess ?? lastAccess }));
  }

  async destroy(id: string): Promise<boolean> {
    const path = this.pathOf(id);
    this.writableConnection();
    try {
      await fs.unlink(path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Moves the end of the session to `seconds` from now: the cookie's expiry, and `__lastAccess` to match it. */
  async extend(id: string, seconds: number): Promise<void> {
    const path = this.pathOf(id);
    this.writableConnection();
    if (!Number.isInteger(seconds) || seconds <= 0) throw new RangeError('the time to live must be a positive number of seconds');
    const record = await this.get(id);
    if (!record || record.data === null || typeof record.data !== 'object') throw new SessionChangedError(`session ${id} no longer exists`);
    const data = record.data as { cookie?: { expires?: unknown; originalMaxAge?: unknown }; __lastAccess?: number };
    const ends = Date.now() + seconds * 1000;
    const maxAge = typeof data.cookie?.originalMaxAge === 'number' && data.cookie.originalMaxAge > 0 ? data.cookie.originalMaxAge : (this.options.ttlSeconds ?? DEFAULT_TTL_SECONDS) * 1000;
    const next = { ...data, ...(data.cookie && typeof data.cookie === 'object' ? { cookie: { ...data.cookie, expires: new Date(ends).toISOString() } } : {}), __lastAccess: ends - maxAge };
    const current = await fs.readFile(path, 'utf8').catch(() => undefined);
    if (current !== record.value) throw new SessionChangedError(`session ${id} changed in the store meanwhile; nothing was written`);
    await this.writeAtomically(path, JSON.stringify(next));
  }

  /** A temporary file in the same directory, renamed over the session's: a reader sees the old or the new file. */
  private async writeAtomically(path: string, text: string): Promise<void> {
    const temp = join(this.dir, `.${basename(path)}.session-lens-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, text, { encoding: 'utf8', mode: 0o600, flag: 'wx' });
      await fs.rename(temp, path);
    } catch (err) {
      await fs.unlink(temp).catch(() => {});
      throw err;
    }
  }

  // ---- live updates ----

  /** Rescans the directory (names, sizes, times) shortly after the watcher reports, and reports the differences. */
  private watch(): { stop: () => void } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let known: Map<string, string> | undefined;
    let scanning = false;
    let again = false;
    const scan = async () => {
      if (scanning) { again = true; return; }
      scanning = true;
      try {
        const names = this.sessionFiles(await fs.readdir(this.dir));
        const seen = new Map<string, string>();
        for (const name of names) {
          const stat = await fs.stat(join(this.dir, name)).catch(() => undefined);
          if (stat) seen.set(name.slice(0, name.length - this.extension.length), `${stat.mtimeMs}:${stat.size}`);
        }
        if (stopped) return;
        if (known) {
          for (const [id, sig] of seen) if (known.get(id) !== sig) this.queueChange({ kind: 'set', id });
          for (const id of known.keys()) if (!seen.has(id)) this.queueChange({ kind: 'destroy', id });
        }
        known = seen;
      } catch (err) {
        this.lost(err);
      } finally {
        scanning = false;
        if (again && !stopped) { again = false; void scan(); }
      }
    };
    let watcher: FSWatcher;
    try {
      watcher = watch(this.dir, { persistent: false }, () => {
        clearTimeout(timer);
        timer = setTimeout(() => void scan(), 50);
      });
      watcher.on('error', (err) => this.lost(err));
    } catch (err) {
      this.log('warn', `cannot watch ${this.dir} (${(err as Error).message}); the view refreshes on demand`);
      return { stop: () => {} };
    }
    void scan();
    return { stop: () => { stopped = true; clearTimeout(timer); watcher.close(); } };
  }

  /** The directory went away or became unreadable: the base class retries until it is back. */
  private lost(err: unknown): void {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR' || code === 'EPERM') {
      this.connectionLost(`the session directory ${this.dir} cannot be read (${code})`);
    }
  }
}

function lastAccessOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    const value = (JSON.parse(text) as { __lastAccess?: unknown }).__lastAccess;
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The index of the first name after `after` in sorted `names`. */
function upperBound(names: string[], after: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (names[mid] <= after) lo = mid + 1; else hi = mid;
  }
  return lo;
}
