import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, manifestCommands, waitForLog } from './helpers';

describe('activation', () => {
  it('activates and registers every command the manifest contributes, and no undeclared one', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed in the host`);
    // With --baseline-extension the runner also loads an empty extension; its activation time is the
    // side-by-side baseline of the benchmark.
    const baseline = vscode.extensions.getExtension('session-lens-tests.baseline');
    let baselineMs: number | undefined;
    if (baseline && !baseline.isActive) {
      const t = performance.now();
      await baseline.activate();
      baselineMs = performance.now() - t;
    }
    const wasActive = ext.isActive;
    const started = performance.now();
    const api = await activateExtension();
    const ms = performance.now() - started;
    const own = api.testHooks.get('activation.timings') as { loadMs?: number; activateMs: number } | undefined;
    assert.ok(own && own.activateMs >= 0, 'activation reports its own timings');
    // The log says it is active, and no feature failed to start.
    const log = await waitForLog(api.testHooks.get('extension.context') as vscode.ExtensionContext, /\[activate\] Session Lens \d+\.\d+\.\d+ active/);
    assert.doesNotMatch(log, /\[error\]/, `errors in the log after activation:\n${log}`);
    assert.equal(ext.isActive, true);
    // npm run bench reads the activation time from here (only meaningful when this test activated it).
    const benchFile = process.env.SESSION_LENS_ACTIVATION_FILE;
    if (benchFile && !wasActive) writeFileSync(benchFile, JSON.stringify({ ms, baselineMs, loadMs: own.loadMs, activateMs: own.activateMs }));
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
