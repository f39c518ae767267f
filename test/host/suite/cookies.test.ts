// The cookie decoder in a real VS Code: commands driven with arguments, documents read back.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import { activateExtension, screenshot } from './helpers';

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
  before(async () => { await activateExtension(); });

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

  it('hands a decoded session id to the Sessions view, or says none is connected', async () => {
    const result = await vscode.commands.executeCommand('sessionLens.openSessionFromCookie', { sid: 'host-sid-1' });
    const hasReveal = (await vscode.commands.getCommands(true)).includes('sessionLens.revealSession');
    assert.equal(typeof result, 'boolean');
    if (!hasReveal) assert.equal(result, false);
  });
});
