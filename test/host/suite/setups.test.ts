// The decoder uses what the workspace's code says about each session setup: a cookie name the app chose and a
// secret in an env variable whose name the decoder does not know verify once the code that names them exists.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import type { CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import type { WorkspaceSetups } from '../../../src/cookies/workspaceSetups';
import { resultJson, type CookieResult } from '../../../src/core/cookies/results';
import { activateExtension, treeText, waitForEvent } from './helpers';

const SECRET = 'shop-signing-secret-only-the-code-names';
const APP = `const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ name: 'shop.sid', secret: process.env.SHOP_COOKIE_SIGNING, resave: false, saveUninitialized: false }));
module.exports = app;
`;

/** The decoded result as the Cookies view shows it, followed by its Open as JSON text. */
async function decodedText(input: string): Promise<string> {
  const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', input);
  assert.ok(result && typeof result.id === 'number', 'the command returns the result it showed');
  const cookies = (await activateExtension()).testHooks.get('cookies.provider') as CookiesTreeProvider;
  return `${treeText(cookies, cookies.resultNode(result.id))}\n${resultJson(result)}`;
}

describe('session setups read from the code (host)', function () {
  this.timeout(60_000);
  const folder = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'shop');
  let setups: WorkspaceSetups;

  before(async function () {
    // Untrusted workspaces read no .env file and use no setup: the untrusted layer checks that separately.
    if (process.env.SESSION_LENS_UNTRUSTED) this.skip();
    const api = await activateExtension();
    setups = api.testHooks.get('cookies.setups') as WorkspaceSetups;
    assert.ok(setups, 'the decoder exposes its workspace setups');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), '.env'), Buffer.from(`SHOP_COOKIE_SIGNING=${SECRET}\n`));
  });
  after(async () => {
    await vscode.workspace.fs.delete(folder(), { recursive: true, useTrash: false }).then(undefined, () => {});
  });

  it('verifies a cookie with the secret of the env variable the code names, under the cookie name the code sets', async () => {
    const signed = signCookie('express-session', 'shop-sid-1', SECRET);
    assert.ok(!('error' in signed));
    const cookie = signed.header.replace(/^connect\.sid=/, 'shop.sid=');

    // Without the code, SHOP_COOKIE_SIGNING is just a variable: the cookie does not verify.
    const before = await decodedText(cookie);
    assert.match(before, /NOT verified/, before);

    const changed = waitForEvent(setups.onDidChange, () => true, 20_000, 'the setups to be read again after the app file appears');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), 'server.js'), Buffer.from(APP));
    await changed;
    const after = await decodedText(cookie);
    assert.match(after, /verified with SHOP_COOKIE_SIGNING \(shop\/\.env\)/, after);
    assert.ok(!after.includes(SECRET), 'the secret value is not in the view nor its JSON');
    const shop = (await setups.setups()).filter((s) => s.file.startsWith('shop/'));
    assert.deepEqual(shop.map((s) => [s.library, s.file, s.line, s.cookieName, s.secret.kind, s.secret.name]),
      [['express-session', 'shop/server.js', 4, 'shop.sid', 'env', 'SHOP_COOKIE_SIGNING']]);
  });
});
