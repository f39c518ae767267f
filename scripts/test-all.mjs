// `npm test`: builds once, then runs the layers — unit (plain mocha), integration (plain mocha against
// real redis-server and the fixture dev server), extension host (real VS Code via code-server), the same
// host in an untrusted workspace, the journey (a new user's first minutes, by keyboard, in code-server) and the
// packaged VSIX — and prints one closing line for all of them. Exits non-zero when any layer fails or does not report.
//   node scripts/test-all.mjs [unit] [integration] [host] [untrusted] [fresh] [journey] [vsix]   (default: all;
//   untrusted = the host suite's 'untrusted workspace' tests in restricted mode; fresh = its '@fresh-host' tests,
//   in a workspace without session code where nothing has started the features; journey = test/journey, with
//   screenshots in out/journey/; vsix = the packaged VSIX installed into code-server, smoke-tested)
// Missing Debian packages are installed first where this user may (scripts/system-packages.mjs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPackages } from './system-packages.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const mocha = join(root, 'node_modules/mocha/bin/mocha.js');
const layers = {
  unit: [mocha, '--config', '.mocharc.unit.json', 'test/unit/**/*.test.ts'],
  integration: [mocha, '--config', '.mocharc.integration.json', 'test/integration/**/*.test.ts'],
  host: ['test/host/run-code-server.mjs', '--no-build'],
  untrusted: ['test/host/run-code-server.mjs', '--no-build', '--untrusted', '--grep', 'untrusted workspace'],
  fresh: ['test/host/run-code-server.mjs', '--no-build', '--plain-workspace', '--grep', '@fresh-host'],
  journey: [mocha, '--config', '.mocharc.journey.json', 'test/journey/**/*.test.ts'],
  vsix: ['test/host/run-vsix.mjs'],
};
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(layers);
for (const name of chosen) if (!layers[name]) { console.error(`unknown layer '${name}' (${Object.keys(layers).join(', ')})`); process.exit(2); }
if (chosen.some((name) => name !== 'unit')) ensureSystemPackages('test');

const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) { console.error('build failed'); process.exit(1); }

const statsDir = mkdtempSync(join(tmpdir(), 'session-lens-stats-'));
const results = [];
for (const name of chosen) {
  const statsFile = join(statsDir, `${name}.json`);
  console.log(`\n=== ${name} tests ===`);
  const started = Date.now();
  const run = spawnSync(process.execPath, layers[name], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SESSION_LENS_STATS_FILE: statsFile },
  });
  let stats;
  try { stats = JSON.parse(readFileSync(statsFile, 'utf8')); } catch { stats = undefined; }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!stats) {
    results.push({ name, ok: false, line: `${name}: runner exited ${run.status ?? run.signal} without reporting results (${seconds} s)` });
    continue;
  }
  const ok = run.status === 0 && stats.failures === 0 && stats.tests > 0;
  results.push({ name, ok, stats, line: `${name}: ${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped (${seconds} s)${run.status !== 0 && stats.failures === 0 ? ` — runner exited ${run.status}` : ''}` });
}
rmSync(statsDir, { recursive: true, force: true });

console.log('\n=== summary ===');
for (const r of results) console.log(r.line);
const total = (key) => results.reduce((sum, r) => sum + (r.stats?.[key] ?? 0), 0);
const failedLayers = results.filter((r) => !r.ok).length;
// The closing line CI reads: "N passed, N failed, N skipped". A layer that did not report counts as failed.
console.log(`tests: ${total('passes')} passed, ${total('failures') + results.filter((r) => !r.stats).length} failed, ${total('pending')} skipped`);
process.exit(failedLayers === 0 ? 0 : 1);
