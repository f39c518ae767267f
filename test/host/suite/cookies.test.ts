// The cookie decoder in a real VS Code: commands driven with arguments, results read back from the Cookies view.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import type { CookieResult } from '../../../src/core/cookies/results';
import type { CookiesNode, CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import type { CookiePrompts } from '../../../src/cookies/prompts';
import type { SessionsNode } from '../../../src/sessions/sessionsTreeProvider';
import { startRedis } from '../../harness/redis';
import { activateExtension, redisWithApp, screenshot, treeText, waitForEvent, waitUntil } from './helpers';

const WORKSPACE = () => vscode.workspace.workspaceFolders![0].uri;

const ENV_SECRET = 'workspace dev secret value';
const ENV_LABEL = 'SESSION_SECRET (.env.development)';
const STORED_SECRET = 'stored-secret-value-for-the-host-test';

let cookies: CookiesTreeProvider;
let cookiesView: vscode.TreeView<CookiesNode>;

/** Checks that the command's result is shown in the Cookies view with its cookie selected, and returns the result's tree as text. */
async function shownText(result: unknown): Promise<string> {
  assert.ok(result && typeof result === 'object' && 'id' in result && 'cookies' in result, 'the command returns the result it showed');
  const { id } = result as CookieResult;
  assert.equal(cookiesView.visible, true, 'the Cookies view is shown');
  await waitUntil(() => (cookiesView.selection[0]?.resultId === id ? true : undefined), cookiesView.onDidChangeSelection, 10_000, 'the new result selected in the Cookies view');
  return treeText(cookies, cookies.resultNode(id));
}

/** The text of a document a command showed (Sign Cookie's result), which must be the active editor. */
function documentText(uri: unknown): string {
  assert.ok(uri instanceof vscode.Uri, 'the command returns the URI of the document it showed');
  assert.equal(uri.scheme, 'session-lens-decoded');
  const active = vscode.window.activeTextEditor;
  assert.equal(active?.document.uri.toString(), uri.toString(), 'the document is the active editor');
  return active.document.getText();
}

/** The node of the result's first cookie whose tree item has `label`, searched depth-first. */
function findNode(root: CookiesNode, label: string | RegExp): CookiesNode | undefined {
  for (const node of cookies.getChildren(root)) {
    const item = cookies.getTreeItem(node);
    const text = typeof item.label === 'string' ? item.label : item.label?.label ?? '';
    if (typeof label === 'string' ? text === label : label.test(text)) return node;
    const inner = findNode(node, label);
    if (inner) return inner;
  }
  return undefined;
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
    cookies = api.testHooks.get('cookies.provider') as CookiesTreeProvider;
    cookiesView = api.testHooks.get('cookies.treeView') as vscode.TreeView<CookiesNode>;
    assert.ok(prompts && treeView && cookies && cookiesView, 'the decoder exposes its prompts and Cookies view, the Sessions view its tree view');
  });

  it('decodes a cookie given as the argument and verifies it with the workspace .env secret', async () => {
    const result = await vscode.commands.executeCommand('sessionLens.decodeCookie', signed('host-sid-1', ENV_SECRET));
    const text = await shownText(result);
    assert.match(text, /^\[pass\] connect\.sid — express-session · verified with /m, text);
    assert.ok(text.includes(`verified with ${ENV_LABEL}`), text);
    assert.match(text, /^ {2}\[key\] Session id host-sid-1 — /m, text);
    assert.ok(!text.includes(ENV_SECRET), 'the secret value is not in the view');
    assert.ok(!JSON.stringify(result).includes(ENV_SECRET), 'nor in the result kept in memory');
    await screenshot('cookie-decoded');
  });

  it('reports a cookie signed with an unknown secret as not verified', async () => {
    const text = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', signed('host-sid-2', 'some other secret')));
    assert.match(text, /^\[error\] connect\.sid — express-session · NOT verified/m, text);
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
    const text = documentText(result.uri);
    assert.ok(text.includes('Cookie: connect.sid=s%3Asigned-in-host.'), text);
    assert.ok(text.includes(`Signed with:** ${ENV_LABEL}`));
    assert.ok(!text.includes(ENV_SECRET));
    const decoded = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', result.header));
    assert.ok(decoded.includes(`verified with ${ENV_LABEL}`));
  });

  it('explains an unrecognized value and refuses empty input without an error dialog', async () => {
    const text = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', 'prefs=%7B%22dark%22%3Atrue%7D'));
    assert.match(text, /^\[question\] prefs — no session format recognized$/m, text);
    assert.match(text, /^ {2}\[error\] .*format not recognized/m, text);
    assert.match(text, /^ {4}\[symbol-field\] dark — true$/m, text);
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
    assert.ok(text.includes('Session id clipboard-sid') && text.includes(`verified with ${ENV_LABEL}`), text);

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
    assert.match(text, /^\[pass\] connect\.sid — express-session · verified with /m, text);
    assert.ok(text.includes('Session id selected-sid'), text);
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
    const link = /command:sessionLens\.decodeCookie\?([^)\s]+)/.exec(text);
    assert.ok(link, 'a link decodes it in full');
    // The link leads into the Cookies view, as the other ways of decoding do.
    const [arg] = JSON.parse(decodeURIComponent(link[1])) as [string];
    const decoded = await shownText(await vscode.commands.executeCommand('sessionLens.decodeCookie', arg));
    assert.ok(decoded.includes('Session id hover-sid-in-http-file-000000000'), decoded);
    assert.ok(!text.includes(ENV_SECRET));
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(1, 1));
    assert.ok(!none.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('express-session'))), 'no hover away from the cookie');
  });

  it('offers "Try Another Secret…" for a signed cookie no secret verified, and verifies with the one typed', async () => {
    const AD_HOC = 'a secret only this developer knows';
    const header = signed('ad-hoc-sid', AD_HOC);
    const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', header);
    const text = await shownText(result);
    assert.match(text, /NOT verified/);
    assert.match(text, /^ {2}\[lightbulb\] What to do next — no secret verified this cookie\n {4}\[key\] Try Another Secret…/m, text);
    assert.match(text, /^ {4}\[add\] Add Signing Secret…/m, text);
    const node = findNode(cookies.resultNode(result.id), 'Try Another Secret…');
    const action = node && cookies.getTreeItem(node).command;
    assert.ok(action, 'the "Try Another Secret…" node runs a command');
    assert.equal(action.command, 'sessionLens.decodeCookieWithSecret');
    const add = findNode(cookies.resultNode(result.id), 'Add Signing Secret…');
    assert.equal(add && cookies.getTreeItem(add).command?.command, 'sessionLens.addSigningSecret');

    // Without a secret in the arguments it asks for one in a password box; dismissing it changes nothing.
    const asked = waitForEvent(prompts.onDidShowInputBox, () => true, 10_000, 'the secret box');
    const dismissed = vscode.commands.executeCommand(action.command, ...(action.arguments ?? []));
    assert.equal((await asked).password, true, 'the secret is typed hidden');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await dismissed, undefined);

    const [arg] = (action.arguments ?? []) as { input: string }[];
    const again = await shownText(await vscode.commands.executeCommand(action.command, { ...arg, secret: AD_HOC }));
    assert.match(again, /^\[pass\] connect\.sid — express-session · verified with /m, again);
    assert.ok(again.includes('verified with the secret entered once'), again);
    assert.ok(!again.includes(AD_HOC), 'the typed secret is not in the view');
    assert.ok(!again.includes('What to do next'), 'no offer once verified');
    const json = await vscode.commands.executeCommand<vscode.Uri>('sessionLens.openCookieResultAsJson');
    assert.ok(!(await vscode.workspace.openTextDocument(json)).getText().includes(AD_HOC), 'nor in its JSON');
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
  // The app signs with the same secret as the workspace's .env.development.
  const servers = redisWithApp({ secret: ENV_SECRET, sourceId: SOURCE_ID });
  let treeView: vscode.TreeView<SessionsNode>;

  before(async () => {
    const api = await activateExtension();
    treeView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    cookies = api.testHooks.get('cookies.provider') as CookiesTreeProvider;
    cookiesView = api.testHooks.get('cookies.treeView') as vscode.TreeView<CookiesNode>;
    assert.ok(treeView && cookies && cookiesView, 'the Sessions and Cookies views expose their tree views');
  });

  it('decodes the connect.sid of a real login and reveals its session from its session id node', async () => {
    const browser = servers.app().browser();
    assert.equal((await browser.get('/login?user=cookie-reader')).status, 200);
    const raw = await browser.sessionCookie();
    const sid = await browser.sessionId();
    assert.ok(raw && sid, 'the app set a session cookie');

    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    await vscode.commands.executeCommand('sessionLens.connectRedis', { url: servers.redis().url, prefix: 'sess:', name: NAME, allowWrites: false });

    const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', `Cookie: connect.sid=${raw}`);
    const text = await shownText(result);
    assert.ok(text.includes(`verified with ${ENV_LABEL}`), text);
    assert.ok(text.includes(`Session id ${sid}`), 'the session id is shown');

    // The session id node's command is what Enter and a click run.
    const sidNode = findNode(cookies.resultNode(result.id), `Session id ${sid}`);
    const open = sidNode && cookies.getTreeItem(sidNode).command;
    assert.ok(open, 'the session id node reveals its session');
    assert.equal(await vscode.commands.executeCommand(open.command, ...(open.arguments ?? [])), true);

    const selected = await waitUntil(() => {
      const node = treeView.selection[0];
      return node?.type === 'session' && node.id === sid ? node : undefined;
    }, treeView.onDidChangeSelection, 20_000, 'the session selected in the Sessions view');
    assert.equal(selected.sourceId, SOURCE_ID);
    await screenshot('cookie-open-session');
  });
});
