// Parsing of the connection URLs the CLI and the settings accept: redis://, rediss:// (TLS), ACL users,
// a database number, and redis+sentinel://HOST:PORT[,HOST:PORT]/MASTER_NAME. Pure: no connection here.

export interface HostPort {
  host: string;
  port: number;
}

export interface RedisTarget {
  kind: 'standalone' | 'sentinel';
  /** Standalone: the server (for a cluster, any node). Sentinel: the sentinels to ask. */
  nodes: HostPort[];
  /** Sentinel only: the monitored master's name. */
  masterName?: string;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
}

/** A URL that cannot be used, with a one-line reason (the URL is never repeated: it may hold a password). */
export class RedisUrlError extends Error {}

const DEFAULT_PORT = 6379;
const DEFAULT_SENTINEL_PORT = 26379;

/** Parses a connection URL. `password` (from SecretStorage or the environment) wins over one in the URL. */
export function parseRedisUrl(url: string, overrides: { password?: string; username?: string } = {}): RedisTarget {
  const text = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme) throw new RedisUrlError('the Redis URL must start with redis://, rediss:// or redis+sentinel://');
  if (scheme === 'redis+sentinel' || scheme === 'rediss+sentinel') return parseSentinel(text, scheme, overrides);
  if (scheme !== 'redis' && scheme !== 'rediss') throw new RedisUrlError(`unsupported scheme '${scheme}://' (use redis://, rediss:// or redis+sentinel://)`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new RedisUrlError('the Redis URL is not a valid URL');
  }
  if (!parsed.hostname) throw new RedisUrlError('the Redis URL has no host');
  const host = unbracket(parsed.hostname);
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORT;
  const db = parseDb(parsed.pathname, parsed.searchParams.get('db'));
  return {
    kind: 'standalone',
    nodes: [{ host, port }],
    db,
    tls: scheme === 'rediss',
    ...credentials(decode(parsed.username), decode(parsed.password), overrides),
  };
}

function parseSentinel(text: string, scheme: string, overrides: { password?: string; username?: string }): RedisTarget {
  // URL() does not accept a host list, so split by hand: scheme://[user[:pass]@]h:p[,h:p]/MASTER[/db]
  const rest = text.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  if (slash < 0) throw new RedisUrlError('a Sentinel URL needs the master name: redis+sentinel://HOST:PORT[,HOST:PORT]/MASTER_NAME');
  let authority = rest.slice(0, slash);
  const path = rest.slice(slash + 1).split('?')[0];
  let username = '';
  let password = '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const info = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = info.indexOf(':');
    username = decode(colon >= 0 ? info.slice(0, colon) : info);
    password = colon >= 0 ? decode(info.slice(colon + 1)) : '';
  }
  const nodes = authority.split(',').filter((s) => s !== '').map((hp) => parseHostPort(hp, DEFAULT_SENTINEL_PORT));
  if (nodes.length === 0) throw new RedisUrlError('a Sentinel URL needs at least one HOST:PORT');
  const [masterName, dbPart] = path.split('/');
  if (!masterName) throw new RedisUrlError('a Sentinel URL needs the master name: redis+sentinel://HOST:PORT/MASTER_NAME');
  return {
    kind: 'sentinel',
    nodes,
    masterName: decode(masterName),
    db: parseDb(dbPart ? `/${dbPart}` : '', null),
    tls: scheme.startsWith('rediss'),
    ...credentials(username, password, overrides),
  };
}

export function parseHostPort(text: string, defaultPort = DEFAULT_PORT): HostPort {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new RedisUrlError(`${quoteForMessage(text)} is not HOST:PORT`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RedisUrlError(`port ${m[2]} is out of range`);
  return { host: unbracket(m[1]), port };
}

function parseDb(pathname: string, query: string | null): number {
  const text = (query ?? pathname.replace(/^\//, '')).trim();
  if (text === '') return 0;
  const db = Number(text);
  if (!Number.isInteger(db) || db < 0) throw new RedisUrlError(`${quoteForMessage(text)} is not a database number`);
  return db;
}

function credentials(username: string, password: string, overrides: { password?: string; username?: string }): { username?: string; password?: string } {
  const user = overrides.username ?? username;
  const pass = overrides.password ?? password;
  return { ...(user ? { username: user } : {}), ...(pass ? { password: pass } : {}) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** True for addresses that never leave the machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = unbracket(host.toLowerCase());
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/** True when every node of the target is loopback (the only case where writes are allowed without asking). */
export function isLoopbackTarget(target: RedisTarget): boolean {
  return target.nodes.every((n) => isLoopbackHost(n.host));
}

/** A display form of the target without credentials, e.g. `127.0.0.1:6379/0` or `sentinel mymaster@h:p`. */
export function describeTarget(target: RedisTarget): string {
  const nodes = target.nodes.map((n) => `${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`).join(',');
  const user = target.username ? `${target.username}@` : '';
  const db = target.db ? `/${target.db}` : '';
  if (target.kind === 'sentinel') return `sentinel ${target.masterName}${db} via ${user}${nodes}${target.tls ? ' (TLS)' : ''}`;
  return `${target.tls ? 'rediss' : 'redis'}://${user}${nodes}${db}`;
}

/** Quotes a piece of user input for a one-line error message: escaped, short, and without credentials. */
function quoteForMessage(text: string): string {
  const withoutCredentials = text.replace(/^[^@]*@/, '***@');
  const short = withoutCredentials.length > 40 ? `${withoutCredentials.slice(0, 40)}…` : withoutCredentials;
  return JSON.stringify(short);
}
