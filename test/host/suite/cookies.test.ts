// The cookie decoder in a real VS Code: commands driven with arguments, documents read back.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import type { CookiePrompts } from '../../../src/cookies/prompts';
import type { SessionsNode } from '../../../src/sessions/sessionsTreeProvider';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { startRedis, type RedisServer } from '../../harness/redis';
import { activateExtension, screenshot, waitForEvent, waitUntil } from './helpers';

// Bundled into out/host-suite/: the fixture app is found from the repository root.
const APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');
const WORKSPACE = () => vscode.workspace.workspaceFolders![0].uri;

const ENV_SECRET = 'workspace dev secret value';
const ENV_LABEL = 'SESSION_SECRET (.env.development)';
const STORED_SECRET = 'stored-secret-value-for-the-host-test';

async function shownText(uri: unknown): Promise<string> {
  assert.ok(uri instanceof vscode.Uri, 'the command returns the URI of the document it showed');
  assert.equal(uri.scheme, 'session-lens-decoded');
  const active = vscode.window.activeTextEditor;
  assert.equal(active?.document.uri.toString(), uri.toString(), 'the document is the active editor');
  return active.document.getText();
}

function signed(sid: string, secret: string): string {
  const s = signCookie('express-session', sid, secret);
  assert.ok(!('error' in s));
  return s.header;
}

describe('cookie decoder (host)', function () {
  this.timeout(60_000);
  let prompts: CookiePrompts;
  let treeView: vscode.TreeView<SessionsNode>;
  before(async () => {
    const api = await activateExtension();
    prompts = api.testHooks.get('cookies.prompts') as CookiePrompts;
    treeView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    assert.ok(prompts && treeView, 'the decoder exposes its prompts, the Sessions view its tree view');
  });

  it('decodes a cookie given as the argument and verifies it with the workspace .env secret', async () => {
    const uri = await vscode.commands.executeCommand('sessionLens.decodeCookie', signed('host-sid-1', ENV_SECRET));
    const text = await shownText(uri);
    assert.match(text, /## ✅ connect\.sid: express-session/);
    assert.ok(text.includes(`verified with ${ENV_LABEL}`), text);
    assert.ok(text.includes('`host-sid-1`'));
    assert.ok(!text.includes(ENV_SECRET), 'the secret value is not in the document');
    await screenshot('cookie-decoded');
  });

  it('reports a cookie signed with an unknown secret as not verified', async () => {
    const text = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', signed('host-sid-2', 'some other secret')));
    assert.match(text, /## ❌ connect\.sid: express-session/);
    assert.match(text, /NOT verified/);
  });

  it('adds, lists, uses and removes a SecretStorage secret without ever showing its value', async () => {
    assert.equal(await vscode.commands.executeCommand('sessionLens.addSigningSecret', { label: 'host test secret', value: STORED_SECRET }), true);
    const labels = await vscode.commands.executeCommand<string[]>('sessionLens.listSigningSecrets');
    assert.ok(labels.includes('host test secret'), labels.join());
    assert.ok(labels.includes(ENV_LABEL), labels.join());
    const listText = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(listText.includes('host test secret') && !listText.includes(STORED_SECRET));

    const text = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', signed('host-sid-3', STORED_SECRET)));
    assert.ok(text.includes('verified with host test secret'), text);
    assert.ok(!text.includes(STORED_SECRET));

    assert.equal(await vscode.commands.executeCommand('sessionLens.removeSigningSecret', 'host test secret'), true);
    const after = await vscode.commands.executeCommand<string[]>('sessionLens.listSigningSecrets');
    assert.ok(!after.includes('host test secret'));
    const again = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', signed('host-sid-3', STORED_SECRET)));
    assert.match(again, /NOT verified/);
  });

  it('signs a cookie with a labelled secret, and the result decodes as verified', async () => {
    const result = await vscode.commands.executeCommand<{ uri: vscode.Uri; header: string }>('sessionLens.signCookie', { format: 'express-session', sid: 'signed-in-host', secretLabel: ENV_LABEL });
    const text = await shownText(result.uri);
    assert.ok(text.includes('Cookie: connect.sid=s%3Asigned-in-host.'), text);
    assert.ok(text.includes(`Signed with:** ${ENV_LABEL}`));
    assert.ok(!text.includes(ENV_SECRET));
    const decoded = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', result.header));
    assert.ok(decoded.includes(`verified with ${ENV_LABEL}`));
  });

  it('explains an unrecognized value and refuses empty input without an error dialog', async () => {
    const text = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', 'prefs=%7B%22dark%22%3Atrue%7D'));
    assert.match(text, /prefs: unknown/);
    assert.match(text, /format not recognized/);
    assert.match(text, /"dark": true/);
    assert.equal(await vscode.commands.executeCommand('sessionLens.decodeCookie', '   '), undefined);
  });

  it('pre-fills the input box from the clipboard on the desktop (never reads it in a browser-hosted VS Code), and decodes what is accepted', async () => {
    const header = signed('clipboard-sid', ENV_SECRET);
    await vscode.env.clipboard.writeText(header);
    const web = vscode.env.uiKind === vscode.UIKind.Web;
    const shown = waitForEvent(prompts.onDidShowInputBox, () => true, 10_000, 'the input box');
    const decoding = vscode.commands.executeCommand('sessionLens.decodeCookie');
    const options = await shown;
    // A browser-hosted VS Code needs the page's permission to read the clipboard: there the box opens empty
    // (pasting into it needs none). The desktop pre-fills it.
    assert.equal(options.value, web ? undefined : header, web ? 'the clipboard is not read in the browser' : 'the box is pre-filled with the clipboard');
    await screenshot('cookie-input-prefilled');
    if (web) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await decoding, undefined, 'dismissing the box decodes nothing');
      return;
    }
    // Accept the real input box as a person pressing Enter would.
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const text = await shownText(await decoding);
    assert.ok(text.includes('`clipboard-sid`') && text.includes(`verified with ${ENV_LABEL}`), text);

    // Text that is no cookie is not offered.
    await vscode.env.clipboard.writeText('just some words');
    const shownAgain = waitForEvent(prompts.onDidShowInputBox, () => true, 10_000, 'the input box');
    const cancelled = vscode.commands.executeCommand('sessionLens.decodeCookie');
    assert.equal((await shownAgain).value, undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await cancelled, undefined, 'dismissing the box decodes nothing');
  });

  it('decodes the selection of an editor', async () => {
    const header = signed('selected-sid', ENV_SECRET);
    const doc = await vscode.workspace.openTextDocument({ content: `GET /profile HTTP/1.1\n${header}\nAccept: */*\n`, language: 'plaintext' });
    const editor = await vscode.window.showTextDocument(doc);
    const start = doc.lineAt(1).text.indexOf('connect.sid');
    editor.selection = new vscode.Selection(1, start, 1, doc.lineAt(1).text.length);
    const text = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookieSelection'));
    assert.match(text, /## ✅ connect\.sid: express-session/);
    assert.ok(text.includes('`selected-sid`'), text);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('explains a cookie in a .http file on hover', async () => {
    const uri = vscode.Uri.joinPath(WORKSPACE(), 'requests.http');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.lineAt(2).text;
    const position = new vscode.Position(2, line.indexOf('hover-sid'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    const text = hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n');
    assert.match(text, /\*\*express-session\*\*: verified with SESSION_SECRET \(\.env\.development\)/, text);
    assert.ok(text.includes('hover-sid-in-http-file-000000000'));
    assert.ok(text.includes('command:sessionLens.decodeCookie?'), 'a link decodes it in full');
    assert.ok(!text.includes(ENV_SECRET));
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 1));
    assert.ok(!none.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('express-session'))), 'no hover away from the cookie');
  });

  it('offers "Try another secret…" for a signed cookie no secret verified, and verifies with the one typed', async () => {
    const AD_HOC = 'a secret only this developer knows';
    const header = signed('ad-hoc-sid', AD_HOC);
    const uri = await vscode.commands.executeCommand('sessionLens.decodeCookie', header);
    const text = await shownText(uri);
    assert.match(text, /NOT verified/);
    assert.match(text, /Next step:.*Try another secret…/);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const lens = lenses.find((l) => l.command?.title === 'Try another secret…');
    assert.ok(lens?.command, `a "Try another secret…" lens (${lenses.map((l) => l.command?.title).join(', ')})`);
    assert.equal(lens.command.command, 'sessionLens.decodeCookieWithSecret');

    // Without a secret in the arguments it asks for one in a password box; dismissing it changes nothing.
    const asked = waitForEvent(prompts.onDidShowInputBox, () => true, 10_000, 'the secret box');
    const dismissed = vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    assert.equal((await asked).password, true, 'the secret is typed hidden');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await dismissed, undefined);

    const [arg] = (lens.command.arguments ?? []) as { input: string }[];
    const again = await shownText(await vscode.commands.executeCommand(lens.command.command, { ...arg, secret: AD_HOC }));
    assert.match(again, /## ✅ connect\.sid: express-session/);
    assert.ok(again.includes('verified with the secret entered once'), again);
    assert.ok(!again.includes(AD_HOC), 'the typed secret is not in the document');
    const after = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', vscode.window.activeTextEditor!.document.uri, 10);
    assert.ok(!after.some((l) => l.command?.title === 'Try another secret…'), 'no offer once verified');
    const labels = await vscode.commands.executeCommand<string[]>('sessionLens.listSigningSecrets');
    assert.ok(!labels.some((l) => l.includes('entered once')), 'the secret was not stored');
  });

  it('opens a decoded session id in the Sessions view, and answers false for an id no store holds', async () => {
    // What the branch needs: a connected store that holds the session.
    const redis = await startRedis();
    const sourceId = 'redis:cookie-open';
    const sid = 'host-open-sid-0000000000000001';
    try {
      await redis.cli('set', `sess:${sid}`, JSON.stringify({ cookie: { originalMaxAge: 3600_000 }, user: { name: 'opened' } }), 'EX', '3600');
      await vscode.commands.executeCommand('sessionLens.connectRedis', { url: redis.url, prefix: 'sess:', name: 'cookie-open', allowWrites: false });
      assert.equal(await vscode.commands.executeCommand('sessionLens.openSessionFromCookie', { sid }), true, 'opened');
      const selected = await waitUntil(() => {
        const node = treeView.selection[0];
        return node?.type === 'session' && node.id === sid ? node : undefined;
      }, treeView.onDidChangeSelection, 20_000, 'the session revealed and selected in the Sessions view');
      assert.equal(selected.sourceId, sourceId);
      assert.equal(treeView.visible, true, 'the Sessions view is shown');
      assert.equal(await vscode.commands.executeCommand('sessionLens.openSessionFromCookie', { sid: 'no-store-holds-this-sid-000000' }), false, 'nothing to open');
      assert.equal(treeView.selection[0]?.type === 'session' && treeView.selection[0].id, sid, 'the selection stays');
    } finally {
      await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId });
      await redis.stop();
    }
  });
});

describe('cookie decoder with the Sessions view (host, real Redis and app)', function () {
  this.timeout(120_000);
  const NAME = 'cookie-e2e';
  const SOURCE_ID = `redis:${NAME}`;
  let redis: RedisServer;
  let app: DevServer;
  let treeView: vscode.TreeView<SessionsNode>;

  before(async () => {
    const api = await activateExtension();
    treeView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    assert.ok(treeView, 'the Sessions view exposes its tree view');
    redis = await startRedis();
    // The app signs with the same secret as the workspace's .env.development.
    app = await startDevServer({ store: 'redis', redisUrl: redis.url, script: APP, secret: ENV_SECRET });
  });

  after(async () => {
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: SOURCE_ID });
    await app?.stop();
    await redis?.stop();
  });

  it('decodes the connect.sid of a real login and reveals its session with "Open Session"', async () => {
    const browser = app.browser();
    assert.equal((await browser.get('/login?user=cookie-reader')).status, 200);
    const raw = await browser.sessionCookie();
    const sid = await browser.sessionId();
    assert.ok(raw && sid, 'the app set a session cookie');

    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    await vscode.commands.executeCommand('sessionLens.connectRedis', { url: redis.url, prefix: 'sess:', name: NAME, allowWrites: false });

    const uri = await vscode.commands.executeCommand('sessionLens.decodeCookie', `Cookie: connect.sid=${raw}`);
    const text = await shownText(uri);
    assert.ok(text.includes(`verified with ${ENV_LABEL}`), text);
    assert.ok(text.includes(`\`${sid}\``), 'the session id is shown');

    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
    const open = lenses.find((l) => l.command?.title === 'Open Session');
    assert.ok(open?.command, 'an "Open Session" lens on the decoded cookie');
    assert.equal(await vscode.commands.executeCommand(open.command.command, ...(open.command.arguments ?? [])), true);

    const selected = await waitUntil(() => {
      const node = treeView.selection[0];
      return node?.type === 'session' && node.id === sid ? node : undefined;
    }, treeView.onDidChangeSelection, 20_000, 'the session selected in the Sessions view');
    assert.equal(selected.sourceId, SOURCE_ID);
    await screenshot('cookie-open-session');
  });
});
