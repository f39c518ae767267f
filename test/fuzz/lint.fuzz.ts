// Fuzzes the session-config analyzer with the rule fixtures and mutations of them: lintSource and fixAll
// must never throw; a file that cannot be parsed is reported with a one-line reason.
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

export const targets: FuzzTarget[] = [
  {
    name: 'lint: analyzer',
    seeds: [...fixtureSeeds(), ...extraSeeds],
    run(input: string) {
      const results = ['a.js', 'a.tsx', 'a.cts'].map((name) => lintSource(input, name, { rules: { 'cookie-no-domain': 'info', 'cookie-no-path': 'info', 'secret-no-rotation': 'info' } }));
      const parseError = results.find((r) => r.parseError)?.parseError;
      if (parseError) return { rejected: parseError.split('\n')[0] };
      if (input.length < 4000) fixAll(input, 'a.js');
      return { findings: results[0].findings.length };
    },
  },
];
