// `npm run bench`: every benchmark of the project in one report (bench-report.md and bench-report.json):
// the areas' bench/*.bench.ts (Redis listing, in-process listing, lint, ...), bundle size per entry point,
// VSIX size, and the extension's activation time in the real host (median of several runs).
//   --quick      smaller sizes and fewer runs (what CI runs)
//   --only AREA  only the areas whose file name contains AREA; `package` and `host` name the packaging and
//                activation parts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchRow } from '../bench/types';

const root = resolve(__dirname, '..');
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const quick = values.quick ?? false;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function areaRows(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const files = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.bench.ts') && (!values.only || f.includes(values.only))).sort();
  for (const file of files) {
    console.log(`[bench] ${file}…`);
    try {
      const mod = (await import(join(root, 'bench', file))) as { run(o: { quick: boolean }): Promise<BenchRow[]> };
      rows.push(...(await mod.run({ quick })));
    } catch (err) {
      console.error(`[bench] ${file} failed: ${(err as Error).stack ?? String(err)}`);
      process.exitCode = 1;
    }
  }
  return rows;
}

function packagingRows(): BenchRow[] {
  execFileSync('npm', ['run', '-s', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const rows: BenchRow[] = [];
  const activation = statSync(join(root, 'dist/extension.js')).size;
  rows.push({ area: 'package', name: 'activation bundle dist/extension.js (minified)', value: activation, unit: 'bytes', target: '<= 150 KB', met: activation <= 150 * 1024 });
  for (const file of readdirSync(join(root, 'dist/features')).filter((f) => f.endsWith('.js')).sort()) {
    rows.push({ area: 'package', name: `feature bundle dist/features/${file} (minified, loaded on first use)`, value: statSync(join(root, 'dist/features', file)).size, unit: 'bytes' });
  }
  rows.push({ area: 'package', name: 'CLI dist/cli.js (minified)', value: statSync(join(root, 'dist/cli.js')).size, unit: 'bytes' });
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const vsix = join(root, `session-lens-${version}.vsix`);
  const size = statSync(vsix).size;
  rows.push({ area: 'package', name: 'VSIX size', value: size, unit: 'bytes', target: '< 1.5 MB', met: size < 1.5 * 1024 * 1024 });
  return rows;
}

/**
 * Activation in code-server, in a workspace without session code: Session Lens next to an empty extension
 * activated in the same host (which of the two goes first alternates from host to host), over several hosts
 * (the medians, and the spread of each); and the heap each adds to the extension host (garbage collected
 * before and after).
 */
function activationRows(): BenchRow[] {
  const runs = quick ? 10 : 16;
  interface Run { ms: number; baselineMs: number; heapAdded: number; baselineHeapAdded: number; heapAfter: number }
  const done: Run[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'session-lens-activation-'));
  for (let i = 0; i < runs; i++) {
    const file = join(dir, `run-${i}.json`);
    const order = i % 2 === 0 ? 'baseline-first' : 'session-lens-first';
    const r = spawnSync(process.execPath, ['test/host/run-code-server.mjs', '--no-build', '--baseline-extension', '--plain-workspace', '--grep', 'activation'], {
      cwd: root, stdio: 'ignore', env: { ...process.env, SESSION_LENS_ACTIVATION_FILE: file, SESSION_LENS_ACTIVATION_ORDER: order },
    });
    if (existsSync(file)) {
      const run = JSON.parse(readFileSync(file, 'utf8')) as Partial<Run>;
      if (run.ms !== undefined && run.baselineMs !== undefined) done.push(run as Run);
    } else {
      console.error(`[bench] activation run ${i + 1} wrote no timing (exit ${r.status})`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (!done.length) { console.error('[bench] activation: no host run succeeded'); process.exitCode = 1; return []; }
  const ms = done.map((r) => r.ms);
  const baselineMs = done.map((r) => r.baselineMs);
  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} ms`;
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 100) / 100;
  return [
    {
      area: 'host',
      name: `activation in code-server, workspace without session code (median of ${done.length} hosts, order alternating; spread ${spread(ms)}, empty extension ${spread(baselineMs)})`,
      value: median(ms),
      unit: 'ms',
      baseline: { name: 'an empty extension', value: median(baselineMs) },
      target: '<= 1.2x empty extension',
      met: median(ms) <= 1.2 * median(baselineMs),
    },
    {
      area: 'host',
      name: `extension host heap added by activation, workspace without session code (median; host heap after both: ${mb(median(done.map((r) => r.heapAfter)))} MB)`,
      value: mb(median(done.map((r) => r.heapAdded))),
      unit: 'MB',
      baseline: { name: 'added by the empty extension', value: mb(median(done.map((r) => r.baselineHeapAdded))) },
    },
  ];
}

function formatValue(row: { value: number; unit: string }): string {
  if (row.unit === 'bytes') return row.value >= 1024 * 1024 ? `${(row.value / 1024 / 1024).toFixed(2)} MB` : `${(row.value / 1024).toFixed(1)} KB`;
  if (row.unit === 'ms') return `${row.value.toFixed(row.value < 10 ? 2 : 1)} ms`;
  return `${Number.isInteger(row.value) ? row.value : row.value.toFixed(2)} ${row.unit}`;
}

async function main(): Promise<void> {
  const rows = await areaRows();
  const wanted = (part: string) => !values.only || part.includes(values.only);
  if (wanted('package')) rows.push(...packagingRows());
  else if (wanted('host')) execFileSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (wanted('host')) rows.push(...activationRows());
  // The development build again (source maps), as the other scripts leave it.
  if (wanted('package') || wanted('host')) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const lines = [
    `# Session Lens benchmarks (${new Date().toISOString()}, ${quick ? 'quick' : 'full'} run, Node ${process.version})`,
    '',
    '| Area | Measure | Value | Baseline (same run) | Ratio | Aim | Met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const ratio = r.baseline && r.baseline.value > 0 ? `${(r.value / r.baseline.value).toFixed(2)}×` : '';
      const base = r.baseline ? `${r.baseline.name}: ${formatValue({ value: r.baseline.value, unit: r.unit })}` : '';
      const met = r.met === undefined ? '' : r.met ? 'yes' : 'no';
      return `| ${r.area} | ${r.name} | ${formatValue(r)} | ${base} | ${ratio} | ${r.target ?? ''} | ${met} |`;
    }),
    '',
  ];
  writeFileSync(join(root, 'bench-report.md'), lines.join('\n'));
  writeFileSync(join(root, 'bench-report.json'), JSON.stringify({ date: new Date().toISOString(), quick, rows }, null, 2));
  console.log(lines.join('\n'));
  console.log('[bench] report written to bench-report.md and bench-report.json');
}

void main();
