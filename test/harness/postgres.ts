// Starts real PostgreSQL servers (Debian's `postgresql` package) for the tests: a fresh cluster in a temporary
// directory, on a free loopback port, with a password-authenticated user. PostgreSQL refuses to run as root,
// so under root the cluster belongs to the `postgres` system user and its programs run as that user.
// Everything started is stopped when the test process exits.
//
// Ports: `postgres` cannot bind port 0 and report the port it got, so a port is picked and, when another process
// takes it first ("Address already in use" / "could not create any TCP/IP sockets"), the start is retried on a
// new one. A server counts as started only once its own log says it listens on that port.
// Clock: the server keeps the real clock under faketime (see realClockEnv), as in production; rows are written with
// times from the test process's clock (see seedPgSessions), which is the one connect-pg-simple compares with.
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Pool as PgPool, type Pool, type QueryResult, type QueryResultRow } from 'pg';
import { closedPort, realClockEnv } from './redis';

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

export interface PostgresServer {
  readonly url: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Stops the server, runs `whileDown`, then starts it again on the same port with the same data. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

let binDir: string | undefined;
/** The directory of initdb/postgres, or an error naming the Debian package. */
export function requirePostgres(): string {
  if (binDir) return binDir;
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = [
    ...(fromConfig.status === 0 ? [fromConfig.stdout.trim()] : []),
    ...(existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`) : []),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (!found) throw new Error("PostgreSQL's server was not found: install the Debian package 'postgresql' (Homebrew: 'postgresql').");
  binDir = found;
  return found;
}

/** Under root: run as the `postgres` system user (uid/gid), which Debian's package creates. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error("the tests run as root and there is no 'postgres' user to run PostgreSQL as: install the Debian package 'postgresql'");
  return { uid, gid };
}

class PortTakenError extends Error {}

export interface PostgresOptions {
  /** Serve TLS with this certificate and key (connections may still be plain unless the client asks). */
  tls?: { cert: string; key: string };
}

export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const bin = requirePostgres();
  const owner = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'session-lens-pg-'));
  chmodSync(dir, 0o700);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, 'data');
  const user = 'session_lens';
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const database = 'session_lens_test';
  const pwFile = join(dir, 'pw');
  writeFileSync(pwFile, password, { mode: 0o600 });
  if (owner) chownSync(pwFile, owner.uid, owner.gid);
  const env = { ...realClockEnv(), LC_ALL: 'C' };
  const extra: string[] = [];
  if (options.tls) {
    // The server reads its key only when it belongs to it and no one else may read it.
    for (const [name, from] of [['server.crt', options.tls.cert], ['server.key', options.tls.key]] as const) {
      const to = join(dir, name);
      copyFileSync(from, to);
      chmodSync(to, 0o600);
      if (owner) chownSync(to, owner.uid, owner.gid);
    }
    extra.push('-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'server.crt')}`, '-c', `ssl_key_file=${join(dir, 'server.key')}`);
  }
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', user, `--pwfile=${pwFile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--no-sync'],
    { encoding: 'utf8', env, ...(owner ?? {}), timeout: 120_000 });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);

  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async (wanted?: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const tryPort = wanted ?? await closedPort();
      try {
        child = await runServer(bin, data, dir, tryPort, env, owner, extra);
        port = tryPort;
        return;
      } catch (err) {
        if (!(err instanceof PortTakenError) || wanted !== undefined || attempt >= 10) throw err;
      }
    }
  };
  await launch();
  const url = () => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`;
  const admin = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${database}`],
    { encoding: 'utf8', env: { ...env, PGPASSWORD: password } });
  if (admin.status !== 0) throw new Error(`creating the test database failed: ${admin.stderr}`);

  let pool: Pool = new PgPool({ connectionString: url(), max: 2 });
  pool.on('error', () => {});
  const stopServer = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGINT'); // fast shutdown: disconnects clients, as a restart of a real server would
    await exited;
    live.delete(running);
  };
  return {
    get url() { return url(); },
    get port() { return port; },
    user,
    password,
    database,
    query: <R extends QueryResultRow>(sql: string, params?: unknown[]) => pool.query<R>(sql, params),
    async restart(whileDown) {
      await pool.end().catch(() => {});
      await stopServer();
      try {
        await whileDown?.();
      } finally {
        await launch(port);
        pool = new PgPool({ connectionString: url(), max: 2 });
        pool.on('error', () => {});
      }
    },
    async stop() {
      await pool.end().catch(() => {});
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts `postgres` on `port` and resolves once its log says it accepts connections there. */
function runServer(bin: string, data: string, socketDir: string, port: number, env: NodeJS.ProcessEnv, owner: { uid: number; gid: number } | undefined, extra: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(bin, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', socketDir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=50', ...extra],
    { env, stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) });
    live.add(child);
    let log = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`PostgreSQL did not start on port ${port}:\n${log}`)); }, 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString('utf8');
      if (/database system is ready to accept connections/.test(log) && new RegExp(`listening on IPv4 address "127\\.0\\.0\\.1", port ${port}\\b`).test(log)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        // Keep draining the pipes so the server never blocks on a full one.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      live.delete(child);
      if (/Address already in use|could not bind|could not create any TCP\/IP sockets/.test(log)) reject(new PortTakenError(`port ${port} is taken`));
      else reject(new Error(`PostgreSQL exited (${code}) before it was ready:\n${log}`));
    });
  });
}

/**
 * Seeds `count` sessions in connect-pg-simple's layout (creating the table as the store's table.sql does), in
 * batches of one multi-row INSERT each.
 */
export async function seedPgSessions(pg: Pick<PostgresServer, 'query'>, options: { count: number; table?: string; schema?: string; prefix?: string }): Promise<void> {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const table = `${options.schema ? `${quote(options.schema)}.` : ''}${quote(options.table ?? 'session')}`;
  await pg.query(`CREATE TABLE IF NOT EXISTS ${table} ("sid" varchar NOT NULL COLLATE "default" PRIMARY KEY, "sess" json NOT NULL, "expire" timestamp(6) NOT NULL)`);
  const prefix = options.prefix ?? 'seed';
  // A day from the test process's clock, not the server's: the app and Session Lens judge expiry by their own
  // clock (connect-pg-simple passes it to every query), which CI moves a year ahead.
  const expires = Date.now() + 86400_000;
  // generate_series builds the rows in the server: 100,000 sessions take a second or two.
  await pg.query(
    `INSERT INTO ${table} (sid, sess, expire)
     SELECT $1 || '-' || lpad(i::text, 8, '0') || '-xxxxxxxxxxxxxxxxxxxx',
            json_build_object('cookie', json_build_object('originalMaxAge', 86400000, 'expires', $3::text, 'httpOnly', true, 'path', '/', 'sameSite', 'lax'),
                              'user', json_build_object('id', i, 'name', 'user' || i, 'email', 'user' || i || '@example.test', 'roles', json_build_array('user'))),
            to_timestamp($4::double precision)
       FROM generate_series(1, $2::int) AS i
     ON CONFLICT (sid) DO NOTHING`, [prefix, options.count, new Date(expires).toISOString(), expires / 1000]);
}
