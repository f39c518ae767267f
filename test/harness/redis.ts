// Starts real redis-server processes on free loopback ports, each in its own temporary directory:
// a standalone server, a Redis Cluster, or a master + replica + Sentinel. Everything started is stopped
// when the test process exits, even when a test forgets.
//
// Ports: redis-server cannot bind port 0 and report the port it got, so a port is picked and, when another
// process takes it before redis-server binds it ("Address already in use"), the start is retried on a new
// one. A server counts as started only once its own log says it runs on that port, so a PING answered by
// somebody else's server on the port is never taken for ours.
//
// Clock: redis-server and redis-cli keep the real clock when the tests run under faketime (LD_PRELOAD is
// removed from their environment): key expiry is the server's business, as it is in production.
import { ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const p of live) p.kill('SIGKILL'); });

let checked = false;
/** Fails with a message naming the package when redis-server is not installed. */
export function requireRedisServer(): void {
  if (checked) return;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8', env: realClockEnv(), timeout: 10_000 });
  if (probe.error || probe.status !== 0) {
    throw new Error("redis-server was not found on PATH: install the Debian package 'redis-server' (Homebrew: 'redis').");
  }
  checked = true;
}

/** The environment without libfaketime (LD_PRELOAD entries and FAKETIME* variables), for services that keep the real clock. */
export function realClockEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^FAKETIME/.test(key) || key === 'DONT_FAKE_MONOTONIC') continue;
    if (key === 'LD_PRELOAD') {
      const kept = (value ?? '').split(/[: ]/).filter((lib) => lib && !/faketime/i.test(lib)).join(':');
      if (kept) out[key] = kept;
      continue;
    }
    out[key] = value;
  }
  return out;
}

/**
 * A loopback port nothing listened on a moment ago: only for a destination that must refuse connections
 * (an unreachable store). Never bind it later: a server must be started on a port it chose itself or
 * with a retry on "in use" (see `startRedis`), since another process may take it meanwhile.
 */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A port to try for a server that cannot bind port 0 itself; the caller retries on "in use". */
const candidatePort = closedPort;

/** Thrown when the port was taken before the server bound it: the start is retried on another port. */
class PortTakenError extends Error {}

/** Sends one inline command and returns the first reply line (e.g. `+PONG`, `-NOAUTH ...`). */
export function rawCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('timeout')); }, timeoutMs);
    sock.on('connect', () => sock.write(`${command}\r\n`));
    sock.on('data', (d) => {
      data += d.toString('latin1');
      if (data.includes('\r\n')) { clearTimeout(timer); sock.destroy(); resolve(data.split('\r\n')[0]); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/**
 * Waits until this child says it runs on `port` (its log line "Running mode=..., port=N.", written once its
 * listeners are bound) and then answers (a password-protected server answers -NOAUTH, one still loading
 * its data -LOADING). Rejects with `PortTakenError` when the port was in use.
 */
async function waitUntilServing(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const bound = new RegExp(`Running mode=\\w+, port=${port}\\.`);
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('close', onExit);
      if (err) reject(err); else resolve();
    };
    const onData = () => { if (bound.test(log())) done(); };
    const onExit = (code: number | null) => {
      const text = log();
      if (/Address already in use/.test(text)) done(new PortTakenError(`port ${port} was taken: ${text.slice(-300)}`));
      else done(new Error(`redis-server on port ${port} exited (${code}): ${text.slice(-600)}`));
    };
    const timer = setTimeout(() => done(new Error(`redis-server did not bind port ${port} within ${timeoutMs} ms: ${log().slice(-600)}`)), timeoutMs);
    child.stdout?.on('data', onData);
    // 'close', not 'exit': by then the whole log has been read.
    child.on('close', onExit);
    onData();
  });
  // Bound; a bounded poll until it serves (there is no event for the end of loading).
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode}): ${log().slice(-600)}`);
    try {
      const reply = await rawCommand(port, 'PING', 500);
      if (!reply.startsWith('-LOADING')) return;
    } catch { /* not serving yet */ }
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms: ${log().slice(-600)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The TLS port, when started with `tls` (the plain port stays for seeding and readiness). */
  readonly tlsPort: number | undefined;
  /** `redis://127.0.0.1:<port>` (no credentials; add them yourself when testing auth). */
  readonly url: string;
  readonly dir: string;
  readonly pid: number | undefined;
  /** Graceful stop (SIGTERM) and wait for exit. */
  stop(): Promise<void>;
  /** Abrupt death (SIGKILL), as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same arguments. */
  restart(): Promise<void>;
  /** Runs redis-cli against it with the given arguments and returns stdout. */
  cli(...args: string[]): Promise<string>;
}

export interface RedisOptions {
  /** Extra redis-server arguments, e.g. ['--requirepass', 'pw'] or ['--notify-keyspace-events', 'KEA']. */
  args?: string[];
  /** A fixed port (no retry when it is taken); by default a free one, retried on "in use". */
  port?: number;
  /** The port to try first, then free ones (for the harness's own test of the retry). */
  firstTry?: number;
  /** Also listen with TLS on a port of its own (`--tls-port`), with these files. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** A configuration file (redis-server takes it as its first argument). */
  configFile?: string;
  /** Arguments redis-cli needs (e.g. ['-a', 'pw', '--no-auth-warning']). */
  cliAuth?: string[];
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  requireRedisServer();
  const dir = mkdtempSync(join(tmpdir(), 'session-lens-redis-'));
  let port = 0;
  let tlsPort: number | undefined;
  let args: string[] = [];
  let child!: ChildProcess;
  let output = '';
  const env = realClockEnv();
  const launch = async () => {
    output = '';
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    live.add(child);
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    const started = child;
    child.on('exit', () => live.delete(started));
    await waitUntilServing(port, child, () => output);
  };
  for (let attempt = 1; ; attempt++) {
    port = options.port ?? (attempt === 1 && options.firstTry !== undefined ? options.firstTry : await candidatePort());
    tlsPort = undefined;
    while (options.tls && (tlsPort === undefined || tlsPort === port)) tlsPort = await candidatePort();
    args = [...(options.configFile ? [options.configFile] : []), '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
      '--protected-mode', 'no',
      ...(options.tls ? ['--tls-port', String(tlsPort), '--tls-cert-file', options.tls.certFile, '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no'] : []),
      ...(options.args ?? [])];
    try {
      await launch();
      break;
    } catch (err) {
      child.kill('SIGKILL');
      const retry = err instanceof PortTakenError && options.port === undefined && attempt < 10;
      if (!retry) { rmSync(dir, { recursive: true, force: true }); throw err; }
    }
  }
  const waitExit = (signal: NodeJS.Signals) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() { return child.pid; },
    async stop() { await waitExit('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
    async kill() { await waitExit('SIGKILL'); },
    // Same port on purpose (clients reconnect to it): no retry, a taken port fails the test clearly.
    async restart() { await waitExit('SIGKILL'); await launch(); },
    async cli(...cliArgs: string[]) {
      const { stdout } = await execFileAsync('redis-cli', ['-p', String(port), ...(options.cliAuth ?? []), ...cliArgs], { env });
      return stdout;
    },
  };
}

export interface RedisCluster {
  readonly nodes: RedisServer[];
  /** Master nodes at start (the first `masters` nodes). */
  readonly masters: RedisServer[];
  /** `redis://127.0.0.1:<port>` of the first node; any node's URL reaches the whole cluster. */
  readonly url: string;
  stop(): Promise<void>;
}

/** A Redis Cluster of `masters` masters (3 at least) and `replicasPerMaster` replicas each. */
export async function startCluster(options: { masters?: number; replicasPerMaster?: number; args?: string[] } = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicasPerMaster ?? 0;
  const nodes: RedisServer[] = [];
  for (let i = 0; i < masters * (1 + replicas); i++) {
    nodes.push(await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      '--cluster-node-timeout', '2000', '--cluster-replica-validity-factor', '0', ...(options.args ?? [])] }));
  }
  try {
    await execFileAsync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas', String(replicas), '--cluster-yes'], { env: realClockEnv() });
    await waitForClusterOk(nodes);
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
  return {
    nodes,
    masters: nodes.slice(0, masters),
    url: nodes[0].url,
    async stop() { await Promise.all(nodes.map((n) => n.stop())); },
  };
}

async function waitForClusterOk(nodes: RedisServer[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes) {
    for (;;) {
      const info = await node.cli('cluster', 'info');
      if (/cluster_state:ok/.test(info) && /cluster_known_nodes:(\d+)/.exec(info)?.[1] === String(nodes.length)) break;
      if (Date.now() > deadline) throw new Error(`cluster did not become ok: ${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface RedisSentinelSetup {
  readonly master: RedisServer;
  readonly replica: RedisServer;
  readonly sentinel: RedisServer;
  readonly masterName: string;
  /** `redis+sentinel://127.0.0.1:<sentinel port>/<masterName>` (the CLI's form). */
  readonly url: string;
  stop(): Promise<void>;
}

/** A master, one replica, and one Sentinel monitoring them (quorum 1). */
export async function startSentinel(options: { masterName?: string } = {}): Promise<RedisSentinelSetup> {
  const masterName = options.masterName ?? 'mymaster';
  const master = await startRedis();
  const replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const confDir = mkdtempSync(join(tmpdir(), 'session-lens-sentinel-'));
  const conf = join(confDir, 'sentinel.conf');
  writeFileSync(conf, [
    // The port comes from startRedis (--port), retried when taken.
    'bind 127.0.0.1',
    `dir ${confDir}`,
    `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
    `sentinel down-after-milliseconds ${masterName} 2000`,
    `sentinel failover-timeout ${masterName} 5000`,
    '',
  ].join('\n'));
  const sentinel = await startRedis({ configFile: conf, args: ['--sentinel'] }).catch(async (err: unknown) => {
    await Promise.all([master.stop(), replica.stop()]);
    throw err;
  });
  // Wait until the replica is in sync and the sentinel knows the master.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const info = await replica.cli('info', 'replication');
    const addr = await sentinel.cli('sentinel', 'get-master-addr-by-name', masterName);
    if (/master_link_status:up/.test(info) && addr.includes(String(master.port))) break;
    if (Date.now() > deadline) throw new Error(`sentinel setup not ready: ${info} ${addr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    master, replica, sentinel, masterName,
    url: `redis+sentinel://127.0.0.1:${sentinel.port}/${masterName}`,
    async stop() {
      await sentinel.stop();
      await Promise.all([master.stop(), replica.stop()]);
      rmSync(confDir, { recursive: true, force: true });
    },
  };
}
