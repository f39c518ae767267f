// The features start on first use, not at activation: in a fresh host on a workspace without session code
// (`node scripts/test-all.mjs fresh`), opening a file without session code starts nothing, and opening one with
// session code starts the features and shows its diagnostics.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension';
import { EXTENSION_ID, waitForEvent } from './helpers';
import { FRESH_HOST } from './runSuite';

describe(`first use ${FRESH_HOST}`, () => {
  it('starts the features when a file with session code opens, not for one without, and shows its diagnostics', async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    const api = await ext.activate();
    assert.equal(api.testHooks.get('features.startedBy'), undefined, 'nothing started the features at activation');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'a workspace folder is open');

    const plain = path.join(folder, 'plain.js');
    fs.writeFileSync(plain, "const http = require('node:http');\nhttp.createServer((req, res) => res.end('ok')).listen(0);\n");
    await vscode.window.showTextDocument(vscode.Uri.file(plain));
    assert.equal(api.testHooks.get('features.startedBy'), undefined, 'a file without session code starts nothing');

    const app = path.join(folder, 'app.js');
    fs.writeFileSync(app, "const session = require('express-session');\napp.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));\n");
    const diagnosed = waitForEvent(vscode.languages.onDidChangeDiagnostics, (e) => e.uris.some((u) => u.fsPath === app)
      && vscode.languages.getDiagnostics(vscode.Uri.file(app)).some((d) => d.source === 'Session Lens'), 30_000, 'Session Lens diagnostics on app.js');
    await vscode.window.showTextDocument(vscode.Uri.file(app));
    await diagnosed;
    assert.match(String(api.testHooks.get('features.startedBy')), /app\.js has session code/);
    const rules = vscode.languages.getDiagnostics(vscode.Uri.file(app)).filter((d) => d.source === 'Session Lens').map((d) => typeof d.code === 'object' ? d.code.value : d.code);
    assert.ok(rules.includes('hardcoded-secret'), `the hard-coded secret is flagged (got ${rules.join(', ')})`);
  });
});
