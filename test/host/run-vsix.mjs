// Packages the VSIX as a user gets it, installs it into code-server with --install-extension (not the
// development folder), checks that it holds every bundle and no other built file, and runs the host smoke test
// (activation, commands, each feature bundle loaded) against the installed copy.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { FEATURE_BUNDLES } from '../../esbuild.config.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
execFileSync('npm', ['run', '-s', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
// `npm run package` leaves a release build in dist/; the suite itself is rebuilt by the runner below.
const vsix = join(root, `session-lens-${version}.vsix`);

// The VSIX holds every bundle the extension loads, and no other built file (source maps, the CLI).
const built = (await zipEntries(vsix)).filter((name) => name.startsWith('extension/dist/')).map((name) => name.slice('extension/'.length)).sort();
const expected = ['dist/extension.js', ...Object.keys(FEATURE_BUNDLES).map((name) => `dist/features/${name}.js`)].sort();
if (JSON.stringify(built) !== JSON.stringify(expected)) {
  console.error(`[vsix] the VSIX's built files are\n  ${built.join('\n  ')}\nexpected\n  ${expected.join('\n  ')}`);
  process.exit(1);
}
console.log(`[vsix] holds ${built.join(', ')}`);
const run = spawnSync(process.execPath, [join(root, 'test/host/run-code-server.mjs'), '--no-build', '--vsix', vsix, '--grep', 'activation'], {
  cwd: root, stdio: 'inherit',
});
// Restore the development build so later layers and the developer see source maps again.
execFileSync(process.execPath, [join(root, 'esbuild.config.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
process.exit(run.status ?? 1);

/** The names of a zip file's entries. */
function zipEntries(file) {
  return new Promise((resolveEntries, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) { reject(err); return; }
      const names = [];
      zip.on('entry', (entry) => { names.push(entry.fileName); zip.readEntry(); });
      zip.on('end', () => resolveEntries(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
