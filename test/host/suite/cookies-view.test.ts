// The Cookies view in a real VS Code: what the tree shows for verified, not verified, expired and folded cookies,
// revealing a decoded session in the Sessions view (real Redis and fixture app), copy value/path through the
// host's clipboard, Clear, and Open as JSON without any secret value.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import type { CookieResult, CookieResults } from '../../../src/core/cookies/results';
import type { CookiesNode, CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import type { SessionsNode } from '../../../src/sessions/sessionsTreeProvider';
import { activateExtension, redisWithApp, screenshot, treeText, waitUntil } from './helpers';

/** SESSION_SECRET of the fixture workspace's .env.development. */
const ENV_SECRET = 'workspace dev secret value';
const ENV_LABEL = 'SESSION_SECRET (.env.development)';

function expressCookie(sid: string, secret = ENV_SECRET): string {
  const s = signCookie('express-session', sid, secret);
  assert.ok(!('error' in s));
  return s.header;
}

/** A cookie-session cookie (base64 JSON and its keygrip `.sig`), signed with `secret`. */
function cookieSession(payload: unknown, secret = ENV_SECRET): string {
  const value = Buffer.from(JSON.stringify(payload)).toString('base64');
  const sig = createHmac('sha1', secret).update(`session=${value}`).digest('base64').replace(/\//g, '_').replace(/\+/g, '-').replace(/=+$/, '');
  return `Cookie: session=${value}; session.sig=${sig}`;
}

describe('Cookies view (host)', function () {
  this.timeout(120_000);
  let provider: CookiesTreeProvider;
  let view: vscode.TreeView<CookiesNode>;
  let results: CookieResults;
  let sessionsView: vscode.TreeView<SessionsNode>;

  before(async () => {
    const api = await activateExtension();
    provider = api.testHooks.get('cookies.provider') as CookiesTreeProvider;
    view = api.testHooks.get('cookies.treeView') as vscode.TreeView<CookiesNode>;
    results = api.testHooks.get('cookies.results') as CookieResults;
    sessionsView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    assert.ok(provider && view && results && sessionsView, 'the Cookies view exposes its provider, tree view and results');
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  async function decode(input: string): Promise<CookieResult> {
    const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', input);
    assert.ok(result && typeof result.id === 'number', 'the command returns the result it added');
    assert.equal(view.visible, true, 'the Cookies view is shown');
    await waitUntil(() => (view.selection[0]?.resultId === result.id ? true : undefined), view.onDidChangeSelection, 10_000, 'the new cookie selected');
    return result;
  }

  /** Every node under `root`, depth-first. */
  function allNodes(root?: CookiesNode): CookiesNode[] {
    return provider.getChildren(root).flatMap((n) => [n, ...allNodes(n)]);
  }

  function find(root: CookiesNode, label: string | RegExp): CookiesNode {
    const node = allNodes(root).find((n) => {
      const l = provider.getTreeItem(n).label;
      const text = typeof l === 'string' ? l : l?.label ?? '';
      return typeof label === 'string' ? text === label : label.test(text);
    });
    assert.ok(node, `a node labelled ${String(label)} in\n${treeText(provider, root)}`);
    return node;
  }

  it('shows a verified express-session cookie: verdict with the secret\'s label, session id, expiry, where its data lives', async () => {
    const result = await decode(expressCookie('view-sid-verified-0001'));
    const root = provider.resultNode(result.id);
    const selected = view.selection[0];
    assert.deepEqual(selected, provider.firstCookieNode(result), 'the cookie node is selected');
    assert.equal(treeText(provider, root), [
      `[pass] connect.sid — express-session · verified with ${ENV_LABEL}`,
      '  [key] Session id view-sid-verified-0001 — Enter: reveal in the Sessions view',
      '  [watch] Expiry not stated — browser session or server-side expiry',
      '  [info] Session data lives in the store, keyed by the session id.',
    ].join('\n'));
    const cookie = provider.getTreeItem(selected);
    assert.equal(cookie.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.match(cookie.contextValue ?? '', /^cookie verified sid$/);
    // Screen readers: every node of the result has its own label, which says what it is.
    for (const node of [root, ...allNodes(root)]) {
      const label = provider.getTreeItem(node).accessibilityInformation?.label ?? '';
      assert.ok(label.length > 4, `an accessibility label for ${JSON.stringify(node)}`);
    }
    assert.equal(cookie.accessibilityInformation?.label, `Cookie connect.sid, express-session · verified with ${ENV_LABEL}`);
    const sid = provider.getTreeItem(find(root, 'Session id view-sid-verified-0001'));
    assert.equal(sid.command?.command, 'sessionLens.openSessionFromCookie', 'Enter on the session id reveals it');
    assert.ok(!treeText(provider).includes(ENV_SECRET));
  });

  it('shows a cookie no secret verified with what to do next, and an expired Set-Cookie with its attributes and warnings', async () => {
    const bad = await decode(expressCookie('view-sid-unverified-01', 'a secret nobody configured'));
    const badText = treeText(provider, provider.resultNode(bad.id));
    assert.match(badText, /^\[error\] connect\.sid — express-session · NOT verified$/m, badText);
    assert.match(badText, /^ {2}\[lightbulb\] What to do next — no secret verified this cookie\n {4}\[key\] Try Another Secret… — .*\n {4}\[add\] Add Signing Secret… — /m, badText);
    const tryIt = provider.getTreeItem(find(provider.resultNode(bad.id), 'Try Another Secret…')).command;
    assert.equal(tryIt?.command, 'sessionLens.decodeCookieWithSecret');
    assert.deepEqual(tryIt.arguments, [{ input: bad.input }], 'it decodes the same input again');

    const expired = await decode(`Set-Cookie: ${expressCookie('view-sid-expired-0001').replace(/^Cookie: /, '')}; Path=/; Expires=Wed, 01 Jan 2020 00:00:00 GMT; HttpOnly`);
    const text = treeText(provider, provider.resultNode(expired.id));
    assert.match(text, /^\[history\] connect\.sid — express-session · verified with .* · EXPIRED$/m, text);
    assert.match(text, /^ {2}\[history\] Expired \d+ years? ago — 2020-01-01T00:00:00\.000Z · EXPIRED$/m, text);
    assert.match(text, /^ {2}\[symbol-property\] Attributes — Path=\/; Expires=2020-01-01T00:00:00\.000Z; HttpOnly · \d+ warnings?$/m, text);
    assert.match(text, /^ {4}\[symbol-property\] HttpOnly$/m, text);
    assert.match(text, /^ {4}\[warning\] Secure is not set: the cookie is also sent over plain HTTP$/m, text);
    assert.equal(provider.getTreeItem(provider.firstCookieNode(expired)).contextValue, 'cookie expired sid');
  });

  it('folds the cookies of a Cookie header that are not sessions under one node, named for what they are', async () => {
    const result = await decode(`${expressCookie('view-sid-folded-00001')}; _ga=GA1.1.1234567890.1700000000; theme=dark`);
    const root = provider.resultNode(result.id);
    const text = treeText(provider, root);
    assert.match(text, /^\[pass\] connect\.sid — express-session · verified with /m, text);
    assert.match(text, /^\[fold\] Not session cookies \(2\) — _ga \(analytics\), theme \(preference\)\n {2}\[circle-slash\] _ga — not a session cookie · analytics\n {4}\[info\] Not a session cookie: Google Analytics sets it \(analytics\)\.\n {2}\[circle-slash\] theme — not a session cookie · preference$/m, text);
    const folded = find(root, 'Not session cookies (2)');
    assert.equal(provider.getTreeItem(folded).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'folded away');
    assert.equal(provider.getTreeItem(root).label, 'connect.sid', 'the result is named for its session cookie');
  });

  it('copies a payload value and its path through the clipboard, and opens the result as JSON without any secret value', async () => {
    const result = await decode(cookieSession({ user: { name: 'alice', 'display-name': 'Alice A.' }, roles: ['admin', 'editor'] }));
    const root = provider.resultNode(result.id);
    const text = treeText(provider, root);
    assert.match(text, /^\[pass\] session — cookie-session · verified with /m, text);
    assert.match(text, /^ {2}\[json\] Payload — \{2 keys\}\n {4}\[symbol-object\] user — \{2 keys\}\n {6}\[symbol-field\] name — "alice"\n {6}\[symbol-field\] display-name — "Alice A\."\n {4}\[symbol-array\] roles — \[2 items\]\n {6}\[symbol-field\] \[0\] — "admin"/m, text);
    const displayName = find(root, 'display-name');
    assert.equal(provider.getTreeItem(displayName).contextValue, 'cookieValue', 'Copy Value and Copy Path are on its context menu');

    await vscode.env.clipboard.writeText('');
    assert.equal(await vscode.commands.executeCommand('sessionLens.copyCookieValue', displayName), 'Alice A.');
    assert.equal(await vscode.env.clipboard.readText(), 'Alice A.', 'the value is on the clipboard');
    assert.equal(await vscode.commands.executeCommand('sessionLens.copyCookiePath', displayName), 'user["display-name"]');
    assert.equal(await vscode.env.clipboard.readText(), 'user["display-name"]');
    const roles = find(root, 'roles');
    await vscode.commands.executeCommand('sessionLens.copyCookieValue', roles);
    assert.deepEqual(JSON.parse(await vscode.env.clipboard.readText()), ['admin', 'editor'], 'an array is copied as JSON');
    await vscode.commands.executeCommand('sessionLens.copyCookiePath', find(root, '[1]'));
    assert.equal(await vscode.env.clipboard.readText(), 'roles[1]');
    // From the keyboard the command acts on the selection.
    await view.reveal(find(root, 'name'), { select: true, focus: true });
    await waitUntil(() => (view.selection[0] && provider.getTreeItem(view.selection[0]).label === 'name' ? true : undefined), view.onDidChangeSelection, 10_000, 'name selected');
    await vscode.commands.executeCommand('sessionLens.copyCookiePath');
    assert.equal(await vscode.env.clipboard.readText(), 'user.name');

    const uri = await vscode.commands.executeCommand<vscode.Uri>('sessionLens.openCookieResultAsJson', root);
    assert.equal(uri.scheme, 'session-lens-cookies');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), 'the JSON is the active editor');
    assert.equal(doc.languageId, 'json');
    const json = JSON.parse(doc.getText()) as { secretsTried: string[]; cookies: { name: string; verified: boolean; secretLabel: string; payload: unknown }[] };
    assert.ok(json.secretsTried.includes(ENV_LABEL), 'the labels of the secrets tried');
    assert.deepEqual(json.cookies.map((c) => [c.name, c.verified, c.secretLabel]), [['session', true, ENV_LABEL]]);
    assert.deepEqual(json.cookies[0].payload, { user: { name: 'alice', 'display-name': 'Alice A.' }, roles: ['admin', 'editor'] });
    assert.ok(!doc.getText().includes(ENV_SECRET), 'no secret value in the JSON');

    // The JSON of one cookie, and the Markdown export of the result.
    const one = await vscode.commands.executeCommand<vscode.Uri>('sessionLens.openCookieResultAsJson', provider.firstCookieNode(result));
    assert.equal((JSON.parse((await vscode.workspace.openTextDocument(one)).getText()) as { cookies: unknown[] }).cookies.length, 1);
    const md = await vscode.commands.executeCommand<vscode.Uri>('sessionLens.exportCookieResultMarkdown', root);
    const markdown = (await vscode.workspace.openTextDocument(md)).getText();
    assert.match(markdown, /## ✅ session: cookie-session/);
    assert.ok(markdown.includes(`verified with ${ENV_LABEL}`) && !markdown.includes(ENV_SECRET), markdown);
  });

  it('keeps the newest results first, bounded, and clears them on demand', async () => {
    const before = results.list().length;
    assert.ok(before >= 1);
    const a = await decode(expressCookie('view-sid-order-a-0001'));
    const b = await decode(expressCookie('view-sid-order-b-0001'));
    const roots = provider.getChildren();
    assert.deepEqual(roots.slice(0, 2).map((n) => n.resultId), [b.id, a.id], 'newest first');
    assert.equal(provider.getTreeItem(roots[0]).collapsibleState, vscode.TreeItemCollapsibleState.Expanded, 'the newest is expanded');
    assert.equal(provider.getTreeItem(roots[1]).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'older ones are collapsed');
    for (let i = 0; i < 21; i++) await vscode.commands.executeCommand('sessionLens.decodeCookie', { input: expressCookie(`view-sid-bound-${i}-000`) });
    assert.equal(results.list().length, 20, 'at most 20 results are kept');
    await screenshot('cookies-view-many');

    await vscode.commands.executeCommand('sessionLens.clearCookieResults');
    assert.deepEqual(provider.getChildren(), [], 'the view is empty (its welcome offers Decode Cookie…)');
    assert.equal(results.list().length, 0);
  });
});

describe('Cookies view reveals sessions (host, real Redis and app)', function () {
  this.timeout(120_000);
  const NAME = 'cookies-view';
  const SOURCE_ID = `redis:${NAME}`;
  const servers = redisWithApp({ secret: ENV_SECRET, sourceId: SOURCE_ID });
  let provider: CookiesTreeProvider;
  let view: vscode.TreeView<CookiesNode>;
  let sessionsView: vscode.TreeView<SessionsNode>;

  before(async () => {
    const api = await activateExtension();
    provider = api.testHooks.get('cookies.provider') as CookiesTreeProvider;
    view = api.testHooks.get('cookies.treeView') as vscode.TreeView<CookiesNode>;
    sessionsView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
  });

  it('reveals the session of a real login from its session id node, and says when no connected store holds it', async () => {
    const browser = servers.app().browser();
    assert.equal((await browser.get('/login?user=view-reader')).status, 200);
    const raw = await browser.sessionCookie();
    const sid = await browser.sessionId();
    assert.ok(raw && sid);
    await vscode.commands.executeCommand('sessionLens.connectRedis', { url: servers.redis().url, prefix: 'sess:', name: NAME, allowWrites: false });

    const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', `Cookie: connect.sid=${raw}`);
    await waitUntil(() => (view.selection[0]?.resultId === result.id ? true : undefined), view.onDidChangeSelection, 10_000, 'the cookie selected');
    const sidNode = provider.getChildren(provider.firstCookieNode(result)).find((n) => n.type === 'sid');
    assert.ok(sidNode, 'a session id node');
    const item = provider.getTreeItem(sidNode);
    assert.equal(item.label, `Session id ${sid}`);
    // Whose session it is, at a glance: the user label from the connected store.
    assert.match(String(item.description), /^view-reader@example\.test · redis:\/\/127\.0\.0\.1:\d+ \(sess:\) — Enter: reveal$/, String(item.description));
    assert.match(item.accessibilityInformation?.label ?? '', /session of view-reader@example\.test/);
    // And what it holds: the session data the store has, as a tree under the cookie (Copy Value works on it).
    const stored = provider.getChildren(provider.firstCookieNode(result)).find((n) => n.type === 'stored');
    assert.ok(stored, `the stored session data under the cookie:\n${treeText(provider, provider.firstCookieNode(result))}`);
    const storedText = treeText(provider, stored);
    assert.match(storedText, /^ {2}\[symbol-field\] email — "view-reader@example\.test"$/m, storedText);
    const emailNode = provider.getChildren(provider.getChildren(stored).find((n) => n.type === 'value' && n.path[0] === 'user')!).find((n) => n.type === 'value' && n.path[1] === 'email')!;
    assert.equal(await vscode.commands.executeCommand('sessionLens.copyCookieValue', emailNode), 'view-reader@example.test');
    assert.equal(await vscode.env.clipboard.readText(), 'view-reader@example.test');
    assert.equal(await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? [])), true, 'revealed');
    const selected = await waitUntil(() => {
      const node = sessionsView.selection[0];
      return node?.type === 'session' && node.id === sid ? node : undefined;
    }, sessionsView.onDidChangeSelection, 20_000, 'the session selected in the Sessions view');
    assert.equal(selected.sourceId, SOURCE_ID);
    assert.match(String(provider.getTreeItem(sidNode).description), /^view-reader@example\.test · .* — Enter: reveal$/);
    await screenshot('cookies-view-revealed');

    // A cookie of a session the store does not hold (signed with the app's secret, never logged in).
    const stranger = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', expressCookie('view-sid-not-in-store-0001'));
    const strangerSid = provider.getChildren(provider.firstCookieNode(stranger)).find((n) => n.type === 'sid')!;
    const open = provider.getTreeItem(strangerSid).command!;
    assert.equal(await vscode.commands.executeCommand(open.command, ...(open.arguments ?? [])), false, 'not found');
    const after = provider.getTreeItem(strangerSid);
    assert.equal(after.description, 'not in the connected store');
    assert.match(after.accessibilityInformation?.label ?? '', /not in the connected store/);

    // "Reveal Session from Cookie…" goes through the Cookies view too.
    assert.equal(await vscode.commands.executeCommand('sessionLens.revealSessionFromCookie', `connect.sid=${raw}`), true);
    const newest = provider.getChildren()[0];
    assert.match(treeText(provider, newest), new RegExp(`Session id ${sid}`), 'the cookie was decoded into the view');
  });
});
