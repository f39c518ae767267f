// A PostgreSQL connection as Session Lens names it: the URL (credentials kept apart), the session table, and
// whether it stays on this machine. Parsing is pg-connection-string's, the parser `pg` itself uses.
import type { ClientConfig } from 'pg';
import { isLoopbackHost } from '../redis/url';

export class PostgresUrlError extends Error { override name = 'PostgresUrlError'; }

export interface PostgresTarget {
  /** The client settings from the URL, password removed (see `password`). */
  config: ClientConfig;
  /** From the URL or given apart (SecretStorage); never shown. */
  password?: string;
  /** connect-pg-simple's `tableName` (default `session`) and `schemaName` (default: the search path). */
  table: string;
  schema?: string;
}

export const DEFAULT_TABLE = 'session';

/** Parses `postgres://` / `postgresql://` URLs (and the socket form `postgres:///db?host=/run/postgresql`). */
export function parsePostgresUrl(url: string, options: { password?: string; table?: string; schema?: string } = {}): PostgresTarget {
  if (!/^postgres(ql)?:\/\//i.test(url.trim())) throw new PostgresUrlError(`${quoteForMessage(url)} is not a postgres:// URL`);
  let parsed: ClientConfig;
  try {
    parsed = (require('pg-connection-string') as typeof import('pg-connection-string')).parseIntoClientConfig(url.trim());
  } catch (err) {
    throw new PostgresUrlError(`${quoteForMessage(url)} is not a valid PostgreSQL URL (${(err as Error).message})`);
  }
  const { password, ...config } = parsed;
  if (config.port !== undefined && (!Number.isInteger(Number(config.port)) || Number(config.port) < 1 || Number(config.port) > 65535)) {
    throw new PostgresUrlError(`port ${String(config.port)} is out of range`);
  }
  const pass = options.password ?? (typeof password === 'string' && password !== '' ? password : undefined);
  return { config: { ...config, host: config.host || 'localhost' }, ...(pass !== undefined ? { password: pass } : {}), table: options.table || DEFAULT_TABLE, ...(options.schema ? { schema: options.schema } : {}) };
}

/** Loopback addresses and Unix sockets (a path) never leave the machine. */
export function isLoopbackPostgres(target: PostgresTarget): boolean {
  const host = target.config.host ?? 'localhost';
  return host.startsWith('/') || isLoopbackHost(host);
}

/** The table as SQL: each part quoted (`"schema"."table"`). */
export function quotedTable(target: Pick<PostgresTarget, 'table' | 'schema'>): string {
  return target.schema ? `${quoteIdentifier(target.schema)}.${quoteIdentifier(target.table)}` : quoteIdentifier(target.table);
}

export function quoteIdentifier(name: string): string {
  if (name === '' || name.includes('\0')) throw new PostgresUrlError('a table or schema name must be non-empty text');
  return `"${name.replace(/"/g, '""')}"`;
}

/** A display form without credentials, e.g. `postgres://app@127.0.0.1:5432/shop (session)`. */
export function describePostgres(target: PostgresTarget): string {
  const { host, port, user, database } = target.config;
  const where = host?.startsWith('/') ? `socket ${host}` : `${host?.includes(':') ? `[${host}]` : host}:${port ?? 5432}`;
  const table = target.schema ? `${target.schema}.${target.table}` : target.table;
  return `postgres://${user ? `${user}@` : ''}${where}/${database ?? ''} (${table})`;
}

function quoteForMessage(text: string): string {
  const withoutCredentials = text.replace(/\/\/[^@/]*@/, '//***@');
  return JSON.stringify(withoutCredentials.length > 60 ? `${withoutCredentials.slice(0, 60)}…` : withoutCredentials);
}
