// `npm run demo`: the product working in one command. Starts the fixture dev server (connect-redis on a
// private redis-server when one is installed, else the MemoryStore with an inspector port), logs a few
// browsers in (and a headless Chromium with a debugging port, when installed, for Connect to Browser…), opens
// code-server with the built extension on a demo workspace, and prints the URL.
// Ctrl-C stops everything it started.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startChromium } from '../test/harness/chromium';
import { startDemo } from '../test/harness/demoSetup';
import { ensureSystemPackages } from './system-packages.mjs';

const root = resolve(__dirname, '..');

async function main(): Promise<void> {
  ensureSystemPackages('demo');
  execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tmp = mkdtempSync(join(tmpdir(), 'session-lens-demo-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(tmp, { recursive: true, force: true })];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const demo = await startDemo({ dir: tmp, onNotice: (line) => console.log(`[demo] ${line}`) });
    cleanups.push(() => demo.stop());
    const { app, redis, workspace } = demo;

    // A browser logged in to the dev server, for Connect to Browser… (when Debian's Chromium is installed).
    const chromium = existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') ? await startChromium() : undefined;
    if (chromium) {
      cleanups.push(() => chromium.stop());
      await chromium.open(`${app.url}/login?user=erin`);
    }

    const { startCodeServer } = await import('../test/host/run-code-server.mjs');
    const server = await startCodeServer({
      workspace,
      extensionsDir: join(tmp, 'extensions'),
      userDataDir: join(tmp, 'user-data'),
    });
    cleanups.push(() => server.stop());
    const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${root}`]];
    const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    console.log('');
    console.log(`[demo] dev server:  ${app.url}  (store: ${redis ? `Redis ${redis.url}` : `memory, inspector ${app.inspectorAddress}`})`);
    console.log(`[demo]   try ${app.url}/login?user=dave , ${app.url}/profile , ${app.url}/logout`);
    if (chromium) console.log(`[demo] browser:     headless Chromium logged in as erin, debugging port ${chromium.address}: run "Session Lens: Connect to Browser…" with that address`);
    console.log(`[demo] VS Code:     ${url}`);
    console.log('[demo] open the VS Code URL in a browser; Ctrl-C stops everything.');
  } catch (err) {
    console.error(`[demo] ${(err as Error).stack ?? String(err)}`);
    await stop(1);
  }
}

void main();
