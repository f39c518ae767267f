// Fuzzes the session-config analyzer with the rule fixtures and mutations of them: lintSource and fixAll
// must never throw; a file that cannot be parsed is reported with a one-line reason. Fix all is its own target,
// so the report shows its time apart from a single lint.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixAll, lintSource } from '../../src/core/lint';
import type { FuzzTarget } from './types';

function fixtureSeeds(): string[] {
  const root = join(__dirname, '../fixtures/lint');
  const seeds: string[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(root, dir.name))) if (/\.[cm]?[jt]sx?$/.test(f)) seeds.push(readFileSync(join(root, dir.name, f), 'utf8'));
  }
  return seeds;
}

const extraSeeds = [
  "import s from 'express-session'; app.use(s({ ...a, ...{ secret: 'x', cookie: { ...b, secure: c ? d : e } } }))",
  "const o = { cookie: {} }; o.cookie.secure = o; o.cookie = o.cookie.secure; app.use(require('express-session')(o))",
  'const a = b; const b = a; session({ secret: a, genid: a })',
  "x = require('express-session'); x(x(x({ secret: x })))",
  "res.setHeader('Set-Cookie', [`sid=${'a'}`, 'token=1; Secure', ...more])",
];

const FILE_NAMES = ['a.js', 'a.tsx', 'a.cts'];
const ALL_RULES = { rules: { 'cookie-no-domain': 'info', 'cookie-no-path': 'info', 'secret-no-rotation': 'info' } } as const;

/** Each input is linted as one of the file kinds (chosen by its length), so every kind gets its share. */
function fileNameFor(input: string): string {
  return FILE_NAMES[input.length % FILE_NAMES.length];
}

const seeds = [...fixtureSeeds(), ...extraSeeds];

// Loads the parser once here, so its one-time load is not reported as the first input's time.
lintSource(extraSeeds[0], 'warm-up.js');

export const targets: FuzzTarget[] = [
  {
    name: 'lint: analyzer',
    seeds,
    run(input: string) {
      const result = lintSource(input, fileNameFor(input), ALL_RULES);
      if (result.parseError) return { rejected: result.parseError.split('\n')[0] };
      // Fixes are built when read; build them all, so the fuzzer runs every fix builder too.
      let fixes = 0;
      for (const f of result.findings) fixes += f.fixes.length;
      return { findings: result.findings.length, fixes };
    },
  },
  {
    name: 'lint: fix all',
    seeds,
    run(input: string) {
      const fixed = fixAll(input, fileNameFor(input), ALL_RULES);
      return { applied: fixed.applied };
    },
  },
];
