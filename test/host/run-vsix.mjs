// Packages the VSIX as a user gets it, installs it into code-server with --install-extension (not the
// development folder), and runs the host smoke test (activation and commands) against the installed copy.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
execFileSync('npm', ['run', '-s', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
// `npm run package` leaves a release build in dist/; the suite itself is rebuilt by the runner below.
const vsix = join(root, `session-lens-${version}.vsix`);
const run = spawnSync(process.execPath, [join(root, 'test/host/run-code-server.mjs'), '--no-build', '--vsix', vsix, '--grep', 'activation'], {
  cwd: root, stdio: 'inherit',
});
// Restore the development build so later layers and the developer see source maps again.
execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
process.exit(run.status ?? 1);
