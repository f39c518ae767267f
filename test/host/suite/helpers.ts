// Helpers shared by the extension-host tests: activation, waiting on events, screenshots.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { startRedis, type RedisServer } from '../../harness/redis';

export const EXTENSION_ID = 'session-lens.session-lens';

/** Activates the extension and starts its features (which otherwise start on first use). */
export async function activateExtension(): Promise<ExtensionApi> {
  const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} not found in the host`);
  const api = await ext.activate();
  (api.testHooks.get('features.start') as () => void)();
  return api;
}

export function manifestCommands(ext: vscode.Extension<unknown>): string[] {
  const commands = (ext.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  return commands.map((c) => c.command);
}

/** Resolves with the first event value for which `predicate` holds; rejects after `timeoutMs`. */
export function waitForEvent<T>(event: vscode.Event<T>, predicate: (value: T) => boolean = () => true, timeoutMs = 20_000, what = 'event'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
    const sub = event((value) => {
      if (!predicate(value)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(value);
    });
  });
}

/**
 * Re-checks `probe` after each firing of `event` (and once at the start) until it returns a value;
 * for state that an event announces but that must be read back from the host.
 */
export async function waitUntil<T>(probe: () => T | undefined | Promise<T | undefined>, event: vscode.Event<unknown>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const first = await probe();
  if (first !== undefined) return first;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const finish = (fn: () => void) => { if (!done) { done = true; clearTimeout(timer); sub.dispose(); fn(); } };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    const sub = event(() => {
      void Promise.resolve(probe()).then((v) => { if (v !== undefined) finish(() => resolve(v)); }, (e: unknown) => finish(() => reject(e)));
    });
  });
}

/**
 * Asks the runner (code-server + Chromium) to save a PNG of the workbench as `name.png` under the
 * screenshot folder. Returns the file path, or undefined where the runner cannot take one (Electron).
 */
export function screenshot(name: string): Promise<string | undefined> {
  const endpoint = process.env.SESSION_LENS_SCREENSHOT_URL;
  if (!endpoint) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const req = http.request(`${endpoint}?name=${encodeURIComponent(name)}`, { method: 'POST' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`screenshot failed: ${body}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The text of the Session Lens log channel (its file beside the extension's log folder), for diagnosing failures. */
export function sessionLensLog(context: vscode.ExtensionContext, lastChars = 3000): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.log')) files.push(full);
    }
  };
  walk(path.resolve(context.logUri.fsPath, '..', '..'));
  const text = files.map((f) => fs.readFileSync(f, 'utf8')).filter((t) => t.includes('[activate] Session Lens')).join('\n');
  return text.slice(-lastChars);
}

/**
 * Waits until the Session Lens log file holds a line matching `pattern` (the channel writes to its file
 * asynchronously and raises no event for it, so this polls), and returns the log text.
 */
export async function waitForLog(context: vscode.ExtensionContext, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = sessionLensLog(context, Number.MAX_SAFE_INTEGER);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} in the log:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A Cookies view provider as the tests read it (the extension's own type, imported by type only). */
export interface CookiesTree<N> {
  getChildren(node?: N): N[];
  getTreeItem(node: N): vscode.TreeItem;
}

/**
 * The Cookies view's tree under `root` (all results when absent) as text, one node a line, indented by depth:
 * `[icon] label — description`. Collapsed nodes are walked too, so payload values read as the view shows them.
 */
export function treeText<N>(provider: CookiesTree<N>, root?: N, depth = 0): string {
  const lines: string[] = [];
  for (const node of provider.getChildren(root)) {
    const item = provider.getTreeItem(node);
    const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '';
    const label = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    lines.push(`${'  '.repeat(depth)}[${icon}] ${label}${item.description ? ` — ${String(item.description)}` : ''}`);
    const nested = treeText(provider, node, depth + 1);
    if (nested) lines.push(nested);
  }
  return lines.join('\n');
}

// Bundled into out/host-suite/: the fixture app is found from the repository root.
const FIXTURE_APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');

/**
 * For a describe block: a redis-server and the fixture app keeping its sessions there, signed with `secret`,
 * started before its tests; after them the Sessions view's `sourceId` is disconnected and both are stopped.
 */
export function redisWithApp(options: { secret: string; sourceId: string }): { redis(): RedisServer; app(): DevServer } {
  let redis: RedisServer | undefined;
  let app: DevServer | undefined;
  before(async () => {
    redis = await startRedis();
    app = await startDevServer({ store: 'redis', redisUrl: redis.url, script: FIXTURE_APP, secret: options.secret });
  });
  after(async () => {
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: options.sourceId });
    await app?.stop();
    await redis?.stop();
  });
  return { redis: () => redis!, app: () => app! };
}
