// The seeded fuzz corpus as part of `npm test`: no exception escapes any parser, every reason is one line.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fuzz, mutate, prng, showInput } from '../fuzz/engine';
import type { FuzzTarget } from '../fuzz/types';

const dir = join(__dirname, '../fuzz');
const files = readdirSync(dir).filter((f) => f.endsWith('.fuzz.ts')).sort();

describe('fuzz engine', () => {
  it('is deterministic for a seed and reports an escaping exception or rejection with its input', async () => {
    const a = prng(7); const b = prng(7);
    assert.deepEqual([a(), a(), a()], [b(), b(), b()]);
    const r1 = prng(3); const r2 = prng(3);
    assert.equal(mutate('s:abc.def', r1, ['x']), mutate('s:abc.def', r2, ['x']));
    const fragile: FuzzTarget = { name: 'fragile', seeds: ['ok'], run: (s) => { if (s !== 'ok') throw new Error('boom'); return null; } };
    const report = await fuzz(fragile, { seed: 1, iterations: 20 });
    assert.equal(report.inputs, 21);
    assert.ok(report.escapes.length > 0);
    assert.equal(report.escapes[0].error, 'Error: boom');
    const multiline: FuzzTarget = { name: 'multi', seeds: ['x'], run: () => ({ error: 'line one\nline two' }) };
    assert.equal((await fuzz(multiline, { seed: 1, iterations: 0 })).badReasons.length, 1);
    const rejecting: FuzzTarget = { name: 'async', seeds: ['x'], run: async () => { throw new Error('later'); } };
    assert.equal((await fuzz(rejecting, { seed: 1, iterations: 2 })).escapes.length, 3);
  });
});

describe('fuzz corpus (seeded)', function () {
  this.timeout(120_000);
  for (const file of files) {
    it(`${file}: no exception escapes and every reason is one line`, async () => {
      // mocha runs through tsx's CommonJS hook, where import() of a .ts file is not resolved.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { targets } = require(join(dir, file)) as { targets: FuzzTarget[] };
      assert.ok(targets.length > 0, `${file} exports targets`);
      for (const target of targets) {
        const report = await fuzz(target, { seed: 1, iterations: 300, maxMs: 15_000 });
        assert.deepEqual(report.escapes.slice(0, 3).map((e) => `${e.error} on ${showInput(e.input)}`), [], `${target.name}: exceptions escaped`);
        assert.deepEqual(report.badReasons.slice(0, 3), [], `${target.name}: multi-line reasons`);
      }
    });
  }
});
