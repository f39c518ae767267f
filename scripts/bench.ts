// `npm run bench`: every benchmark of the project in one report (bench-report.md and bench-report.json):
// the areas' bench/*.bench.ts (Redis listing, in-process listing, lint, ...), bundle size per entry point,
// VSIX size, and the extension's activation time in the real host (median of several runs).
//   --quick      smaller sizes and fewer runs (what CI runs)
//   --only AREA  only the areas whose file name contains AREA (skips the packaging and host parts)
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
  for (const entry of ['dist/extension.js', 'dist/cli.js']) {
    rows.push({ area: 'package', name: `bundle ${entry} (minified)`, value: statSync(join(root, entry)).size, unit: 'bytes' });
  }
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const vsix = join(root, `session-lens-${version}.vsix`);
  const size = statSync(vsix).size;
  rows.push({ area: 'package', name: 'VSIX size', value: size, unit: 'bytes', target: '< 1.5 MB', met: size < 1.5 * 1024 * 1024 });
  return rows;
}

function activationRows(): BenchRow[] {
  const runs = quick ? 3 : 5;
  const times: number[] = [];
  const baselines: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'session-lens-activation-'));
  for (let i = 0; i < runs; i++) {
    const file = join(dir, `run-${i}.json`);
    const r = spawnSync(process.execPath, ['test/host/run-code-server.mjs', '--no-build', '--baseline-extension', '--grep', 'activation'], {
      cwd: root, stdio: 'ignore', env: { ...process.env, SESSION_LENS_ACTIVATION_FILE: file },
    });
    if (existsSync(file)) {
      const run = JSON.parse(readFileSync(file, 'utf8')) as { ms: number; baselineMs?: number };
      times.push(run.ms);
      if (run.baselineMs !== undefined) baselines.push(run.baselineMs);
    } else {
      console.error(`[bench] activation run ${i + 1} wrote no timing (exit ${r.status})`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  if (!times.length) { console.error('[bench] activation: no host run succeeded'); process.exitCode = 1; return []; }
  return [{
    area: 'host',
    name: `activation in code-server (median of ${times.length})`,
    value: median(times),
    unit: 'ms',
    ...(baselines.length ? { baseline: { name: 'an empty extension', value: median(baselines) } } : {}),
  }];
}

function formatValue(row: { value: number; unit: string }): string {
  if (row.unit === 'bytes') return row.value >= 1024 * 1024 ? `${(row.value / 1024 / 1024).toFixed(2)} MB` : `${(row.value / 1024).toFixed(1)} KB`;
  if (row.unit === 'ms') return `${row.value.toFixed(row.value < 10 ? 2 : 1)} ms`;
  return `${Number.isInteger(row.value) ? row.value : row.value.toFixed(2)} ${row.unit}`;
}

async function main(): Promise<void> {
  const rows = await areaRows();
  if (!values.only) {
    rows.push(...packagingRows());
    rows.push(...activationRows());
  }
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
