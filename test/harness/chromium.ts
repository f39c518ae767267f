// Starts Debian's Chromium headless with a remote debugging port (port 0: Chromium picks a free one and says which
// on stderr, so there is no port race), in a throwaway profile; killed when the test process exits.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CdpClient } from '../../src/core/inspector/cdpClient';
import { listInspectorTargets } from '../../src/core/inspector/address';
import { startDevServer, type DevServer, type DevServerOptions } from './devServer';
import { realClockEnv } from './redis';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const live = new Set<ChildProcess>();
process.on('exit', () => { for (const p of live) killGroup(p, 'SIGKILL'); });

/** Chromium's helpers (renderer, network, GPU) share its process group: signal them all. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

/** Resolves once no process of the group is left (nothing announces it: a bounded check every 50 ms). */
async function groupGone(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } return; }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Chromium {
  /** `127.0.0.1:PORT` of the remote debugging port. */
  readonly address: string;
  readonly port: number;
  /** Opens `url` in the browser's page and resolves with the page's text once it has loaded. */
  open(url: string): Promise<string>;
  /** A raw CDP connection to the page (for test setup the product must not do). */
  page(): Promise<CdpClient>;
  stop(): Promise<void>;
}

export async function startChromium(): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package 'chromium'`);
  const profile = mkdtempSync(join(tmpdir(), 'session-lens-chromium-'));
  const child = spawn(CHROMIUM, [
    '--headless=new', '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', `--user-data-dir=${profile}`,
    '--no-first-run', '--no-default-browser-check', '--disable-gpu', '--disable-dev-shm-usage',
    // Sites that are not on this machine, served by the local fixture app: *.example.test resolves to 127.0.0.1.
    '--host-resolver-rules=MAP *.example.test 127.0.0.1',
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: realClockEnv(), detached: true });
  live.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not open its debugging port:\n${log}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Chromium exited (${code}):\n${log}`)); });
  });
  child.stderr!.resume();
  const address = `127.0.0.1:${port}`;
  const page = async () => {
    const targets = await listInspectorTargets({ host: '127.0.0.1', port }, { kind: 'browser' });
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error('Chromium has no page');
    return CdpClient.connect(target.webSocketDebuggerUrl);
  };
  return {
    address,
    port,
    page,
    async open(url) {
      const client = await page();
      try {
        await client.send('Page.enable');
        const loaded = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${url} did not load within 30 s`)), 30_000);
          const stop = client.on('Page.loadEventFired', () => { stop(); clearTimeout(timer); resolve(); });
        });
        await client.send('Page.navigate', { url });
        await loaded;
        const { result } = await client.send('Runtime.evaluate', { expression: 'document.body ? document.body.innerText : ""', returnByValue: true });
        return String(result.value);
      } finally {
        await client.close();
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        killGroup(child, 'SIGTERM');
        await exited;
      }
      // Its helpers write to the profile until they exit too.
      await groupGone(child.pid!);
      live.delete(child);
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}

/** For a describe block: headless Chromium and the fixture app, started before its tests and stopped after them. */
export function chromiumWithApp(options: DevServerOptions = { store: 'memory' }): { chromium(): Chromium; app(): DevServer } {
  let chromium: Chromium | undefined;
  let app: DevServer | undefined;
  before(async () => {
    chromium = await startChromium();
    app = await startDevServer(options);
  });
  after(async () => {
    await app?.stop();
    await chromium?.stop();
  });
  return { chromium: () => chromium!, app: () => app! };
}
