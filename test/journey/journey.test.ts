// The first ten minutes of a new user, walked in a real VS Code (code-server in Debian's headless Chromium)
// with the keyboard and the command palette only, on the setup `npm run demo` gives (test/harness/demoSetup.ts).
// The browser page has no clipboard permission, as in code-server or a Codespaces-like host. Each step leaves
// a screenshot in out/journey/<journey>/ for a person to look at.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser as PlaywrightBrowser } from 'playwright-core';
import { type Chromium, startChromium } from '../harness/chromium';
import { startDemo, type DemoSetup } from '../harness/demoSetup';
import { createBrowser, DEV_SERVER_APP } from '../harness/devServer';
import { launchBrowser, startCodeServer, type CodeServer } from '../host/run-code-server.mjs';
import { ARTIFACTS, Workbench, waitFor } from './workbench';

const root = resolve(__dirname, '../..');

interface Session { server: CodeServer; browser: PlaywrightBrowser; wb: Workbench; consoleErrors: string[] }

/** Opens `workspace` in code-server with the development extension, in a page with no clipboard permission. */
async function openWorkbench(tmp: string, workspace: string, journey: string, onOpen: (wb: Workbench) => void): Promise<Session> {
  const server = await startCodeServer({ workspace, extensionsDir: join(tmp, 'extensions'), userDataDir: join(tmp, 'user-data') });
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${root}`]];
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const wb = new Workbench(page, journey, join(tmp, 'user-data', 'logs'));
  onOpen(wb);
  await wb.waitForWorkbench();
  return { server, browser, wb, consoleErrors };
}

async function closeWorkbench(s: Session | undefined): Promise<void> {
  if (!s) return;
  await s.browser.close().catch(() => {});
  s.server.stop();
}

/** The Sessions view's rows, once one matches `pattern`. */
function sessionRowMatching(wb: Workbench, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  return waitFor(async () => (await wb.treeRows('Sessions')).find((r) => pattern.test(r)), timeoutMs, `a Sessions view row matching ${pattern}`);
}

describe('journey', function () {
  this.timeout(240_000);
  let current: Workbench | undefined;
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !current) return;
    await current.screenshot('FAILED').catch(() => {});
    // The Session Lens log explains most failures; it sits in the profile's log folder.
    const logs = readdirSync(current.logRoot, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(current!.logRoot, f), 'utf8')).filter((t) => t.includes('Session Lens'));
    console.log(`--- Session Lens log ---\n${logs.join('\n').slice(-4000)}`);
  });

  describe('Redis store: demo → decode → session → edit → fix', () => {
    let tmp: string;
    let demo: DemoSetup | undefined;
    let session: Session | undefined;
    let chromium: Chromium | undefined;

    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), 'session-lens-journey-'));
      demo = await startDemo({ dir: tmp, store: 'redis' });
      session = await openWorkbench(tmp, demo.workspace, 'redis', (wb) => { current = wb; });
    });
    after(async () => {
      await closeWorkbench(session);
      await chromium?.stop();
      await demo?.stop();
      rmSync(tmp, { recursive: true, force: true });
    });

    it('walks the README with the keyboard and the palette only', async () => {
      const { wb } = session!;
      const { page } = wb;
      const app = demo!.app;

      // 1. Open the Session Lens view: the demo app's sessions are listed (REDIS_URL of the plain .env).
      await wb.runFromPalette('Session Lens: Focus on Sessions View');
      await sessionRowMatching(wb, /alice/);
      const rows = await wb.treeRows('Sessions');
      for (const user of ['alice', 'bob', 'carol']) assert.ok(rows.some((r) => r.includes(user)), `${user} is listed: ${rows.join(' | ')}`);
      await wb.screenshot('sessions-view');

      // A browser logs in to the dev server; its cookie is what a person copies from devtools.
      const dave = createBrowser(app.url);
      assert.equal((await dave.get('/login?user=dave')).status, 200);
      const cookie = `connect.sid=${await dave.sessionCookie()}`;
      const sid = await dave.sessionId();
      await sessionRowMatching(wb, /dave/);

      // 2. "decode cookie" + Enter opens the plain decoder, at once, though the page may not read the clipboard.
      const ran = await wb.runFromPalette('decode cookie');
      assert.match(ran, /^Session Lens: Decode Cookie…/, 'the first palette match is the plain decoder');
      assert.equal(await wb.quickInputTitle(), 'Session Lens: Decode Cookie');
      const box = wb.quickInput.locator('input.input');
      assert.equal(await box.inputValue(), '', 'nothing is pre-filled without clipboard permission');
      assert.ok(!(await wb.notifications()).some((n) => /clipboard/i.test(n)), 'no clipboard error is shown');
      // Pasting with Ctrl+V needs no permission: the text arrives as typed input.
      await page.keyboard.insertText(cookie);
      await wb.screenshot('decode-input');
      await page.keyboard.press('Enter');

      // 3. The result opens in the Cookies view, focused, with the cookie selected: it verifies with the SESSION_SECRET
      //    of the plain .env, though .env.development holds another one.
      const cookiesPane = page.locator('.pane', { has: page.locator('.pane-header[aria-label^="Cookies"]') });
      const focusedRow = (text: string) => waitFor(async () => {
        const row = cookiesPane.locator('.monaco-list-row.focused', { hasText: text });
        return (await row.count()) > 0 ? (await row.first().innerText()).replace(/\s+/g, ' ').trim() : undefined;
      }, 20_000, `the Cookies view's focused row to be ${text}`);
      const decoded = await focusedRow('connect.sid');
      assert.match(decoded, /express-session · verified with SESSION_SECRET \(\.env\)/, decoded);
      assert.equal(await cookiesPane.locator('.monaco-list-row.selected', { hasText: 'connect.sid' }).count(), 1, 'the cookie is selected');
      const cookieRows = await wb.treeRows('Cookies');
      assert.ok(cookieRows.some((r) => r.includes(`Session id ${sid!}`)), `the session id is shown: ${cookieRows.join(' | ')}`);
      await wb.screenshot('decoded-cookie');

      // 4. Down to its session id, Enter: the session is revealed and selected in the Sessions view.
      await page.keyboard.press('ArrowDown');
      assert.match(await focusedRow('Session id'), new RegExp(`Session id ${sid!}`));
      await page.keyboard.press('Enter');
      const selected = await waitFor(async () => {
        const row = page.locator('.pane .monaco-list-row.selected', { hasText: 'dave' });
        return (await row.count()) > 0 ? (await row.first().innerText()) : undefined;
      }, 20_000, 'dave\'s session selected in the Sessions view');
      assert.match(selected, /dave/);
      await wb.screenshot('session-revealed');

      // 5. Edit a field of the session as JSON (context menu from the keyboard), save: the app sees it.
      await page.keyboard.press('Shift+F10');
      await wb.chooseMenuItem('Open Session as JSON');
      await waitFor(async () => ((await wb.activeEditorText().catch(() => '')).includes('dave@example.test') ? true : undefined), 20_000, 'the session JSON');
      await page.keyboard.press('Control+F');
      await page.keyboard.type('dave@example.test');
      await page.keyboard.press('Escape');
      await page.keyboard.type('dave@journey.test');
      await page.keyboard.press('Escape'); // the suggestion widget, if it opened
      await page.keyboard.press('Control+S');
      // Saved into the store (a browser-hosted VS Code may also save by itself): the view shows the new user label.
      await sessionRowMatching(wb, /dave@journey\.test/, 20_000);
      assert.equal(await page.locator('.editor-group-container.active .tab.active.dirty').count(), 0, 'the editor is saved');
      await wb.screenshot('session-edited');
      const profile = await dave.get('/profile');
      assert.equal(profile.status, 200);
      assert.equal(profile.body.user.email, 'dave@journey.test', 'the app reads the edited session on its next request');

      // 6. The lint sample: the hard-coded secret is flagged; the light bulb's quick fix removes the problem.
      await wb.openFile('lint/app.js');
      const before = await waitFor(async () => {
        const p = await wb.problems();
        return p.some((r) => /hardcoded-secret/.test(r)) ? p : undefined;
      }, 30_000, 'the hardcoded-secret problem in the Problems panel');
      await wb.screenshot('lint-problems');
      // Back to the editor, on the line before the secret, then F8 to the next problem.
      await page.keyboard.press('Control+1');
      const lines = readFileSync(join(demo!.workspace, 'lint/app.js'), 'utf8').split('\n');
      const secretLine = lines.findIndex((l) => /secret: '/.test(l)) + 1;
      await wb.goToLine(secretLine - 1);
      await page.keyboard.press('End');
      await page.keyboard.press('F8');
      const marker = page.locator('.marker-widget');
      await marker.waitFor({ state: 'visible' });
      assert.match(await marker.innerText(), /hard-?coded|secret/i, 'F8 lands on the hard-coded secret');
      await page.keyboard.press('Escape');
      // The light bulb shows on the problem's line; Ctrl+. opens its menu.
      await page.locator('.lightBulbWidget').first().waitFor({ state: 'visible' });
      await page.keyboard.press('Control+.');
      const actions = page.locator('.action-widget');
      await actions.waitFor({ state: 'visible' });
      const firstAction = (await actions.locator('.monaco-list-row').first().innerText()).trim();
      await wb.screenshot('quick-fix-menu');
      await page.keyboard.press('Enter');
      const after = await waitFor(async () => {
        const p = await wb.problems();
        return p.some((r) => /hardcoded-secret/.test(r)) ? undefined : p;
      }, 30_000, `the hardcoded-secret problem to disappear after "${firstAction}"`);
      assert.ok(after.length < before.length || !after.some((r) => /hardcoded-secret/.test(r)));
      assert.doesNotMatch(await wb.activeEditorText(), /keyboard cat is not a real secret/, 'the literal secret is gone from the code');
      await wb.screenshot('lint-fixed');

      // 7. No copy-paste: a browser started with a debugging port logs in; "connect to browser" + Enter, its address,
      //    Enter: the Cookies view shows that browser with its cookie, verified, and whose session it is.
      chromium = await startChromium();
      await chromium.open(`${app.url}/login?user=erin`);
      const connect = await wb.runFromPalette('connect to browser');
      assert.match(connect, /^Session Lens: Connect to Browser…/, 'the first palette match');
      assert.equal(await wb.quickInputTitle(), 'Session Lens: Connect to Browser');
      const address = wb.quickInput.locator('input.input');
      assert.equal(await address.inputValue(), '127.0.0.1:9222', 'the usual debugging port is offered');
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(chromium.address);
      await page.keyboard.press('Enter');
      const browserRow = await waitFor(async () => (await wb.treeRows('Cookies')).find((r) => /Chrome \(headless\) at 127\.0\.0\.1:\d+/.test(r) && /erin@example\.test/.test(r)), 30_000, 'the browser in the Cookies view, in erin\'s session');
      assert.match(browserRow, /1 cookie · live/);
      const browserRows = await wb.treeRows('Cookies');
      assert.ok(browserRows.some((r) => /connect\.sid.*verified with SESSION_SECRET \(\.env\)/.test(r)), `the browser's cookie verified: ${browserRows.join(' | ')}`);
      await wb.screenshot('browser-connected');
    });
  });

  describe('in-memory store under the debugger: F5, log in, the paused request\'s session', () => {
    let tmp: string;
    let session: Session | undefined;

    before(async () => {
      tmp = mkdtempSync(join(tmpdir(), 'session-lens-journey-'));
      // A project whose dev server keeps sessions in express-session's MemoryStore, with a launch configuration.
      const workspace = join(tmp, 'workspace');
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      cpSync(DEV_SERVER_APP, join(workspace, 'server.js'));
      writeFileSync(join(workspace, 'package.json'), JSON.stringify({ name: 'journey-app', private: true, main: 'server.js' }));
      writeFileSync(join(workspace, '.vscode/launch.json'), JSON.stringify({
        version: '0.2.0',
        configurations: [{
          type: 'node', request: 'launch', name: 'Dev server', program: '${workspaceFolder}/server.js',
          env: { NODE_PATH: join(root, 'node_modules'), SESSION_STORE: 'memory', PORT_FILE: join(tmp, 'port') },
          console: 'internalConsole', skipFiles: ['<node_internals>/**'],
        }],
      }, null, 2));
      session = await openWorkbench(tmp, workspace, 'in-memory', (wb) => { current = wb; });
    });
    after(async () => {
      await closeWorkbench(session);
      rmSync(tmp, { recursive: true, force: true });
    });

    it('marks the session of the request paused in /login', async () => {
      const { wb } = session!;
      const { page } = wb;
      // Open server.js, put a breakpoint on the line that stores the user (F9), start debugging (F5).
      await wb.openFile('server.js');
      const source = readFileSync(DEV_SERVER_APP, 'utf8').split('\n');
      await wb.goToLine(source.findIndex((l) => l.includes('req.session.user = user;')) + 1);
      await page.keyboard.press('F9');
      await page.locator('.codicon-debug-breakpoint').first().waitFor({ state: 'visible' });
      await page.keyboard.press('F5');

      const portFile = join(tmp, 'port');
      const port = await waitFor(async () => (existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) || undefined : undefined), 60_000, 'the dev server to listen under the debugger');
      // The Sessions view shows the program being debugged: Session Lens follows it.
      await wb.runFromPalette('Session Lens: Focus on Sessions View');
      await sessionRowMatching(wb, /Dev server/, 60_000);
      await wb.screenshot('following-dev-server');
      const browser = createBrowser(`http://127.0.0.1:${port}`);
      const login = browser.get('/login?user=erin');
      await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 30_000 });
      // Paused in /login: the Run and Debug view took the side bar; the person opens Session Lens beside it.
      await wb.runFromPalette('Session Lens: Focus on Sessions View');
      const marked = await sessionRowMatching(wb, /paused in this request/, 30_000);
      assert.match(marked, /new session|erin/);
      await wb.screenshot('paused-in-login');

      await page.keyboard.press('F5');
      const res = await login;
      assert.equal(res.status, 200);
      assert.equal(res.body.user, 'erin');
      await sessionRowMatching(wb, /erin/, 30_000);
      await wb.screenshot('after-login');
      await page.keyboard.press('Shift+F5');
    });
  });

  after(() => { console.log(`      screenshots: ${ARTIFACTS}`); });
});
