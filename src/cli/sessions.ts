// `session-lens sessions`: lists the sessions of a store (--store URL: Redis, PostgreSQL, SQLite, session files;
// --redis URL) or of any express-session store through a running Node app (--inspect HOST:PORT).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FileSessionSource } from '../core/files/fileSessionSource';
import { PgSessionSource } from '../core/postgres/pgSessionSource';
import { SqliteSessionSource } from '../core/sqlite/sqliteSessionSource';
import { parsePostgresUrl } from '../core/postgres/target';
import { RedisConnectionError } from '../core/redis/connection';
import { RedisSessionSource } from '../core/redis/redisSessionSource';
import { PrefixViolationError } from '../core/redis/prefixGuard';
import { RedisUrlError, parseRedisUrl } from '../core/redis/url';
import { shortId } from '../core/sessions/describe';
import { listAllSessions, toJsonRecord } from '../core/sessions/listAll';
import type { SessionRecord, SessionSource } from '../core/sessions/types';
import { CliIo, Subcommand, UsageError } from './io';

const HELP = `Usage: session-lens sessions (--store URL | --redis URL | --inspect HOST:PORT) [options]

List the sessions of a store.

  --store URL           redis://[user:pass@]host:port[/db], rediss:// (TLS), any node of a Redis Cluster,
                        redis+sentinel://HOST:PORT[,HOST:PORT]/MASTER_NAME (connect-redis), or
                        postgres://[user:pass@]host:port/db, postgresql://... (connect-pg-simple),
                        sqlite:PATH (connect-sqlite3, better-sqlite3-session-store; read-only), or
                        file:DIR (session-file-store's directory, e.g. file:./sessions)
  --redis URL           the same as --store for a Redis URL
  --table NAME          for PostgreSQL: the session table (default "session"); for SQLite (default "sessions")
  --schema NAME         for PostgreSQL: the table's schema (default: the search path)
  --ttl SECONDS         for session files: the store's ttl option (default 3600)
  --inspect HOST:PORT   a Node app started with --inspect: its express-session store, whatever it is,
                        through the store's own methods (each record names it in "store")
  --prefix P            key prefix of the sessions (default "sess:")
  --password-env NAME   read the store's password from environment variable NAME
  --tls-ca FILE         for rediss://: trust the CA certificate(s) in this PEM file
  --limit N             list at most N sessions
  --json                print {"sessions":[{id,key,ttl,expiresAt,user,data}],"total":N}
  --help                show this help

Exit status: 0 listed, 2 bad arguments or the store cannot be reached / authentication failed.
`;

export const sessions: Subcommand = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      store: { type: 'string' },
      table: { type: 'string' },
      schema: { type: 'string' },
      ttl: { type: 'string' },
      inspect: { type: 'string' },
      prefix: { type: 'string' },
      'password-env': { type: 'string' },
      'tls-ca': { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) { io.stdout(HELP); return 0; }
  const given = [values.store, values.redis, values.inspect].filter((v) => v !== undefined).length;
  if (given === 0) throw new UsageError('give --store URL or --inspect HOST:PORT; see `session-lens sessions --help`');
  if (given > 1) throw new UsageError('give one of --store, --redis or --inspect');
  const storeUrl = values.store ?? values.redis;
  const postgres = storeUrl !== undefined && /^postgres(ql)?:/i.test(storeUrl);
  const files = storeUrl !== undefined && /^file:/i.test(storeUrl);
  const sqlite = storeUrl !== undefined && /^sqlite:/i.test(storeUrl);
  if (values.redis !== undefined && (postgres || files || sqlite)) throw new UsageError('--redis takes a redis:// URL; give other stores with --store');
  if (!files && values.ttl !== undefined) throw new UsageError('--ttl is for session files (--store file:DIR)');
  if (!postgres && values.schema !== undefined) throw new UsageError('--schema is for a PostgreSQL store (--store postgres://...)');
  if (!postgres && !sqlite && values.table !== undefined) throw new UsageError('--table is for a PostgreSQL or SQLite store (--store postgres://... or sqlite:PATH)');
  if (postgres && (values.prefix !== undefined || values['tls-ca'] !== undefined)) throw new UsageError('--prefix and --tls-ca are for a Redis store; a PostgreSQL URL sets TLS with sslmode=...');
  let limit: number | undefined;
  if (values.limit !== undefined) {
    limit = Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number, not '${values.limit}'`);
  }

  let result: { sessions: SessionRecord[]; total: number };
  if (values.inspect !== undefined) {
    // Hook for the in-process stores: src/core/inspector/cli.ts provides listInspectorSessions.
    const { listInspectorSessions } = await import('../core/inspector/cli');
    let listed: { sessions: SessionRecord[] };
    try {
      listed = await listInspectorSessions(values.inspect);
    } catch (err) {
      throw new UsageError(`--inspect ${values.inspect}: ${(err as Error).message.split('\n')[0]}`);
    }
    result = { sessions: limit === undefined ? listed.sessions : listed.sessions.slice(0, limit), total: listed.sessions.length };
  } else if (sqlite) {
    result = await listSqlite(storeUrl, values.table, limit);
  } else if (files) {
    result = await listFiles(storeUrl, values.ttl, limit);
  } else if (postgres) {
    result = await listPostgres(storeUrl, { table: values.table, schema: values.schema, passwordEnv: values['password-env'], limit }, io);
  } else {
    result = await listRedis(storeUrl!, { prefix: values.prefix, passwordEnv: values['password-env'], tlsCaFile: values['tls-ca'], limit }, io);
  }

  if (values.json) {
    io.stdout(`${JSON.stringify({ sessions: result.sessions.map(toJsonRecord), total: result.total })}\n`);
  } else {
    io.stdout(formatTable(result.sessions, result.total));
  }
  return 0;
};

function passwordFrom(io: CliIo, passwordEnv: string | undefined): string | undefined {
  if (passwordEnv === undefined) return undefined;
  const password = io.env[passwordEnv];
  if (password === undefined) throw new UsageError(`--password-env: the environment variable ${passwordEnv} is not set`);
  return password;
}

async function listPostgres(url: string, options: { table?: string; schema?: string; passwordEnv?: string; limit?: number }, io: CliIo): Promise<{ sessions: SessionRecord[]; total: number }> {
  let source: PgSessionSource;
  try {
    const target = parsePostgresUrl(url, { password: passwordFrom(io, options.passwordEnv), table: options.table, schema: options.schema });
    source = await PgSessionSource.connect({ id: 'cli', target, writable: false });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  return listSource(source, options.limit);
}

async function listSqlite(url: string, table: string | undefined, limit: number | undefined): Promise<{ sessions: SessionRecord[]; total: number }> {
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file === '') throw new UsageError('sqlite: needs the database file, e.g. --store sqlite:./sessions.db');
  let source: SqliteSessionSource;
  try {
    source = await SqliteSessionSource.connect({ id: 'cli', file: resolve(file), ...(table !== undefined ? { table } : {}) });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  return listSource(source, limit);
}

async function listFiles(url: string, ttl: string | undefined, limit: number | undefined): Promise<{ sessions: SessionRecord[]; total: number }> {
  const dir = url.replace(/^file:(\/\/)?/i, '');
  if (dir === '') throw new UsageError('file: needs the session directory, e.g. --store file:./sessions');
  const ttlSeconds = ttl === undefined ? undefined : Number(ttl);
  if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)) throw new UsageError(`--ttl must be a whole number of seconds, not '${ttl}'`);
  let source: FileSessionSource;
  try {
    source = await FileSessionSource.connect({ id: 'cli', dir: resolve(dir), writable: false, ...(ttlSeconds !== undefined ? { ttlSeconds } : {}) });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  return listSource(source, limit);
}

async function listRedis(url: string, options: { prefix?: string; passwordEnv?: string; tlsCaFile?: string; limit?: number }, io: CliIo): Promise<{ sessions: SessionRecord[]; total: number }> {
  const password = passwordFrom(io, options.passwordEnv);
  let tlsCa: string | undefined;
  if (options.tlsCaFile !== undefined) {
    try {
      tlsCa = await readFile(options.tlsCaFile, 'utf8');
    } catch (err) {
      throw new UsageError(`--tls-ca: cannot read ${options.tlsCaFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!tlsCa.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--tls-ca: ${options.tlsCaFile} holds no PEM certificate`);
  }
  let source: RedisSessionSource;
  try {
    source = await RedisSessionSource.connect({
      id: 'cli',
      target: parseRedisUrl(url, { password }),
      prefix: options.prefix ?? 'sess:',
      retry: false,
      writable: false,
      ...(tlsCa !== undefined ? { tlsCa } : {}),
    });
  } catch (err) {
    if (err instanceof RedisUrlError || err instanceof RedisConnectionError || err instanceof PrefixViolationError) throw new UsageError(err.message);
    throw err;
  }
  return listSource(source, options.limit);
}

/** Lists every session (to count them), keeping the first `limit`; closes the source. */
async function listSource(source: SessionSource, limit: number | undefined): Promise<{ sessions: SessionRecord[]; total: number }> {
  try {
    // Count everything, keep only the first `limit` records' values.
    const listed = await listAllSessions(source, {});
    const limited = limit === undefined ? listed.sessions : listed.sessions.slice(0, limit);
    return { sessions: limited, total: listed.sessions.length };
  } catch (err) {
    throw new UsageError(`listing failed: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await source.close();
  }
}

function formatTable(records: SessionRecord[], total: number): string {
  const rows = records.map((r) => [shortId(r.id), r.user ?? 'anonymous', formatTtl(r.ttl), r.data === null ? (r.raw ?? '').slice(0, 60) : '']);
  const header = ['SID', 'USER', 'TTL', 'NOTE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const shown = records.length < total ? `${records.length} of ${total} sessions` : `${total} session${total === 1 ? '' : 's'}`;
  return [line(header), ...rows.map(line), shown, ''].join('\n');
}

function formatTtl(ttl: number | null): string {
  if (ttl === null) return '?';
  if (ttl < 0) return 'never';
  if (ttl < 120) return `${ttl}s`;
  if (ttl < 7200) return `${Math.round(ttl / 60)}m`;
  if (ttl < 172800) return `${Math.round(ttl / 3600)}h`;
  return `${Math.round(ttl / 86400)}d`;
}
