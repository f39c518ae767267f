// Lint time next to the parse-only time of @babel/parser (with the analyzer's own options) on the same inputs,
// in the same run:
// one generated 3,000-line file, and a generated workspace of 2,000 files.
import { performance } from 'node:perf_hooks';
import { lintSource } from '../src/core/lint';
import { parseSource } from '../src/core/lint/parse';
import type { BenchOptions, BenchRow } from './types';

const CHUNK = `const session_N = require('express-session');
const cookieParser_N = require('cookie-parser');
const options_N = { secret: process.env.S || 'fallback-N', resave: false, cookie: { secure: false, maxAge: 1000 * 60 * 60 } };
if (process.env.NODE_ENV === 'production') { options_N.cookie.secure = true; }
app.use(session_N(options_N));
app.post('/login', (req, res) => { req.session.user = req.body.user; res.redirect('/'); });
function helper_N(a, b) {
  const list = [a, b, 1, 2, 3].map((x) => x * 2).filter(Boolean);
  for (const item of list) { if (item > 3) { console.log(item); } else { total += item; } }
  return { list, total: list.reduce((s, x) => s + x, 0) };
}
res.cookie('token_N', value, { httpOnly: true });
`;

/** A file of about `lines` lines mixing session setup with ordinary code. */
function generateFile(lines: number, seed: number): string {
  const perChunk = CHUNK.split('\n').length - 1;
  let out = '';
  for (let i = 0; i < Math.ceil(lines / perChunk); i++) out += CHUNK.replace(/_N/g, `_${seed}_${i}`);
  return out;
}

function time(fn: () => void, repeat: number): number {
  fn();
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    fn();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const big = generateFile(options.quick ? 1000 : 3000, 0);
  const lines = big.split('\n').length;
  const parseBig = time(() => parseSource(big, 'big.js'), options.quick ? 3 : 10);
  const lintBig = time(() => lintSource(big, 'big.js'), options.quick ? 3 : 10);
  rows.push({ area: 'lint', name: `lint one ${lines}-line file`, value: round(lintBig), unit: 'ms', baseline: { name: '@babel/parser parse only', value: round(parseBig) }, target: '<= 1.5x parse, < 100 ms', met: lintBig <= 1.5 * parseBig && lintBig < 100 });

  const count = options.quick ? 200 : 2000;
  const files = Array.from({ length: count }, (_, i) => generateFile(40 + (i % 5) * 20, i + 1));
  const parseAll = time(() => { for (const [i, f] of files.entries()) parseSource(f, `f${i}.js`); }, options.quick ? 1 : 3);
  const lintAll = time(() => { for (const [i, f] of files.entries()) lintSource(f, `f${i}.js`); }, options.quick ? 1 : 3);
  rows.push({ area: 'lint', name: `lint a workspace of ${count} files`, value: round(lintAll), unit: 'ms', baseline: { name: '@babel/parser parse only', value: round(parseAll) }, target: '<= 1.5x parse', met: lintAll <= 1.5 * parseAll });
  for (const row of rows) console.log(`${row.name}: ${row.value} ms vs ${row.baseline?.name} ${row.baseline?.value} ms (ratio ${(row.value / (row.baseline?.value ?? 1)).toFixed(2)}x)`);
  return rows;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
