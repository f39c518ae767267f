// Runs the extension-host suite inside a real VS Code: code-server from npm, opened in Debian's headless
// Chromium through playwright-core (../shared/notes/vscode-host-testing.md). Exit code = the suite's.
//
// Options: --vsix FILE (install a packaged VSIX instead of the development folder), --baseline-extension,
//          --plain-workspace (a workspace without session code instead of test/fixtures/workspace),
//          --grep TEXT (only tests whose title matches), --keep (leave the temporary folders),
//          --untrusted (workspace trust on and the workspace not trusted; the suite sees SESSION_LENS_UNTRUSTED=1).
// Screenshots requested by the suite are written to $SESSION_LENS_SCREENSHOTS (default out/screenshots).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { installCodeServer } from './install-code-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
// Flags are read only when this file is the program: other scripts import its helpers.
const { values: opts } = isMain ? parseArgs({
  options: { vsix: { type: 'string' }, grep: { type: 'string' }, keep: { type: 'boolean' }, 'no-build': { type: 'boolean' },
    // Also load an empty extension, the side-by-side baseline of the activation benchmark.
    'baseline-extension': { type: 'boolean' },
    // Open a workspace without session code (a plain Node project) instead of test/fixtures/workspace.
    'plain-workspace': { type: 'boolean' },
    // Write the screenshots to docs/images/ (the README's pictures) instead of out/screenshots/.
    pictures: { type: 'boolean' },
    // Open the workspace in restricted mode (trust enabled, never granted, no trust prompt).
    untrusted: { type: 'boolean' } },
}) : { values: {} };
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SUITE_TIMEOUT_MS = Number(process.env.SESSION_LENS_HOST_TIMEOUT_MS ?? 20 * 60_000);

/**
 * A loopback port nothing listened on a moment ago. Not for starting a server on (another process may take
 * it first): code-server binds port 0 and reports its port (see startCodeServer).
 */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createNetServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => res(port)); });
  });
}

/** The port code-server bound (it is started on port 0), from its "HTTP server listening on" log line. */
function listeningPort(child, log, timeoutMs) {
  return new Promise((resolvePort, reject) => {
    const check = () => {
      const m = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(log());
      if (m) { done(); resolvePort(Number(m[1])); }
    };
    const onExit = (code) => { done(); reject(new Error(`code-server exited with ${code} before it listened:\n${log().slice(-2000)}`)); };
    const timer = setTimeout(() => { done(); reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${log().slice(-2000)}`)); }, timeoutMs);
    const done = () => { clearTimeout(timer); child.stdout.off('data', check); child.stderr.off('data', check); child.off('exit', onExit); };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

async function waitForHttp(url, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it served`);
    try { const r = await fetch(url); if (r.status < 500) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs} ms`);
}

/** Starts code-server with a fresh profile on a loopback port it binds itself (port 0: no port race). */
export async function startCodeServer({ workspace, extensionsDir, userDataDir, env = {}, settings = {}, untrusted = false }) {
  const entry = installCodeServer();
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
    ...(untrusted
      ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }
      : { 'security.workspace.trust.enabled': false }),
    'workbench.startupEditor': 'none',
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    ...settings,
  }, null, 2));
  const child = spawn(process.execPath, [entry, '--auth', 'none', '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry', '--disable-update-check', ...(untrusted ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, workspace], {
    env: { ...process.env, XDG_CONFIG_HOME: join(userDataDir, 'xdg'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverLog = '';
  child.stdout.on('data', (d) => { serverLog += d; });
  child.stderr.on('data', (d) => { serverLog += d; });
  const port = await listeningPort(child, () => serverLog, 60_000);
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60_000, child);
  return { port, child, log: () => serverLog, stop: () => { if (child.exitCode === null) child.kill('SIGTERM'); } };
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package 'chromium'`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'],
  });
}

async function main() {
  if (!opts['no-build']) execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const tmp = mkdtempSync(join(tmpdir(), 'session-lens-host-'));
  const workspace = join(tmp, 'workspace');
  if (opts['plain-workspace']) {
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'plain-app', version: '1.0.0', main: 'index.js' }, null, 2));
    writeFileSync(join(workspace, 'index.js'), "const http = require('node:http');\nhttp.createServer((req, res) => res.end('hello')).listen(3000);\n");
  } else {
    cpSync(join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  }
  const extensionsDir = join(tmp, 'extensions');
  const userDataDir = join(tmp, 'user-data');
  mkdirSync(extensionsDir, { recursive: true });
  if (opts['baseline-extension']) {
    // An installed copy of an empty extension: the baseline the activation benchmark compares with; and a
    // second one, activated before both, that takes the cost of the host's first activation.
    cpSync(join(root, 'test/fixtures/baseline-extension'), join(extensionsDir, 'session-lens-tests.baseline-0.0.1'), { recursive: true });
    const warmup = join(extensionsDir, 'session-lens-tests.warmup-0.0.1');
    cpSync(join(root, 'test/fixtures/baseline-extension'), warmup, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(warmup, 'package.json'), 'utf8'));
    writeFileSync(join(warmup, 'package.json'), JSON.stringify({ ...manifest, name: 'warmup', displayName: 'Warm-up (empty extension for activation benchmarks)', contributes: {} }, null, 2));
    writeFileSync(join(warmup, 'extension.js'), 'exports.activate = () => {};\n');
  }

  const screenshotDir = resolve(process.env.SESSION_LENS_SCREENSHOTS ?? join(root, 'out/screenshots'));
  // The README's pictures (`--pictures`) go to docs/images/; every other screenshot to the folder above.
  const PICTURES = new Set(['sessions-view', 'cookie-decoder', 'browser-cookies', 'diagnostics-quick-fix', 'inprocess-marked-session']);
  let page;
  // The suite asks for screenshots over loopback HTTP; the page belongs to this process.
  const shotServer = createServer(async (req, res) => {
    try {
      const name = new URL(req.url, 'http://x').searchParams.get('name')?.replace(/[^\w.-]/g, '_') || 'shot';
      const dir = opts.pictures && PICTURES.has(name) ? join(root, 'docs/images') : screenshotDir;
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${name}.png`);
      await page.screenshot({ path: file });
      res.writeHead(200).end(file);
    } catch (err) { res.writeHead(500).end(String(err)); }
  });
  await new Promise((r) => shotServer.listen(0, '127.0.0.1', r));

  let extensionDevelopmentPath = root;
  if (opts.vsix) {
    // Install the packaged VSIX like a user would; the suite then runs against the installed copy.
    const entry = installCodeServer();
    execFileSync(process.execPath, [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
      '--install-extension', resolve(opts.vsix)], { stdio: 'inherit', env: { ...process.env, XDG_CONFIG_HOME: join(userDataDir, 'xdg') } });
    // VS Code runs a test module only next to a development extension: point it at the installed copy, so
    // the code under test is exactly what the VSIX contained.
    const installed = readdirSync(extensionsDir).find((d) => d.startsWith('session-lens.session-lens-'));
    if (!installed) throw new Error(`the VSIX did not install into ${extensionsDir}`);
    extensionDevelopmentPath = join(extensionsDir, installed);
    console.log(`[host] testing the installed VSIX at ${extensionDevelopmentPath}`);
  }

  const env = {
    SESSION_LENS_SCREENSHOT_URL: `http://127.0.0.1:${shotServer.address().port}/shot`,
    SESSION_LENS_WORKSPACE: workspace,
    ...(opts.grep ? { SESSION_LENS_HOST_GREP: opts.grep } : {}),
    ...(opts.untrusted ? { SESSION_LENS_UNTRUSTED: '1' } : {}),
  };
  const server = await startCodeServer({ workspace, extensionsDir, userDataDir, env, untrusted: opts.untrusted === true });
  const browser = await launchBrowser();
  let exitCode = 1;
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const finished = new Promise((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? format(...args) : String(args);
      // Workbench stack frames are noise here; the suite's own output and errors are kept.
      const kept = text.split('\n').filter((l) => !/^\s+at .*\/static\/out\/vs\//.test(l)).join('\n');
      process.stdout.write(`${kept}\n`);
    });
    const base = `vscode-remote://127.0.0.1:${server.port}`;
    const payload = [['extensionTestsPath', `${base}${join(root, 'out/host-suite/index.js')}`]];
    if (extensionDevelopmentPath) payload.unshift(['extensionDevelopmentPath', `${base}${extensionDevelopmentPath}`]);
    const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const timeout = new Promise((r) => setTimeout(() => r('timeout'), SUITE_TIMEOUT_MS));
    const result = await Promise.race([finished, timeout]);
    if (result === 'timeout') {
      console.error(`[host] the suite did not finish within ${SUITE_TIMEOUT_MS} ms`);
      console.error(server.log().slice(-4000));
    } else {
      exitCode = result;
    }
  } finally {
    await browser.close().catch(() => {});
    server.stop();
    shotServer.close();
    if (!opts.keep) rmSync(tmp, { recursive: true, force: true });
  }
  return exitCode;
}

if (isMain) {
  main().then((code) => process.exit(code), (err) => { console.error(`[host] ${err.stack ?? err}`); process.exit(1); });
}
