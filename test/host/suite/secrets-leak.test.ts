// Every feature run with known secret values — decode, sign, connect, list, edit, lint — then the log, the
// documents shown, the diagnostics and the files written are searched for those values: none may appear.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { startRedis, type RedisServer } from '../../harness/redis';
import type { CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import type { CookieResult } from '../../../src/core/cookies/results';
import { activateExtension, treeText, waitForEvent, waitUntil } from './helpers';

const APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');
const SECRETS = {
  env: 'leakcheck-env-secret-9f8e7d6c5b4a3928',
  stored: 'leakcheck-stored-secret-1a2b3c4d5e6f7a8b',
  redisPassword: 'leakcheck-redis-password-0f1e2d3c',
  literal: 'leakcheck-literal-secret-5a6b7c8d9e0f',
};
const CONNECTION = 'leakcheck';

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && fs.statSync(full).size < 5 * 1024 * 1024) out.push(full);
  }
  return out;
}

function leaksIn(text: string): string[] {
  return Object.entries(SECRETS).filter(([, value]) => text.includes(value)).map(([name]) => name);
}

describe('secrets never leak (decode, sign, connect, list, edit, lint)', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let app: DevServer;
  let context: vscode.ExtensionContext;
  let model: SessionsModel;
  let cookies: CookiesTreeProvider;
  const workspace = process.env.SESSION_LENS_WORKSPACE ?? vscode.workspace.workspaceFolders![0].uri.fsPath;
  const envFile = path.join(workspace, '.env.local');
  const lintFile = path.join(workspace, 'leakcheck', 'server.js');
  /** Files this test wrote with secrets in them on purpose (the user's own files). */
  const ownFiles = new Set([envFile, lintFile]);

  before(async () => {
    const api = await activateExtension();
    context = api.testHooks.get('extension.context') as vscode.ExtensionContext;
    model = api.testHooks.get('sessions.model') as SessionsModel;
    cookies = api.testHooks.get('cookies.provider') as CookiesTreeProvider;
    assert.ok(context && model && cookies);
    fs.writeFileSync(envFile, `COOKIE_SECRET=${SECRETS.env}\n`);
    fs.mkdirSync(path.dirname(lintFile), { recursive: true });
    fs.writeFileSync(lintFile, [
      "const session = require('express-session');",
      "const app = require('express')();",
      `app.use(session({ secret: '${SECRETS.literal}', resave: false, saveUninitialized: false }));`,
      '',
    ].join('\n'));
    redis = await startRedis({ args: ['--requirepass', SECRETS.redisPassword, '--notify-keyspace-events', 'KEA'], cliAuth: ['-a', SECRETS.redisPassword, '--no-auth-warning'] });
    app = await startDevServer({ store: 'redis', redisUrl: `redis://:${SECRETS.redisPassword}@127.0.0.1:${redis.port}`, script: APP, secret: SECRETS.env });
  });

  after(async () => {
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: `redis:${CONNECTION}` });
    await vscode.commands.executeCommand('sessionLens.removeSigningSecret', 'leak check');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await app?.stop();
    await redis?.stop();
    for (const f of ownFiles) fs.rmSync(f, { force: true });
  });

  it('keeps every secret out of the log, shown documents, diagnostics and written files', async () => {
    const shown: string[] = [];
    const textOf = async (result: unknown) => {
      // A decoded result is read as the Cookies view shows it, then as its JSON and its Markdown export.
      if (result && typeof result === 'object' && 'cookies' in result && 'id' in result) {
        const { id } = result as CookieResult;
        const node = cookies.resultNode(id);
        const json = await vscode.commands.executeCommand<vscode.Uri>('sessionLens.openCookieResultAsJson', node);
        const markdown = await vscode.commands.executeCommand<vscode.Uri>('sessionLens.exportCookieResultMarkdown', node);
        const text = [treeText(cookies, node), JSON.stringify(result), (await vscode.workspace.openTextDocument(json)).getText(), (await vscode.workspace.openTextDocument(markdown)).getText()].join('\n');
        shown.push(text);
        return text;
      }
      const uri = result instanceof vscode.Uri ? result : (result as { uri?: vscode.Uri } | undefined)?.uri;
      assert.ok(uri, 'the command returned the document it showed');
      const text = (await vscode.workspace.openTextDocument(uri)).getText();
      shown.push(text);
      return text;
    };

    // decode, with the .env secret and with a stored one
    const signed = (sid: string, secret: string) => {
      const s = signCookie('express-session', sid, secret);
      assert.ok(!('error' in s));
      return s.header;
    };
    const envCookie = signed('leak-sid-env', SECRETS.env);
    assert.match(await textOf(await vscode.commands.executeCommand('sessionLens.decodeCookie', envCookie)), /COOKIE_SECRET/);
    assert.equal(await vscode.commands.executeCommand('sessionLens.addSigningSecret', { label: 'leak check', value: SECRETS.stored }), true);
    const storedCookie = signed('leak-sid-stored', SECRETS.stored);
    assert.match(await textOf(await vscode.commands.executeCommand('sessionLens.decodeCookie', storedCookie)), /leak check/);
    const labels = await vscode.commands.executeCommand<string[]>('sessionLens.listSigningSecrets');
    assert.ok(labels.includes('leak check'));
    shown.push(vscode.window.activeTextEditor?.document.getText() ?? '');

    // sign
    await textOf(await vscode.commands.executeCommand('sessionLens.signCookie', { format: 'express-session', sid: 'leak-signed', secretLabel: 'leak check' }));

    // connect (password in the URL) and list
    const browser = app.browser();
    assert.equal((await browser.get('/login?user=alice')).status, 200);
    const sid = (await browser.sessionId())!;
    await vscode.commands.executeCommand('sessionLens.connectRedis', {
      url: `redis://:${SECRETS.redisPassword}@127.0.0.1:${redis.port}`, prefix: 'sess:', name: CONNECTION, allowWrites: true,
    });
    const listed = () => model.snapshots().find((s) => s.source.id === `redis:${CONNECTION}`)?.sessions.some((s) => s.id === sid) || undefined;
    const modelChanged: vscode.Event<void> = (listener) => ({ dispose: model.onDidChange(() => listener()) });
    await waitUntil(listed, modelChanged, 20_000, 'the logged-in session listed');

    // edit: open the session as JSON, change it, save it back
    const doc = (await vscode.commands.executeCommand('sessionLens.openSession', { sid, sourceId: `redis:${CONNECTION}` })) as vscode.TextDocument;
    shown.push(doc.getText());
    const edited = JSON.parse(doc.getText()) as { user: { name: string } };
    edited.user.name = 'alice-edited';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(edited, null, 2));
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), 'the edited session saved');
    assert.equal((await browser.get('/profile')).body.user.name, 'alice-edited');

    // a failed connection (wrong password) also goes through the log
    await vscode.commands.executeCommand('sessionLens.connectRedis', {
      url: `redis://:wrong-${SECRETS.redisPassword}@127.0.0.1:${redis.port}`, prefix: 'sess:', name: `${CONNECTION}-wrong`, allowWrites: false,
    });
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: `redis:${CONNECTION}-wrong` });

    // lint a file with a literal secret
    const lintUri = vscode.Uri.file(lintFile);
    const diagnosticsShown = waitForEvent(vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.fsPath === lintFile), 20_000, 'diagnostics of the leak-check file');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(lintUri));
    await diagnosticsShown;
    const diagnostics = vscode.languages.getDiagnostics(lintUri);
    assert.ok(diagnostics.some((d) => typeof d.code === 'object' && d.code.value === 'hardcoded-secret'), 'the literal secret is flagged');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', lintUri, diagnostics[0].range);
    const diagnosticText = [...diagnostics.map((d) => d.message), ...actions.map((a) => a.title)].join('\n');
    assert.deepEqual(leaksIn(diagnosticText), [], 'diagnostic messages and fix titles');

    // Now search everything the extension produced.
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === 'file' && ownFiles.has(document.uri.fsPath)) continue;
      shown.push(document.getText());
    }
    shown.forEach((text, i) => assert.deepEqual(leaksIn(text), [], `shown document #${i} contains a secret`));

    // The log channel's file lives beside the extension's log folder; find it by its content.
    const logsRoot = path.resolve(context.logUri.fsPath, '..', '..');
    const logFiles = walk(logsRoot).filter((f) => f.endsWith('.log') && fs.readFileSync(f, 'utf8').includes('[activate] Session Lens'));
    assert.ok(logFiles.length > 0, `found the Session Lens log under ${logsRoot}`);
    const logText = logFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.match(logText, new RegExp(CONNECTION), 'the log covers the connection made in this test');
    assert.deepEqual(leaksIn(logText), [], 'the log contains a secret');

    // Files written: the workspace (but the user's own .env and source file), settings, extension storage.
    const userDir = path.resolve(context.globalStorageUri.fsPath, '..', '..');
    const written = [
      ...walk(workspace).filter((f) => !ownFiles.has(f)),
      ...walk(context.globalStorageUri.fsPath),
      ...(context.storageUri ? walk(context.storageUri.fsPath) : []),
      ...['settings.json', 'keybindings.json'].map((f) => path.join(userDir, f)).filter((f) => fs.existsSync(f)),
    ];
    assert.ok(written.length > 0);
    for (const file of written) assert.deepEqual(leaksIn(fs.readFileSync(file, 'latin1')), [], `${file} contains a secret`);
  });
});
