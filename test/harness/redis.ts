// Starts real redis-server processes on free loopback ports, each in its own temporary directory:
// a standalone server, a Redis Cluster, or a master + replica + Sentinel. Everything started is stopped
// when the test process exits, even when a test forgets.
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
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error("redis-server was not found on PATH: install the Debian package 'redis-server' (Homebrew: 'redis').");
  }
  checked = true;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

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

async function waitUntilServing(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode}): ${log().slice(-600)}`);
    try {
      const reply = await rawCommand(port, 'PING', 500);
      // Any answer but "still loading" means it serves (a password-protected server answers -NOAUTH).
      if (!reply.startsWith('-LOADING')) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms: ${log().slice(-600)}`);
}

export interface RedisServer {
  readonly host: '127.0.0.1';
  readonly port: number;
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
  port?: number;
  /** A configuration file (redis-server takes it as its first argument). */
  configFile?: string;
  /** Arguments redis-cli needs (e.g. ['-a', 'pw', '--no-auth-warning']). */
  cliAuth?: string[];
}

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  requireRedisServer();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'session-lens-redis-'));
  const args = [...(options.configFile ? [options.configFile] : []), '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--protected-mode', 'no', ...(options.args ?? [])];
  let child!: ChildProcess;
  let output = '';
  const launch = async () => {
    output = '';
    child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('exit', () => live.delete(child));
    await waitUntilServing(port, child, () => output);
  };
  const waitExit = (signal: NodeJS.Signals) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
  await launch();
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() { return child.pid; },
    async stop() { await waitExit('SIGTERM'); rmSync(dir, { recursive: true, force: true }); },
    async kill() { await waitExit('SIGKILL'); },
    async restart() { await waitExit('SIGKILL'); await launch(); },
    async cli(...cliArgs: string[]) {
      const { stdout } = await execFileAsync('redis-cli', ['-p', String(port), ...(options.cliAuth ?? []), ...cliArgs]);
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
      '--cluster-replicas', String(replicas), '--cluster-yes']);
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
  const sentinelPort = await freePort();
  const confDir = mkdtempSync(join(tmpdir(), 'session-lens-sentinel-'));
  const conf = join(confDir, 'sentinel.conf');
  writeFileSync(conf, [
    `port ${sentinelPort}`,
    'bind 127.0.0.1',
    `dir ${confDir}`,
    `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
    `sentinel down-after-milliseconds ${masterName} 2000`,
    `sentinel failover-timeout ${masterName} 5000`,
    '',
  ].join('\n'));
  const sentinel = await startRedis({ port: sentinelPort, configFile: conf, args: ['--sentinel'] }).catch(async (err: unknown) => {
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
    url: `redis+sentinel://127.0.0.1:${sentinelPort}/${masterName}`,
    async stop() {
      await sentinel.stop();
      await Promise.all([master.stop(), replica.stop()]);
      rmSync(confDir, { recursive: true, force: true });
    },
  };
}
