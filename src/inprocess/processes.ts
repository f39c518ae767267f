// The Node processes of this machine (like js-debug's process picker): /proc on Linux, `ps` on other
// Unix systems, PowerShell on Windows; and which loopback inspector port a process already has.
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import { isLoopbackHost, listInspectorTargets } from '../core/inspector/address';

const execFileAsync = promisify(execFile);

export interface NodeProcess {
  pid: number;
  /** The command line, shortened for display. */
  command: string;
  /** The inspector address the command line asks for (`--inspect[=HOST:]PORT`), when it names a port. */
  inspectFlag?: { host: string; port: number };
  /** Whether `--inspect*` (or NODE_OPTIONS) is on the command line at all. */
  inspectRequested: boolean;
}

const NODE_BINARY = /^(node|nodejs|node\d+)(\.exe)?$/i;

export async function listNodeProcesses(): Promise<NodeProcess[]> {
  const rows = process.platform === 'linux' ? await fromProc() : process.platform === 'win32' ? await fromPowerShell() : await fromPs();
  return rows.filter((p) => p.pid !== process.pid).sort((a, b) => b.pid - a.pid);
}

async function fromProc(): Promise<NodeProcess[]> {
  const out: NodeProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
      if (argv.length === 0 || !NODE_BINARY.test(basename(argv[0]))) continue;
      let nodeOptions = '';
      try {
        const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
        nodeOptions = environ.split('\0').find((v) => v.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
      } catch { /* another user's process */ }
      out.push(describe(Number(entry), argv, nodeOptions));
    } catch {
      // exited meanwhile or not readable
    }
  }
  return out;
}

async function fromPs(): Promise<NodeProcess[]> {
  const { stdout } = await execFileAsync('ps', ['-axo', 'pid=,args='], { maxBuffer: 16 * 1024 * 1024 });
  const out: NodeProcess[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const argv = m[2].split(/\s+/);
    if (!NODE_BINARY.test(basename(argv[0]))) continue;
    out.push(describe(Number(m[1]), argv, ''));
  }
  return out;
}

async function fromPowerShell(): Promise<NodeProcess[]> {
  const script = "Get-CimInstance Win32_Process -Filter \"Name like 'node%.exe'\" | ForEach-Object { \"$($_.ProcessId) $($_.CommandLine)\" }";
  const { stdout } = await execFileAsync('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script], { maxBuffer: 16 * 1024 * 1024 });
  const out: NodeProcess[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^(\d+)\s+(.*)$/.exec(line.trim());
    if (m) out.push(describe(Number(m[1]), m[2].split(/\s+/), ''));
  }
  return out;
}

/** Reads `--inspect`, `--inspect-brk`, `--inspect-wait` and `--inspect-port` from argv and NODE_OPTIONS. */
export function describe(pid: number, argv: string[], nodeOptions: string): NodeProcess {
  const flags = [...argv.slice(1), ...nodeOptions.split(/\s+/).filter(Boolean)];
  let inspectRequested = false;
  let inspectFlag: { host: string; port: number } | undefined;
  for (const flag of flags) {
    const m = /^--(inspect(?:-brk|-wait)?|inspect-port|debug-port)(?:=(.*))?$/.exec(flag);
    if (!m) continue;
    if (m[1] !== 'inspect-port' && m[1] !== 'debug-port') inspectRequested = true;
    const value = m[2];
    if (value === undefined) { inspectFlag ??= { host: '127.0.0.1', port: 9229 }; continue; }
    const hostPort = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(value);
    if (!hostPort) continue;
    const port = Number(hostPort[2]);
    // Port 0 means "any free port": found later from the process's listening sockets.
    inspectFlag = port === 0 ? undefined : { host: hostPort[1] || '127.0.0.1', port };
  }
  const command = argv.join(' ');
  return { pid, command: command.length > 160 ? `${command.slice(0, 157)}…` : command, inspectFlag, inspectRequested };
}

/**
 * The loopback inspector address the process listens on now, or undefined. Tries the port its command
 * line names, then (on Linux) every loopback TCP port the process listens on.
 */
export async function findInspectorAddress(proc: NodeProcess): Promise<string | undefined> {
  let candidates: { host: string; port: number }[];
  if (process.platform === 'linux') {
    // Only ports this process listens on: another process's inspector must never be mistaken for it.
    const owned = await listeningLoopbackPorts(proc.pid);
    const flagged = owned.filter((c) => c.port === proc.inspectFlag?.port);
    candidates = [...flagged, ...owned.filter((c) => !flagged.includes(c))];
  } else {
    candidates = proc.inspectFlag && isLoopbackHost(proc.inspectFlag.host) ? [proc.inspectFlag] : [{ host: '127.0.0.1', port: 9229 }];
  }
  for (const candidate of candidates) {
    try {
      await listInspectorTargets(candidate, { timeoutMs: 700 });
      return candidate.host.includes(':') ? `[${candidate.host}]:${candidate.port}` : `${candidate.host}:${candidate.port}`;
    } catch {
      // not an inspector
    }
  }
  return undefined;
}

async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  try {
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(await readlink(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch { /* closed meanwhile */ }
    }
  } catch { /* not ours to read */ }
  return inodes;
}

async function listeningLoopbackPorts(pid: number): Promise<{ host: string; port: number }[]> {
  const inodes = await socketInodes(pid);
  if (inodes.size === 0) return [];
  const out: { host: string; port: number }[] = [];
  for (const [file, host] of [['/proc/net/tcp', '127.0.0.1'], ['/proc/net/tcp6', '::1']] as const) {
    let text = '';
    try { text = await readFile(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue;
      const [addrHex, portHex] = cols[1].split(':');
      if (!isLoopbackHex(addrHex)) continue;
      out.push({ host, port: parseInt(portHex, 16) });
    }
  }
  return out;
}

function isLoopbackHex(addrHex: string): boolean {
  if (addrHex.length === 8) return addrHex.endsWith('7F'); // little-endian 127.x.x.x
  return addrHex === '00000000000000000000000001000000' || /^0000000000000000FFFF00000[0-9A-F]{6}7F$/i.test(addrHex);
}

/**
 * Asks a running Node process to open its inspector (SIGUSR1; `process._debugProcess` on Windows). The
 * inspector then stays open for the life of the process: call only after the user agreed.
 */
export function openInspector(pid: number): void {
  if (process.platform === 'win32') {
    (process as unknown as { _debugProcess(pid: number): void })._debugProcess(pid);
  } else {
    process.kill(pid, 'SIGUSR1');
  }
}

/**
 * Opens the inspector of a process started without one (`openInspector`) and waits until it answers on a
 * loopback port the process owns. Node opens it on the `--inspect-port` the process was given (default
 * 127.0.0.1:9229). Resolves with `HOST:PORT`, or undefined when none answered within `timeoutMs`.
 */
export async function openInspectorAndWait(proc: NodeProcess, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<string | undefined> {
  openInspector(proc.pid);
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const target = { ...proc, inspectFlag: proc.inspectFlag ?? { host: '127.0.0.1', port: 9229 } };
  for (;;) {
    const address = await findInspectorAddress(target);
    if (address) return address;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 100));
  }
}
