import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, manifestCommands, waitForLog } from './helpers';

describe('activation', () => {
  it('activates and registers every command the manifest contributes, and no undeclared one', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed in the host`);
    // With --baseline-extension the runner also loads an empty extension; its activation time is the
    // side-by-side baseline of the benchmark, which alternates which of the two activates first.
    const baseline = vscode.extensions.getExtension('session-lens-tests.baseline');
    const benchFile = process.env.SESSION_LENS_ACTIVATION_FILE;
    // For the benchmark: the extension host's heap with collected garbage, before and after each activation.
    const heap = benchFile ? collectedHeapBytes() : () => 0;
    const wasActive = ext.isActive;
    // The host's first activation costs more, whichever extension it is: an empty one takes it first.
    await vscode.extensions.getExtension('session-lens-tests.warmup')?.activate();
    let baselineMs: number | undefined;
    let baselineHeapAdded = 0;
    const activateBaseline = async () => {
      if (!baseline || baseline.isActive) return;
      const heapBefore = heap();
      const t = performance.now();
      await baseline.activate();
      baselineMs = performance.now() - t;
      baselineHeapAdded = heap() - heapBefore;
    };
    if (process.env.SESSION_LENS_ACTIVATION_ORDER !== 'session-lens-first') await activateBaseline();
    const heapBefore = heap();
    const started = performance.now();
    await ext.activate();
    const ms = performance.now() - started;
    const heapAdded = heap() - heapBefore;
    await activateBaseline();
    const heapAfter = heap();
    const api = await activateExtension();
    const own = api.testHooks.get('activation.timings') as { loadMs?: number; activateMs: number } | undefined;
    assert.ok(own && own.activateMs >= 0, 'activation reports its own timings');
    // The log says it is active, and no feature failed to start.
    const log = await waitForLog(api.testHooks.get('extension.context') as vscode.ExtensionContext, /\[activate\] Session Lens \d+\.\d+\.\d+ started/);
    assert.doesNotMatch(log, /\[error\]/, `errors in the log after activation:\n${log}`);
    assert.equal(ext.isActive, true);
    // npm run bench reads the activation time from here (only meaningful when this test activated it).
    if (benchFile && !wasActive) {
      writeFileSync(benchFile, JSON.stringify({ ms, baselineMs, loadMs: own.loadMs, activateMs: own.activateMs, heapAdded, baselineHeapAdded, heapAfter }));
    }
    // VS Code adds focus/open/... commands for each contributed view; those are not ours to declare.
    const viewCommand = /^sessionLens\.[\w.]+\.(open|focus|resetViewLocation|toggleVisibility|removeView)$/;
    const registered = new Set((await vscode.commands.getCommands(true)).filter((c) => c.startsWith('sessionLens.') && !viewCommand.test(c)));
    const declared = manifestCommands(ext);
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'commands declared in package.json but not registered');
    const undeclared = [...registered].filter((c) => !declared.includes(c));
    assert.deepEqual(undeclared, [], 'commands registered but not declared in package.json');
  });

  it('loads no feature bundle while activating, and each one from its own file on first use', async () => {
    const api = await activateExtension();
    // Snapshot taken by activate() itself, so what other tests did since does not matter.
    assert.deepEqual(api.testHooks.get('activation.featureBundles'), [], 'feature bundles loaded during activation');
    const loaders = api.testHooks.get('featureBundles.loaders') as Record<string, () => unknown>;
    const loadedFiles = api.testHooks.get('featureBundles.files') as () => string[];
    const expected: Record<string, (bundle: any) => unknown> = {
      analysis: ([lint, setups]) => typeof lint.lintSource === 'function' && typeof setups.findSessionSetups === 'function',
      cookies: (cookies) => typeof cookies.decodeCookies === 'function',
      redis: (redis) => typeof redis.RedisSessionSource === 'function',
      postgres: (postgres) => typeof postgres.PgSessionSource === 'function',
      files: (files) => typeof files.FileSessionSource === 'function',
      sqlite: (sqlite) => typeof sqlite.SqliteSessionSource === 'function',
      inspector: ([inspector, browser]) => typeof inspector.InspectorSessionSource === 'function' && typeof browser.BrowserCookieWatch === 'function',
    };
    assert.deepEqual(Object.keys(loaders).sort(), Object.keys(expected).sort());
    assert.ok(loadedFiles().includes('ui.js'), 'the features started from dist/features/ui.js');
    for (const [name, load] of Object.entries(loaders)) {
      assert.ok(expected[name](load()), `the ${name} bundle exports what its loader promises`);
      assert.ok(loadedFiles().includes(`${name}.js`), `${name} came from dist/features/${name}.js (loaded: ${loadedFiles().join(', ')})`);
    }
  });
});

/** A function that collects garbage and returns the heap in use (bytes): V8's gc, exposed at run time. */
function collectedHeapBytes(): () => number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
}
