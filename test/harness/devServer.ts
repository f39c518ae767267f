// Starts the fixture dev server (test/fixtures/dev-server/app.js) as a child process and gives tests an
// HTTP client with a cookie jar, like a browser.
//
// Ports: the app listens on port 0 and reports the port it got; the inspector too (`--inspect=127.0.0.1:0`).
// Clock: under faketime the app keeps the test process's (moved) clock on purpose. It plays the browser's
// server on the same machine: the cookie jar, the app's cookie expiry and the tests' expectations must all
// read one clock, or every cookie would look expired. Only outside services (redis-server) keep the real one.
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { CookieJar } from 'tough-cookie';

export const DEV_SERVER_APP = resolve(__dirname, '../fixtures/dev-server/app.js');
export const DEFAULT_SECRET = 'fixture-secret-please-change-0123456789';

export interface DevServerOptions {
  store?: 'memory' | 'redis' | 'memorystore' | 'pg' | 'file' | 'sqlite';
  redisUrl?: string;
  /** For `pg` (connect-pg-simple): the server's URL, and the store's tableName / schemaName when not the defaults. */
  databaseUrl?: string;
  pgTable?: string;
  pgSchema?: string;
  /** For `file` (session-file-store): the sessions' directory, and the store's ttl in seconds. */
  sessionDir?: string;
  fileTtlSeconds?: number;
  /** For `sqlite` (better-sqlite3-session-store): the database file, and whether it runs in WAL mode. */
  sqliteFile?: string;
  sqliteWal?: boolean;
  prefix?: string;
  /** One secret or a rotation list (first signs). */
  secret?: string | string[];
  maxAgeMs?: number;
  /** Start with `--inspect=127.0.0.1:0` and report the inspector's WebSocket URL. */
  inspect?: boolean;
  /** The inspector port when it must be a given one (a restart on the port of an earlier run); implies `inspect`. */
  inspectPort?: number;
  /** Another entry script (e.g. an ESM or bundled variant of the app). */
  script?: string;
  env?: Record<string, string>;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** `ws://127.0.0.1:<port>/<id>` when started with `inspect`. */
  readonly inspectorUrl?: string;
  /** `127.0.0.1:<port>` of the inspector when started with `inspect`. */
  readonly inspectorAddress?: string;
  /** Output so far (stdout and stderr). */
  output(): string;
  /** A new browser-like client with its own cookie jar. */
  browser(): Browser;
  stop(): Promise<void>;
}

export interface Browser {
  readonly jar: CookieJar;
  get(path: string): Promise<{ status: number; body: any }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** The raw `connect.sid` cookie value as the browser holds it (URL-encoded), if any. */
  sessionCookie(): Promise<string | undefined>;
  /** The session id inside the cookie (`s:<sid>.<sig>`), if any. */
  sessionId(): Promise<string | undefined>;
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const secret = Array.isArray(options.secret) ? options.secret.join(',') : (options.secret ?? DEFAULT_SECRET);
  const inspect = options.inspect === true || options.inspectPort !== undefined;
  const args = [...(inspect ? [`--inspect=127.0.0.1:${options.inspectPort ?? 0}`] : []), options.script ?? DEV_SERVER_APP];
  const child = spawn(process.execPath, args, {
    cwd: join(__dirname, '../..'),
    env: {
      ...process.env,
      SESSION_STORE: options.store ?? 'memory',
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
      ...(options.pgTable ? { PG_TABLE: options.pgTable } : {}),
      ...(options.pgSchema ? { PG_SCHEMA: options.pgSchema } : {}),
      ...(options.sessionDir ? { SESSION_DIR: options.sessionDir } : {}),
      ...(options.fileTtlSeconds ? { SESSION_FILE_TTL: String(options.fileTtlSeconds) } : {}),
      ...(options.sqliteFile ? { SQLITE_FILE: options.sqliteFile } : {}),
      ...(options.sqliteWal ? { SQLITE_WAL: '1' } : {}),
      ...(options.prefix ? { SESSION_PREFIX: options.prefix } : {}),
      ...(options.maxAgeMs ? { SESSION_MAX_AGE: String(options.maxAgeMs) } : {}),
      SESSION_SECRET: secret,
      PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<{ port: number; inspectorUrl?: string }>((resolveReady, reject) => {
    let port: number | undefined;
    let inspectorUrl: string | undefined;
    const check = () => {
      if (port && (!inspect || inspectorUrl)) { clearTimeout(timer); resolveReady({ port, inspectorUrl }); }
    };
    const timer = setTimeout(() => reject(new Error(`dev server did not start within 15 s:\n${output}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /\{"event":"listening","port":(\d+)\}/.exec(output);
      if (m) { port = Number(m[1]); check(); }
    });
    child.stderr!.on('data', (d: Buffer) => {
      output += d.toString();
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(output);
      if (m) { inspectorUrl = m[1]; check(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dev server exited (${code}):\n${output}`)); });
  });
  const { port, inspectorUrl } = await ready;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    process: child,
    inspectorUrl,
    inspectorAddress: inspectorUrl ? new URL(inspectorUrl).host : undefined,
    output: () => output,
    browser: () => createBrowser(url),
    stop: () => new Promise<void>((resolveStop) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
      child.once('exit', () => resolveStop());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }),
  };
}

export function createBrowser(baseUrl: string): Browser {
  const jar = new CookieJar();
  const request = async (method: string, path: string, body?: unknown) => {
    const target = new URL(path, baseUrl).toString();
    const headers: Record<string, string> = { cookie: await jar.getCookieString(target) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const line of res.headers.getSetCookie()) await jar.setCookie(line, target);
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed as any };
  };
  const sessionCookie = async () => (await jar.getCookies(baseUrl)).find((c) => c.key === 'connect.sid')?.value;
  return {
    jar,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body ?? {}),
    sessionCookie,
    async sessionId() {
      const raw = await sessionCookie();
      if (!raw) return undefined;
      const value = decodeURIComponent(raw);
      return value.startsWith('s:') ? value.slice(2, value.lastIndexOf('.')) : undefined;
    },
  };
}
