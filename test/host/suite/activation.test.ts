import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, manifestCommands } from './helpers';

describe('activation', () => {
  it('activates and registers every command the manifest contributes, and no undeclared one', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed in the host`);
    await activateExtension();
    assert.equal(ext.isActive, true);
    // VS Code adds focus/open/... commands for each contributed view; those are not ours to declare.
    const viewCommand = /^sessionLens\.[\w.]+\.(open|focus|resetViewLocation|toggleVisibility|removeView)$/;
    const registered = new Set((await vscode.commands.getCommands(true)).filter((c) => c.startsWith('sessionLens.') && !viewCommand.test(c)));
    const declared = manifestCommands(ext);
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'commands declared in package.json but not registered');
    const undeclared = [...registered].filter((c) => !declared.includes(c));
    assert.deepEqual(undeclared, [], 'commands registered but not declared in package.json');
  });
});
