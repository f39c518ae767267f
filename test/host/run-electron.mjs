// Runs the same extension-host suite in desktop VS Code through @vscode/test-electron, where VS Code can
// be downloaded (not on machines limited to the npm registry: there use `npm run test:host`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const tmp = mkdtempSync(join(tmpdir(), 'session-lens-electron-'));
const workspace = join(tmp, 'workspace');
cpSync(join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/host-suite/index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data')],
    extensionTestsEnv: { SESSION_LENS_WORKSPACE: workspace, SESSION_LENS_STATS_FILE: process.env.SESSION_LENS_STATS_FILE ?? '' },
  });
} catch (err) {
  console.error(`[electron] ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
