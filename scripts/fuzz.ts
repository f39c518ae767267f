// `npm run fuzz`: every fuzz target of test/fuzz/*.fuzz.ts under seeded random mutations.
//   --seed N (default 1), --iterations N per target (default 2000), --seconds N per target (default 30),
//   --only NAME (targets whose name contains NAME). Exit 1 when any exception escapes.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fuzz, showInput } from '../test/fuzz/engine';
import type { FuzzTarget } from '../test/fuzz/types';

const { values } = parseArgs({ options: {
  seed: { type: 'string', default: '1' },
  iterations: { type: 'string', default: '2000' },
  seconds: { type: 'string', default: '30' },
  only: { type: 'string' },
} });

export async function loadTargets(): Promise<FuzzTarget[]> {
  const dir = resolve(__dirname, '../test/fuzz');
  const targets: FuzzTarget[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.fuzz.ts')).sort()) {
    const mod = (await import(join(dir, file))) as { targets?: FuzzTarget[] };
    targets.push(...(mod.targets ?? []));
  }
  return targets;
}

async function main(): Promise<number> {
  const targets = (await loadTargets()).filter((t) => !values.only || t.name.includes(values.only));
  let escapes = 0;
  let total = 0;
  let slowest = { target: '', input: '', ms: -1 };
  for (const target of targets) {
    const report = await fuzz(target, { seed: Number(values.seed), iterations: Number(values.iterations), maxMs: Number(values.seconds) * 1000 });
    total += report.inputs;
    escapes += report.escapes.length + report.badReasons.length;
    if (report.slowest.ms > slowest.ms) slowest = { target: target.name, ...report.slowest };
    console.log(`${target.name}: ${report.inputs} inputs, ${report.escapes.length} escaped, slowest ${report.slowest.ms.toFixed(2)} ms ${showInput(report.slowest.input, 60)}`);
    for (const e of report.escapes.slice(0, 5)) console.log(`  ESCAPED ${e.error} on ${showInput(e.input)}`);
    for (const b of report.badReasons.slice(0, 5)) console.log(`  MULTI-LINE REASON ${JSON.stringify(b.reason)} on ${showInput(b.input)}`);
  }
  console.log(`\nfuzz: ${targets.length} targets, ${total} inputs run, ${escapes} escapes; slowest input ${slowest.ms.toFixed(2)} ms in ${slowest.target}: ${showInput(slowest.input)} (aim: under 50 ms)`);
  return escapes === 0 && targets.length > 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => { console.error(err); process.exit(1); });
