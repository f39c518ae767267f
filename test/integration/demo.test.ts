// `npm run demo` as a new user runs it: it prints the URL of a workbench in which Session Lens is active and
// already shows the fixture app's sessions, and Ctrl-C stops everything it started.
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { readBrowserCookies } from '../../src/core/browser/browserCookies';
import { rawCommand } from '../harness/redis';

const root = join(__dirname, '../..');

describe('npm run demo', function () {
  this.timeout(180_000);
  let demo: ChildProcess | undefined;

  after(() => { if (demo && demo.exitCode === null) demo.kill('SIGKILL'); });

  it('serves a workbench with the extension active and its sessions listed, and stops on Ctrl-C', async () => {
    demo = spawn(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    demo.stderr!.on('data', (d: Buffer) => { output += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL within 120 s:\n${output}`)), 120_000);
      demo!.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /\[demo\] VS Code: +(\S+)/.exec(output);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      demo!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`demo exited (${code}):\n${output}`)); });
    });
    const redisPort = /store: Redis redis:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
    assert.ok(redisPort, 'the demo runs a private redis-server when one is installed');
    // A browser logged in to the dev server, for Connect to Browser…: it holds the app's session cookie.
    const appUrl = /\[demo\] dev server: +(\S+)/.exec(output)?.[1];
    const browserAddress = /debugging port (127\.0\.0\.1:\d+)/.exec(output)?.[1];
    assert.ok(appUrl && browserAddress, `the demo names its app and browser:\n${output}`);
    const held = await readBrowserCookies(browserAddress, `${appUrl}/`);
    assert.deepEqual(held.cookies.map((c) => c.name), ['connect.sid']);

    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      // A user opens the Session Lens view from the activity bar; its entry then carries the badge the
      // extension sets once it lists the sessions.
      const entry = page.locator('.activitybar [aria-label^="Session Lens"]').first();
      await entry.waitFor({ timeout: 90_000 });
      await entry.click();
      const badge = entry.locator('.badge-content', { hasText: /^\s*[1-9]\d*\s*$/ });
      await badge.waitFor({ state: 'visible', timeout: 60_000 });
      const text = ((await badge.textContent()) ?? '').trim();
      assert.match(text, /^[1-9]\d*$/, `the badge counts the sessions of the fixture app (badge "${text}")`);
    } finally {
      await browser.close();
    }

    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
    demo.kill('SIGINT');
    assert.equal(await exited, 0);
    await assert.rejects(rawCommand(Number(redisPort), 'PING', 500), 'the private redis-server is stopped');
    await assert.rejects(readBrowserCookies(browserAddress, `${appUrl}/`), /nothing listens there/, 'the demo\'s browser is stopped');
  });
});
