// The README's pictures, taken from the real UI: the Sessions view with several sessions and one expanded,
// the Cookies view with a decoded Cookie header and with a browser's live cookies, and a diagnostic with its quick fixes. `npm run screenshots` runs this file
// alone and writes the PNGs to docs/images/; in `npm test` it runs as a check that each scene can be built.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BrowserSources } from '../../../src/cookies/browserSources';
import type { CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import type { CookieResult } from '../../../src/core/cookies/results';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import { startChromium } from '../../harness/chromium';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { startRedis, type RedisServer } from '../../harness/redis';
import { activateExtension, screenshot, sessionLensLog, treeText, waitUntil } from './helpers';

const APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');
/** SESSION_SECRET of the fixture workspace's .env.development, so the decoder verifies the app's cookies. */
const WORKSPACE_SECRET = 'workspace dev secret value';
const SOURCE = 'redis:dev';

/** Lets the workbench paint what the last command opened (a widget has no event to wait on). */
const settle = () => new Promise((r) => setTimeout(r, 800));

/**
 * Takes the picture and checks it was written: a PNG file of some size. Under a runner that cannot take
 * screenshots (Electron: no SESSION_LENS_SCREENSHOT_URL) there is no file to check.
 */
async function picture(name: string): Promise<void> {
  const file = await screenshot(name);
  if (!process.env.SESSION_LENS_SCREENSHOT_URL) return;
  assert.ok(file, `the runner saved ${name}.png`);
  assert.equal(path.basename(file), `${name}.png`);
  const bytes = fs.readFileSync(file);
  assert.ok(bytes.length > 10_000, `${file} holds a picture (${bytes.length} bytes)`);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is a PNG`);
}

async function cleanStage(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await vscode.commands.executeCommand('notifications.clearAll');
  await vscode.commands.executeCommand('workbench.action.closePanel');
}

describe('README pictures', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let app: DevServer;
  let model: SessionsModel;
  let context: vscode.ExtensionContext;
  let aliceCookie: string;
  let aliceSid: string;

  before(async () => {
    const api = await activateExtension();
    model = api.testHooks.get('sessions.model') as SessionsModel;
    context = api.testHooks.get('extension.context') as vscode.ExtensionContext;
    redis = await startRedis({ args: ['--notify-keyspace-events', 'KEA'] });
    app = await startDevServer({ store: 'redis', redisUrl: redis.url, script: APP, secret: WORKSPACE_SECRET });
    const alice = app.browser();
    await alice.get('/login?user=alice');
    await alice.get('/profile');
    aliceCookie = (await alice.sessionCookie())!;
    aliceSid = (await alice.sessionId())!;
    for (const user of ['bob', 'carol', 'alice']) await app.browser().get(`/login?user=${user}`);
    await app.browser().get('/count');
  });

  after(async () => {
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: SOURCE });
    await cleanStage();
    await app?.stop();
    await redis?.stop();
  });

  it('the Sessions view with several sessions and one expanded', async () => {
    await cleanStage();
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    // A wider side bar, so the labels and descriptions of the tree read in full (with the side bar focused
    // and no editor open, "decrease view width" gives the width to the side bar).
    await vscode.commands.executeCommand('workbench.action.focusSideBar');
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
    await vscode.commands.executeCommand('sessionLens.connectRedis', { url: redis.url, prefix: 'sess:', name: 'dev', allowWrites: true });
    const changed: vscode.Event<void> = (listener) => ({ dispose: model.onDidChange(() => listener()) });
    await waitUntil(() => (model.snapshots().find((s) => s.source.id === SOURCE)?.sessions.length === 5 ? true : undefined), changed, 20_000, 'five sessions listed');
    const revealed = await vscode.commands.executeCommand('sessionLens.revealSession', { sid: aliceSid });
    assert.equal(revealed, true, `the session was revealed; log:\n${sessionLensLog(context)}`);
    await settle();
    await picture('sessions-view');
  });

  it('the cookie decoder\'s result for the app\'s real cookie', async () => {
    await cleanStage();
    await vscode.commands.executeCommand('sessionLens.clearCookieResults');
    // The browser's whole Cookie header: the session cookie, with an analytics and a preference cookie beside it.
    const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', `Cookie: connect.sid=${aliceCookie}; _ga=GA1.1.1234567890.1700000000; theme=dark`);
    assert.ok(result && typeof result.id === 'number', 'the command returns the result it showed');
    const cookies = (await activateExtension()).testHooks.get('cookies.provider') as CookiesTreeProvider;
    const text = treeText(cookies, cookies.resultNode(result.id));
    assert.match(text, /connect\.sid — express-session · verified with /, text);
    assert.ok(text.includes(`Session id ${aliceSid}`), text);
    assert.match(text, /Not session cookies \(2\) — _ga \(analytics\), theme \(preference\)/, text);
    // The Sessions view folded away, so the Cookies view has the side bar's height.
    await vscode.commands.executeCommand('sessionLens.cookies.focus');
    await vscode.commands.executeCommand('workbench.actions.treeView.sessionLens.sessions.collapseAll').then(undefined, () => undefined);
    await settle();
    await picture('cookie-decoder');
  });

  it('the cookies of a browser logged in to the app, live and joined to their session', async () => {
    await cleanStage();
    await vscode.commands.executeCommand('sessionLens.clearCookieResults');
    const chromium = await startChromium();
    try {
      await chromium.open(`${app.url}/login?user=carol`);
      const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.connectBrowser', { address: chromium.address, url: `${app.url}/` });
      assert.ok(result?.browser, 'the browser is shown');
      const cookies = (await activateExtension()).testHooks.get('cookies.provider') as CookiesTreeProvider;
      await waitUntil(() => /^carol@example\.test · /.test(String(cookies.getTreeItem(cookies.resultNode(result.id)).description)) ? true : undefined,
        cookies.onDidChangeTreeData, 20_000, 'whose session the browser is in');
      await vscode.commands.executeCommand('sessionLens.cookies.focus');
      await vscode.commands.executeCommand('workbench.actions.treeView.sessionLens.sessions.collapseAll').then(undefined, () => undefined);
      await settle();
      await picture('browser-cookies');
    } finally {
      const browsers = (await activateExtension()).testHooks.get('cookies.browsers') as BrowserSources;
      for (const tag of browsers.list()) await browsers.disconnect(tag.key);
      await chromium.stop();
    }
  });

  it('a diagnostic with its quick fixes', async () => {
    await cleanStage();
    const workspace = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(workspace, 'lint', 'app.js');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    // The findings may already be there (another test had the file open): read the state, then wait on changes.
    const secretFinding = await waitUntil(() => vscode.languages.getDiagnostics(uri).find((d) => typeof d.code === 'object' && d.code.value === 'hardcoded-secret'),
      vscode.languages.onDidChangeDiagnostics, 20_000, 'the hard-coded secret flagged in lint/app.js');
    assert.ok(secretFinding, 'the hard-coded secret is flagged');
    const inside = secretFinding.range.start.translate(0, 1);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(inside, inside));
    assert.ok(actions.some((a) => a.isPreferred), 'a preferred quick fix is offered');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.window.showTextDocument(editor.document, { selection: new vscode.Range(inside, inside), preserveFocus: false });
    await vscode.commands.executeCommand('editor.action.quickFix');
    await settle();
    await picture('diagnostics-quick-fix');
  });
});
