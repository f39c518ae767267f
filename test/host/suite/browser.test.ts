// Browser cookies in a real VS Code: Debian's Chromium (headless) logged in to the fixture app on a real Redis.
// Connect to Browser… through its debugging port shows the app's cookie decoded, verified and joined to its session
// (and the Sessions view says "in this browser"), live as the page logs in again; Log This Browser Out destroys the
// session and the cookie turns stale; Switch This Browser to Another Session makes the app serve another session
// to the page; copy as a Cookie header. A js-debug `pwa-chrome` launch (Chromium as runtimeExecutable, no
// debugging port) shows the same through js-debug's CDP proxy.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CookieResult, CookieResults } from '../../../src/core/cookies/results';
import type { BrowserSources } from '../../../src/cookies/browserSources';
import type { CookiesNode, CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import type { SessionsNode, SessionsTreeProvider } from '../../../src/sessions/sessionsTreeProvider';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import { type Chromium, startChromium } from '../../harness/chromium';
import { startDevServer } from '../../harness/devServer';
import { signCookie } from '../../../src/core/cookies/sign';
import { activateExtension, redisWithApp, screenshot, sessionLensLog, treeText, waitForLog, waitUntil } from './helpers';

const ENV_SECRET = 'workspace dev secret value';
// Bundled into out/host-suite/: the fixture app is found from the repository root.
const FIXTURE_APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('browser cookies (host, real Chromium, Redis and app)', function () {
  this.timeout(150_000);
  const NAME = 'browser-cookies';
  const SOURCE_ID = `redis:${NAME}`;
  const servers = redisWithApp({ secret: ENV_SECRET, sourceId: SOURCE_ID });
  let context: vscode.ExtensionContext;
  let browsers: BrowserSources;
  let results: CookieResults;
  let cookies: CookiesTreeProvider;
  let sessions: SessionsTreeProvider;
  let model: SessionsModel;
  let chromium: Chromium | undefined;

  before(async () => {
    const api = await activateExtension();
    context = api.testHooks.get('extension.context') as vscode.ExtensionContext;
    browsers = api.testHooks.get('cookies.browsers') as BrowserSources;
    results = api.testHooks.get('cookies.results') as CookieResults;
    cookies = api.testHooks.get('cookies.provider') as CookiesTreeProvider;
    sessions = api.testHooks.get('sessions.provider') as SessionsTreeProvider;
    model = api.testHooks.get('sessions.model') as SessionsModel;
    assert.ok(browsers && results && cookies && sessions && model);
    await run('sessionLens.connectRedis', { url: servers.redis().url, prefix: 'sess:', name: NAME, allowWrites: true });
  });
  afterEach(async () => {
    for (const tag of browsers.list()) await browsers.disconnect(tag.key);
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    await chromium?.stop();
    chromium = undefined;
  });

  /**
   * Runs a command; a command that fails shows its error as a notification and waits on it, so a failure would
   * hang: after 30 s the Session Lens log says what happened.
   */
  async function run<T>(command: string, ...args: unknown[]): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${command} did not finish within 30 s; log:\n${sessionLensLog(context, 4000)}`)), 30_000); });
    try {
      return await Promise.race([Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The browser's result once its session cookie carries `sid` (or satisfies `test`). */
  const browserResult = (what: string, test: (r: CookieResult) => boolean, key?: (k: string) => boolean) => waitUntil(() => {
    const r = results.list().find((x) => x.browser && (!key || key(x.browser.key)));
    return r && test(r) ? r : undefined;
  }, browsers.onDidChange, 60_000, what);
  const sidOf = (r: CookieResult) => r.cookies.find((c) => c.name === 'connect.sid')?.sid ?? undefined;
  const sidNodeOf = (r: CookieResult) => cookies.sidNode(r.id, r.cookies.findIndex((c) => c.name === 'connect.sid'));
  /** The Sessions view's node of a session of this Redis. */
  const sessionNode = async (sid: string) => {
    await run('sessionLens.refreshSessions');
    return nodeOf(sid);
  };
  const nodeOf = (sid: string) => waitUntil(() => {
    const found = model.find(sid, SOURCE_ID);
    return found ? sessions.sessionNodeFor(SOURCE_ID, found.record) as SessionsNode : undefined;
  }, (listener: (e: unknown) => unknown) => ({ dispose: model.onDidChange(() => listener(undefined)) }), 20_000, `session ${sid} in the Sessions view`);

  it('Connect to Browser…: the app\'s cookie verified, joined to its session both ways, live; log out, switch session, copy', async () => {
    chromium = await startChromium();
    const app = servers.app();
    const alice = JSON.parse(await chromium.open(`${app.url}/login?user=alice`)) as { sid: string };

    const shown = await run<CookieResult>('sessionLens.connectBrowser', { address: chromium.address, url: `${app.url}/` });
    assert.ok(shown?.browser, 'a browser result');
    assert.equal(sidOf(shown), alice.sid);
    assert.equal(shown.cookies[0].verified, true, 'verified with the workspace .env secret');
    const root = cookies.resultNode(shown.id);
    const rootItem = cookies.getTreeItem(root);
    assert.match(String(rootItem.label), /^Chrome \(headless\) at 127\.0\.0\.1:\d+$/);
    assert.match(String(rootItem.description), /^alice@example\.test · 127\.0\.0\.1:\d+ · 1 cookie · live$/);
    // Whose session: the owner from Redis on the cookie's session id node.
    await waitUntil(() => cookies.sidState(sidNodeOf(shown)) === 'found' ? true : undefined, cookies.onDidChangeTreeData, 20_000, 'the session found in Redis');
    assert.match(String(cookies.getTreeItem(sidNodeOf(shown)).description), /^alice@example\.test · redis:\/\/127\.0\.0\.1:\d+ \(sess:\) — Enter: reveal$/);
    // And back: the Sessions view says which browser holds the session.
    const aliceNode = await sessionNode(alice.sid);
    await waitUntil(() => /^in Chrome \(headless\) · /.test(String(sessions.getTreeItem(aliceNode).description)) ? true : undefined,
      sessions.onDidChangeTreeData as vscode.Event<unknown>, 10_000, '"in this browser" on the session');
    assert.match(String(cookies.getTreeItem(root).description), /^alice@example\.test · 127\.0\.0\.1:\d+ · 1 cookie · live$/, 'whose session, on the browser');
    // From the session back to the browser's cookie.
    assert.equal(await run('sessionLens.revealBrowserCookie', aliceNode), true);
    const cookiesView = (await activateExtension()).testHooks.get('cookies.treeView') as vscode.TreeView<CookiesNode>;
    await waitUntil(() => {
      const selected = cookiesView.selection[0];
      return selected?.type === 'sid' && selected.resultId === shown.id ? true : undefined;
    }, cookiesView.onDidChangeSelection, 10_000, 'the browser\'s session id node selected');
    await screenshot('browser-cookies-connected');

    // Live: the page logs in as someone else; the view follows without a refresh.
    const bob = JSON.parse(await chromium.open(`${app.url}/login?user=bob`)) as { sid: string };
    const afterBob = await browserResult('bob\'s session in the browser', (r) => sidOf(r) === bob.sid);
    assert.equal(afterBob.id, shown.id, 'the same node, updated in place');
    await waitUntil(() => cookies.sidState(sidNodeOf(afterBob)) === 'found' ? true : undefined, cookies.onDidChangeTreeData, 20_000, 'bob\'s session found');

    // Log this browser out: the session is destroyed in Redis, and the cookie the browser still sends is stale.
    const browserNode = cookies.resultNode(afterBob.id) as CookiesNode;
    assert.equal(await run('sessionLens.logBrowserOut', browserNode, { confirmed: true }), true);
    assert.equal((await servers.redis().cli('EXISTS', `sess:${bob.sid}`)).trim(), '0', 'destroyed in Redis');
    await waitUntil(() => cookies.sidState(sidNodeOf(results.get(afterBob.id)!)) === 'notFound' ? true : undefined, cookies.onDidChangeTreeData, 20_000, 'the cookie flagged stale');
    const staleItem = cookies.getTreeItem(sidNodeOf(results.get(afterBob.id)!));
    assert.equal(staleItem.description, 'stale cookie: no connected store holds this session');
    assert.match(String(staleItem.contextValue), / stale$/);
    assert.match(String(cookies.getTreeItem(browserNode).description), /^logged out \(stale cookie\) · /);
    const profile = JSON.parse(await chromium.open(`${app.url}/profile`)) as { error?: string };
    assert.equal(profile.error, 'not logged in', 'the app agrees: the browser is logged out');

    // Switch this browser to another session (carol logged in elsewhere): the app serves carol to the page.
    const carolClient = app.browser();
    const carolSid = (((await carolClient.get('/login?user=carol')).body) as { sid: string }).sid;
    await sessionNode(carolSid);
    const switched = await run<CookieResult>('sessionLens.switchBrowserSession', browserNode, { sid: carolSid, confirmed: true });
    assert.equal(sidOf(switched), carolSid);
    assert.equal(switched.cookies[0].verified, true);
    const asCarol = JSON.parse(await chromium.open(`${app.url}/profile`)) as { user: { name: string } };
    assert.equal(asCarol.user.name, 'carol');

    // Copy as a Cookie header: what the browser sends now.
    const header = await run<string>('sessionLens.copyBrowserCookieHeader', browserNode);
    assert.match(header, new RegExp(`^Cookie: connect\\.sid=s%3A${carolSid}\\.`));
    const curl = await run<string>('sessionLens.copyBrowserCurl', browserNode);
    assert.match(curl, new RegExp(`^curl -b 'connect\\.sid=s%3A${carolSid}\\.[^']+' '${app.url}/'$`));

    const carolRow = await sessionNode(carolSid);
    await waitUntil(() => /^in Chrome \(headless\) · /.test(String(sessions.getTreeItem(carolRow).description)) ? true : undefined,
      sessions.onDidChangeTreeData as vscode.Event<unknown>, 10_000, 'carol\'s session "in this browser" after the switch');

    // A cookie the server would reject (signed with another secret) says why, once the page's next response comes.
    const forged = signCookie('express-session', carolSid, 'not the app secret');
    assert.ok(!('error' in forged));
    const page = await chromium.page();
    try {
      await page.send('Network.setCookie', { name: 'connect.sid', value: forged.value, url: `${app.url}/`, httpOnly: true, sameSite: 'Lax' });
    } finally {
      await page.close();
    }
    assert.match(await chromium.open(`${app.url}/profile`), /not logged in/, 'the app rejects it');
    const rejected = await browserResult('the forged cookie in the view', (r) => r.cookies[0]?.verified === false);
    const rejectedItem = cookies.getTreeItem(cookies.firstCookieNode(rejected));
    assert.equal(rejectedItem.description, 'express-session · NOT verified · the app rejects it: no secret matches its signature');
    assert.match(String(rejectedItem.contextValue), /^cookie not-verified sid browser$/);
    // The server would not take it: the Sessions view no longer says carol's session is in this browser.
    await waitUntil(() => /^in /.test(String(sessions.getTreeItem(carolRow).description)) ? undefined : true,
      sessions.onDidChangeTreeData as vscode.Event<unknown>, 10_000, 'carol\'s session no longer "in this browser"');
    await run('sessionLens.switchBrowserSession', browserNode, { sid: carolSid, confirmed: true });

    // Cookie values stay out of the log.
    const signature = header.split('.').pop()!;
    assert.doesNotMatch(sessionLensLog(context, 20_000), new RegExp(signature.replace(/[%]/g, '\\$&')));

    // Disconnect: the browser leaves the view and the session no longer says "in this browser".
    assert.equal(await run('sessionLens.disconnectBrowser', browserNode), true);
    assert.equal(results.list().filter((r) => r.browser).length, 0);
    const carolNode = await sessionNode(carolSid);
    assert.doesNotMatch(String(sessions.getTreeItem(carolNode).description), /^in /);
  });

  it('joins the browser\'s cookie to a session of the in-memory store inside the app (attached through the Node inspector)', async () => {
    chromium = await startChromium();
    const app = await startDevServer({ store: 'memory', inspect: true, script: FIXTURE_APP, secret: ENV_SECRET });
    try {
      const login = JSON.parse(await chromium.open(`${app.url}/login?user=frank`)) as { sid: string };
      await run('sessionLens.attachNodeProcess', { address: app.inspectorAddress });
      const sourceId = `inspector:${app.inspectorAddress!}`;
      const registry = (await activateExtension()).testHooks.get('inprocess.sessionSources') as { get(id: string): unknown };
      assert.ok(registry.get(sourceId), 'attached');
      const shown = await run<CookieResult>('sessionLens.connectBrowser', { address: chromium.address, url: `${app.url}/` });
      assert.equal(sidOf(shown), login.sid);
      assert.equal(shown.cookies[0].verified, true);
      await waitUntil(() => cookies.sidState(sidNodeOf(shown)) === 'found' ? true : undefined, cookies.onDidChangeTreeData, 20_000, 'the session found in the app\'s memory');
      assert.match(String(cookies.getTreeItem(sidNodeOf(shown)).description), /^frank@example\.test · .* — Enter: reveal$/);
      // Logged out by the app: the cookie goes from the browser.
      await chromium.open(`${app.url}/logout`);
      await browserResult('no cookie after the app\'s logout', (r) => r.cookies.length === 0);
      await run('sessionLens.detachNodeProcess', sourceId);
    } finally {
      await app.stop();
    }
  });

  it('refuses a browser that is not on this machine, in one line', async () => {
    // The command shows the error as a notification (not awaited here: it stays until dismissed) and logs it.
    void vscode.commands.executeCommand('sessionLens.connectBrowser', { address: '10.1.2.3:9222' });
    await waitForLog(context, /Connect to Browser failed.*refusing browser address 10\.1\.2\.3: Session Lens reads browsers only on loopback addresses/);
    assert.equal(results.list().filter((r) => r.browser).length, 0);
  });

  it('a pwa-chrome launch shows the page\'s cookies through js-debug, without a debugging port, live', async function () {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package 'chromium'`);
    const app = servers.app();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'session-lens-js-debug-chrome-'));
    const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'pwa-chrome',
      request: 'launch',
      name: 'Session Lens browser',
      url: `${app.url}/login?user=dave`,
      runtimeExecutable: CHROMIUM,
      runtimeArgs: ['--headless=new', '--disable-gpu', '--disable-dev-shm-usage', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      userDataDir: profile,
      // The extension host runs beside the app (code-server's is on the server): launch the browser there.
      browserLaunchLocation: 'workspace',
    });
    assert.equal(started, true, 'the browser debug session starts');
    const isDebug = (k: string) => k.startsWith('debug:');
    const dave = await browserResult('the launched page\'s session cookie', (r) => sidOf(r) !== undefined, isDebug).catch((err: Error) => {
      const follower = (vscode.extensions.getExtension('session-lens.session-lens')?.exports as { testHooks: Map<string, unknown> }).testHooks.get('inprocess.follower') as { recent: string[] };
      throw new Error(`${err.message}; follower: ${follower.recent.join(' | ')}`);
    });
    assert.match(dave.browser!.label, /^Session Lens browser \(debugging\)$/);
    assert.equal(dave.browser!.via, 'debug');
    assert.equal(dave.cookies[0].verified, true);
    const daveSid = sidOf(dave)!;
    assert.equal(JSON.parse(await servers.redis().cli('GET', `sess:${daveSid}`) || '{}').user?.name, 'dave');

    // The page logs in again (a fetch run in the page through the debugger): the view follows.
    const session = vscode.debug.activeDebugSession!;
    await session.customRequest('evaluate', { expression: `fetch('/login?user=erin', { credentials: 'include' })`, context: 'repl' });
    const erin = await browserResult('erin\'s session after the page\'s fetch', (r) => sidOf(r) !== undefined && sidOf(r) !== daveSid, isDebug);
    assert.equal(JSON.parse(await servers.redis().cli('GET', `sess:${sidOf(erin)!}`) || '{}').user?.name, 'erin');
    const cookiesView = (await activateExtension()).testHooks.get('cookies.treeView') as vscode.TreeView<CookiesNode>;
    await cookiesView.reveal(cookies.resultNode(erin.id), { select: true, focus: true, expand: 2 });
    await screenshot('browser-cookies-debugging');
    assert.match(treeText(cookies, cookies.resultNode(erin.id)), /\[pass\] connect\.sid — express-session · verified/);

    // The app clears the cookie at logout: the browser's node says it holds none.
    await session.customRequest('evaluate', { expression: `fetch('/logout', { credentials: 'include' })`, context: 'repl' });
    const cleared = await browserResult('no cookie after the app\'s logout', (r) => r.cookies.length === 0, isDebug);
    assert.match(treeText(cookies, cookies.resultNode(cleared.id)), /\[info\] No cookies for http:\/\/127\.0\.0\.1:\d+ yet/);

    await vscode.debug.stopDebugging();
    await waitUntil(() => results.list().some((r) => r.browser && isDebug(r.browser.key)) ? undefined : true, browsers.onDidChange, 20_000, 'the browser gone from the view when debugging stops');
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // A helper of the browser js-debug stopped may still be exiting: the temporary profile is left behind.
    }
  });
});
