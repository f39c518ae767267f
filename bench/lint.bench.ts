// Lint time next to the parse-only time of @babel/parser (with the analyzer's own options) on the same inputs,
// in the same run, measured alternately (parse, lint, parse, lint, ...) so that load from other processes hits
// both alike; each row keeps the best run of each.
// - a dense 3,000-line file: a session setup, a login handler and a cookie call every 12 lines (worst case);
// - a typical 3,000-line file with session code: one session setup, login/logout routes and cookie calls at the
//   top, ordinary application code below;
// - a workspace of 200 dense files (and of 2,000 in the full run), and a workspace of 2,000 files of which 1 in
//   10 has session code (the others are skipped by the text pre-check before parsing; the baseline still parses
//   every file);
// - typing latency: the time from the last edit of a typical file to its published findings, through the
//   editor's own debounce (LintScheduler) and lint, as the extension host runs it (core level: no VS Code).
import { performance } from 'node:perf_hooks';
import { lintSource } from '../src/core/lint';
import { parseSource } from '../src/core/lint/parse';
import { LintScheduler } from '../src/diagnostics/lintScheduler';
import type { BenchOptions, BenchRow } from './types';

const DENSE_CHUNK = `const session_N = require('express-session');
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

const TYPICAL_HEADER = `import express from 'express';
import session from 'express-session';
import cookieParser from 'cookie-parser';
import { createClient } from 'redis';
import RedisStore from 'connect-redis';

const app = express();
const isProduction = process.env.NODE_ENV === 'production';
const redisClient = createClient({ url: process.env.REDIS_URL });
app.use(cookieParser(process.env.COOKIE_SECRET));
app.use(session({
  store: new RedisStore({ client: redisClient }),
  secret: process.env.SESSION_SECRET || 'dev-secret',
  resave: false,
  saveUninitialized: true,
  cookie: { secure: isProduction, sameSite: 'lax' },
}));

app.post('/login', async (req, res, next) => {
  const user = await users.verify(req.body.email, req.body.password);
  if (!user) return res.status(401).json({ error: 'invalid credentials' });
  req.session.userId = user.id;
  res.cookie('remember_token', user.rememberToken, { maxAge: 30 * 24 * 3600 * 1000 });
  res.json({ ok: true });
});

app.post('/logout', (req, res) => {
  res.clearCookie('remember_token');
  res.redirect('/');
});
`;

/** Ordinary application code: no session library, no cookies. */
const TYPICAL_CHUNK = `export class Repository_N {
  constructor(db, options = {}) {
    this.db = db;
    this.table = options.table ?? 'items_N';
    this.cache = new Map();
  }

  async find(id) {
    if (this.cache.has(id)) return this.cache.get(id);
    const rows = await this.db.query(\`SELECT * FROM \${this.table} WHERE id = $1\`, [id]);
    const item = rows[0] ? { ...rows[0], loadedAt: Date.now() } : null;
    this.cache.set(id, item);
    return item;
  }

  async list({ limit = 20, offset = 0, sort = 'created_at' } = {}) {
    const rows = await this.db.query(\`SELECT * FROM \${this.table} ORDER BY \${sort} LIMIT $1 OFFSET $2\`, [limit, offset]);
    return rows.map((row) => ({ id: row.id, name: row.name.trim(), tags: (row.tags || '').split(',').filter(Boolean) }));
  }
}

export function summarize_N(items) {
  const totals = { count: 0, sum: 0, byTag: {} };
  for (const item of items) {
    totals.count += 1;
    totals.sum += Number(item.price) || 0;
    for (const tag of item.tags) totals.byTag[tag] = (totals.byTag[tag] || 0) + 1;
  }
  try {
    return { ...totals, average: totals.count ? totals.sum / totals.count : 0 };
  } catch (err) {
    console.error('summary failed', err);
    return totals;
  }
}

app.get('/api/items_N/:id', async (req, res) => {
  const item = await new Repository_N(db).find(req.params.id);
  if (!item) return res.status(404).json({ error: 'not found' });
  res.json(item);
});
`;

function repeat(chunk: string, lines: number, seed: number, header = ''): string {
  const perChunk = chunk.split('\n').length - 1;
  let out = header;
  for (let i = 0; out.split('\n').length < lines && i < Math.ceil(lines / perChunk) + 1; i++) out += chunk.replace(/_N/g, `_${seed}_${i}`);
  return out;
}

/** Runs `a` and `b` alternately `repeat` times (after one warm-up each); the best time of each. */
function timePair(a: () => void, b: () => void, repeatCount: number): [number, number] {
  a();
  b();
  let bestA = Infinity;
  let bestB = Infinity;
  for (let i = 0; i < repeatCount; i++) {
    let start = performance.now();
    a();
    bestA = Math.min(bestA, performance.now() - start);
    start = performance.now();
    b();
    bestB = Math.min(bestB, performance.now() - start);
  }
  return [bestA, bestB];
}

function ratioRow(name: string, lint: number, parse: number, target: string, met: boolean): BenchRow {
  return { area: 'lint', name, value: round(lint), unit: 'ms', baseline: { name: '@babel/parser parse only', value: round(parse) }, target, met };
}

/** Types `keystrokes` characters 30 ms apart into `text`, then pauses; resolves with ms from the last edit to the result. */
function typingLatency(text: string, keystrokes: number): Promise<number> {
  const scheduler = new LintScheduler<string>();
  const insertAt = text.indexOf('app.post(');
  return new Promise((resolve) => {
    let current = text;
    let lastEdit = 0;
    let typed = 0;
    const lint = () => {
      const started = performance.now();
      lintSource(current, 'typing.js');
      scheduler.recordDuration('doc', performance.now() - started);
      if (typed === keystrokes) { scheduler.dispose(); resolve(performance.now() - lastEdit); }
    };
    const type = () => {
      current = `${current.slice(0, insertAt)}x${current.slice(insertAt)}`;
      typed++;
      lastEdit = performance.now();
      scheduler.schedule('doc', lint);
      if (typed < keystrokes) setTimeout(type, 30);
    };
    type();
  });
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const lines = options.quick ? 1000 : 3000;
  const runs = options.quick ? 3 : 10;

  const dense = repeat(DENSE_CHUNK, lines, 0);
  const [parseDense, lintDense] = timePair(() => parseSource(dense, 'dense.js'), () => lintSource(dense, 'dense.js'), runs);
  rows.push(ratioRow(`lint one dense ${dense.split('\n').length}-line file (${lintSource(dense, 'dense.js').findings.length} findings)`, lintDense, parseDense, '<= 1.5x parse', lintDense <= 1.5 * parseDense));

  const typical = repeat(TYPICAL_CHUNK, lines, 0, TYPICAL_HEADER);
  const [parseTypical, lintTypical] = timePair(() => parseSource(typical, 'typical.js'), () => lintSource(typical, 'typical.js'), runs);
  rows.push(ratioRow(`lint one typical ${typical.split('\n').length}-line file with session code (${lintSource(typical, 'typical.js').findings.length} findings)`, lintTypical, parseTypical, '<= 1.5x parse, < 100 ms', lintTypical <= 1.5 * parseTypical && lintTypical < 100));

  // The aim: a workspace of 200 dense files within 2x parse-only (both runs); the full run also times 2,000.
  const count = options.quick ? 200 : 2000;
  const files = Array.from({ length: count }, (_, i) => repeat(DENSE_CHUNK, 40 + (i % 5) * 20, i + 1));
  const workspace = (n: number) => files.slice(0, n);
  const [parse200, lint200] = timePair(
    () => { for (const [i, f] of workspace(200).entries()) parseSource(f, `f${i}.js`); },
    () => { for (const [i, f] of workspace(200).entries()) lintSource(f, `f${i}.js`); },
    5,
  );
  rows.push(ratioRow('lint a workspace of 200 dense files', lint200, parse200, '<= 2x parse', lint200 <= 2 * parse200));
  if (!options.quick) {
    const [parseAll, lintAll] = timePair(
      () => { for (const [i, f] of files.entries()) parseSource(f, `f${i}.js`); },
      () => { for (const [i, f] of files.entries()) lintSource(f, `f${i}.js`); },
      3,
    );
    rows.push(ratioRow(`lint a workspace of ${count} dense files`, lintAll, parseAll, '<= 2x parse', lintAll <= 2 * parseAll));
  }

  const mixed = Array.from({ length: count }, (_, i) => (i % 10 === 0 ? repeat(TYPICAL_CHUNK, 40 + (i % 5) * 20, i, TYPICAL_HEADER) : repeat(TYPICAL_CHUNK, 40 + (i % 5) * 20, i)));
  const [parseMixed, lintMixed] = timePair(
    () => { for (const [i, f] of mixed.entries()) parseSource(f, `m${i}.js`); },
    () => { for (const [i, f] of mixed.entries()) lintSource(f, `m${i}.js`); },
    options.quick ? 1 : 3,
  );
  rows.push(ratioRow(`lint a workspace of ${count} files, 1 in 10 with session code (text pre-check skips the rest)`, lintMixed, parseMixed, '<= 1.5x parse', lintMixed <= 1.5 * parseMixed));

  const latencies: number[] = [];
  for (let i = 0; i < (options.quick ? 2 : 5); i++) latencies.push(await typingLatency(typical, 10));
  const latency = Math.min(...latencies);
  rows.push({ area: 'lint', name: `last keystroke to findings, typical ${typical.split('\n').length}-line file (debounce + lint, best of ${latencies.length})`, value: round(latency), unit: 'ms', target: '< 100 ms', met: latency < 100 });
  const denseLatency = await typingLatency(dense, 5);
  rows.push({ area: 'lint', name: `last keystroke to findings, dense ${dense.split('\n').length}-line file (debounce stretched to 2x lint time)`, value: round(denseLatency), unit: 'ms', target: '< 100 ms', met: denseLatency < 100 });

  for (const row of rows) {
    const ratio = row.baseline ? ` vs ${row.baseline.name} ${row.baseline.value} ms (ratio ${(row.value / row.baseline.value).toFixed(2)}x)` : '';
    console.log(`${row.name}: ${row.value} ms${ratio}`);
  }
  return rows;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
