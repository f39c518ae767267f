// Opens ioredis connections for a parsed target: standalone, Sentinel, or Redis Cluster (detected with
// INFO `cluster_enabled:1`, whichever node the URL names). Fails fast with a classified error; the
// long-lived client then reconnects by itself with back-off when `retry` is set.
import type * as IORedis from 'ioredis';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { lazy } from '../lazy';

/** The Redis client library, loaded when the first connection is opened. */
const ioredis = lazy(() => require('ioredis') as typeof IORedis);
import { RedisTarget, describeTarget } from './url';

export interface ConnectOptions {
  /** Milliseconds to establish the TCP/TLS connection (default 5000). */
  connectTimeoutMs?: number;
  /** Milliseconds after which one command fails (default 5000). */
  commandTimeoutMs?: number;
  /** Reconnect with back-off after the first connection (the view); the CLI does not. */
  retry?: boolean;
  /** TLS: verify the server certificate (default true). */
  tlsRejectUnauthorized?: boolean;
  /** TLS: extra CA certificate (PEM). */
  tlsCa?: string;
}

export type ConnectionFailure = 'unreachable' | 'auth' | 'timeout' | 'other';

/** The connection could not be opened; `message` is one line and holds no credentials. */
export class RedisConnectionError extends Error {
  constructor(message: string, readonly failure: ConnectionFailure) {
    super(message);
  }
}

export interface RedisConnection {
  readonly mode: 'standalone' | 'cluster' | 'sentinel';
  /** The command client (a Cluster routes by key). */
  readonly client: Redis | Cluster;
  readonly db: number;
  /** The clients to SCAN: the standalone/sentinel client, or one client per cluster master. */
  masters(): Redis[];
  /**
   * Before a listing: a cluster reloads its slot map (after a failover the promoted replica is a master)
   * and fails when some slot has no reachable master, so a listing is never silently partial.
   */
  refreshTopology(): Promise<void>;
  close(): Promise<void>;
}

/** Back-off for reconnection: 100 ms doubling up to 5 s. */
export function backoffDelay(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 5000);
}

export function classifyError(err: unknown): ConnectionFailure {
  const text = `${(err as { code?: string } | null)?.code ?? ''} ${err instanceof Error ? err.message : String(err)}`;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username|NOPERM|AUTH.*failed|ERR AUTH/i.test(text)) return 'auth';
  if (/ETIMEDOUT|timed out|timeout/i.test(text)) return 'timeout';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE|Connection is closed|closed|All sentinels are unreachable|None of startup nodes/i.test(text)) return 'unreachable';
  return 'other';
}

/** A one-line, credential-free message for a failed connection. */
export function connectionMessage(target: RedisTarget, failure: ConnectionFailure, err: unknown): string {
  const where = describeTarget(target);
  const detail = firstLine(err);
  switch (failure) {
    case 'auth': return `authentication to ${where} failed (${detail}); check the user name and password`;
    case 'timeout': return `${where} did not answer in time (${detail})`;
    case 'unreachable': return `cannot reach Redis at ${where} (${detail})`;
    default: return `cannot use Redis at ${where}: ${detail}`;
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0].replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1***@').slice(0, 200);
}

function baseOptions(target: RedisTarget, options: ConnectOptions): RedisOptions {
  return {
    username: target.username,
    password: target.password,
    db: target.db,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    commandTimeout: options.commandTimeoutMs ?? 5000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    lazyConnect: true,
    // During the first connection: fail fast. Replaced after it succeeds when `retry` is set.
    retryStrategy: () => null,
    ...(target.tls ? { tls: { rejectUnauthorized: options.tlsRejectUnauthorized ?? true, ...(options.tlsCa ? { ca: options.tlsCa } : {}) } } : {}),
  };
}

/** Connects and waits until the connection is usable, or throws RedisConnectionError. */
export async function openRedis(target: RedisTarget, options: ConnectOptions = {}): Promise<RedisConnection> {
  const base = baseOptions(target, options);
  if (target.kind === 'sentinel') {
    const client = new (ioredis().Redis)({
      ...base,
      sentinels: target.nodes,
      name: target.masterName,
      sentinelRetryStrategy: () => null,
      ...(target.tls ? { enableTLSForSentinelMode: true } : {}),
    });
    await connectOrThrow(client, target);
    if (options.retry) {
      client.options.retryStrategy = backoffDelay;
      client.options.sentinelRetryStrategy = backoffDelay;
    }
    return single('sentinel', client, target.db);
  }
  const probe = new (ioredis().Redis)({ ...base, host: target.nodes[0].host, port: target.nodes[0].port });
  await connectOrThrow(probe, target);
  let clusterEnabled = false;
  try {
    clusterEnabled = /cluster_enabled:1/.test(await probe.info('cluster'));
  } catch (err) {
    // Some managed servers refuse INFO sections; treat them as standalone.
    if (classifyError(err) === 'auth') { probe.disconnect(); throw new RedisConnectionError(connectionMessage(target, 'auth', err), 'auth'); }
  }
  if (!clusterEnabled) {
    if (options.retry) probe.options.retryStrategy = backoffDelay;
    return single('standalone', probe, target.db);
  }
  probe.disconnect();
  if (target.db !== 0) throw new RedisConnectionError('Redis Cluster has only database 0: remove the database number from the URL', 'other');
  const { db: _db, lazyConnect: _lazy, retryStrategy: _retry, enableOfflineQueue: _queue, ...nodeOptions } = base;
  const cluster = new (ioredis().Cluster)(target.nodes, {
    redisOptions: nodeOptions,
    lazyConnect: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: options.retry ? backoffDelay : () => null,
    slotsRefreshTimeout: options.connectTimeoutMs ?? 5000,
  });
  await connectOrThrow(cluster, target);
  /** Clients of the masters named by the slot map (ioredis drops a dead master but adds its successor only on a refresh). */
  const slotMasters = (): { masters: Redis[]; missing: string[]; unowned: number } => {
    const byAddress = new Map(cluster.nodes('all').map((n) => [nodeAddress(n), n]));
    const owners = new Set<string>();
    let unowned = 0;
    for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
      const owner = cluster.slots[slot]?.[0];
      if (owner) owners.add(owner);
      else unowned++;
    }
    const sorted = [...owners].sort();
    return { masters: sorted.flatMap((a) => byAddress.get(a) ?? []), missing: sorted.filter((a) => !byAddress.has(a)), unowned };
  };
  return {
    mode: 'cluster',
    client: cluster,
    db: 0,
    masters: () => slotMasters().masters,
    refreshTopology: async () => {
      await new Promise<void>((resolve, reject) => cluster.refreshSlotsCache((err) => (err ? reject(err) : resolve())));
      const { missing, unowned } = slotMasters();
      if (unowned > 0) throw new RedisConnectionError(`the cluster serves only ${CLUSTER_SLOTS - unowned} of ${CLUSTER_SLOTS} slots (a master is down and no replica has taken over yet)`, 'unreachable');
      if (missing.length > 0) throw new RedisConnectionError(`no connection to the cluster master${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`, 'unreachable');
    },
    close: () => quit(cluster),
  };
}

export function nodeAddress(client: Redis): string {
  return `${client.options.host ?? ''}:${client.options.port ?? ''}`;
}

const CLUSTER_SLOTS = 16384;

function single(mode: 'standalone' | 'sentinel', client: Redis, db: number): RedisConnection {
  return { mode, client, db, masters: () => [client], refreshTopology: async () => {}, close: () => quit(client) };
}

async function quit(client: Redis | Cluster): Promise<void> {
  try {
    if (client.status === 'ready') await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // closing anyway
  }
  client.disconnect();
}

async function connectOrThrow(client: Redis | Cluster, target: RedisTarget): Promise<void> {
  let lastError: unknown;
  const onError = (err: unknown) => { lastError = err; };
  client.on('error', onError);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const cause = lastError ?? err;
    const failure = classifyError(cause);
    throw new RedisConnectionError(connectionMessage(target, failure, cause), failure);
  } finally {
    client.off('error', onError);
  }
}
