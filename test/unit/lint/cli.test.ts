import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lint } from '../../../src/cli/lint';
import { CliIo, UsageError } from '../../../src/cli/io';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readStdin: async () => '', env: {} };
  // As src/cli/main.ts does: usage errors (ours and parseArgs') become one line on stderr and exit 2.
  try {
    return { code: await lint(args, io), out, err };
  } catch (e) {
    const parseArgsError = String((e as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS');
    if (!(e instanceof UsageError) && !parseArgsError) throw e;
    return { code: 2, out, err: `session-lens: ${(e as Error).message}\n` };
  }
}

describe('session-lens lint (CLI)', () => {
  let dir: string;
  const insecure = "const session = require('express-session');\napp.use(session({ secret: 'keyboard cat' }));\n";
  const infoOnly = "const session = require('express-session');\nmodule.exports = (session({ secret: process.env.S, resave: false, saveUninitialized: false, store, cookie: { secure: process.env.NODE_ENV === 'production', maxAge: 1000 } }));\n";

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sl-lint-'));
    writeFileSync(join(dir, 'app.js'), insecure);
    writeFileSync(join(dir, 'info.ts'), infoOnly);
    mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'x', 'index.js'), insecure);
    mkdirSync(join(dir, 'build'));
    writeFileSync(join(dir, 'build', 'out.js'), insecure);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'kept.mjs'), insecure);
    writeFileSync(join(dir, 'src', 'skip.generated.js'), insecure);
    writeFileSync(join(dir, '.gitignore'), 'build/\n*.generated.js\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('--format json prints files with 1-based findings and fixes, exit 1 on errors', async () => {
    const { code, out } = await run(['--format', 'json', join(dir, 'app.js')]);
    assert.equal(code, 1);
    const json = JSON.parse(out) as { files: { path: string; findings: { rule: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number; fixes: unknown[] }[] }[] };
    assert.equal(json.files.length, 1);
    assert.match(json.files[0].path, /app\.js$/);
    const secret = json.files[0].findings.find((f) => f.rule === 'hardcoded-secret');
    assert.deepEqual(secret && { line: secret.line, column: secret.column, endLine: secret.endLine, endColumn: secret.endColumn, severity: secret.severity }, { line: 2, column: 27, endLine: 2, endColumn: 41, severity: 'error' });
    assert.equal(secret?.fixes.length, 1);
    assert.deepEqual(Object.keys(json.files[0].findings[0]), ['rule', 'severity', 'message', 'line', 'column', 'endLine', 'endColumn', 'fixes']);
  });

  it('walks directories, skipping node_modules and .gitignore\'d paths', async () => {
    const { out } = await run(['--format', 'json', dir]);
    const paths = (JSON.parse(out) as { files: { path: string }[] }).files.map((f) => f.path.split('/').slice(-2).join('/'));
    assert.deepEqual(paths.map((p) => p.replace(/^[^/]*sl-lint-[^/]*\//, '')).sort(), ['app.js', 'info.ts', 'src/kept.mjs']);
  });

  it('exit 0 when only info findings remain; --rule raises or silences a rule', async () => {
    const info = await run([join(dir, 'info.ts')]);
    assert.equal(info.code, 0, info.out);
    assert.match(info.out, /info /);
    const raised = await run(['--rule', 'cookie-samesite-missing=error', join(dir, 'info.ts')]);
    assert.equal(raised.code, 1);
    const silenced = await run(['--rule', 'hardcoded-secret=off', '--rule', 'weak-secret=off', '--rule', 'missing-secret=off', '--rule', 'memory-store=off', '--rule', 'cookie-secure-missing=off', join(dir, 'app.js')]);
    assert.equal(silenced.code, 0, silenced.out);
  });

  it('exit 2 with one line on bad usage', async () => {
    for (const args of [['--format', 'xml', dir], ['--rule', 'nope=error', dir], ['--rule', 'weak-secret=loud', dir], ['--rule', 'weak-secret', dir], [], ['--bogus', dir], [join(dir, 'missing.js')]]) {
      const { code, err } = await run(args);
      assert.equal(code, 2, `args ${args.join(' ')}`);
      assert.equal(err.trim().split('\n').length, 1);
    }
  });

  it('--format sarif is SARIF 2.1.0 with rules and results', async () => {
    const { out } = await run(['--format', 'sarif', join(dir, 'app.js')]);
    const sarif = JSON.parse(out) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].tool.driver.rules.some((r) => r.id === 'hardcoded-secret'));
    const result = sarif.runs[0].results.find((r) => r.ruleId === 'hardcoded-secret');
    assert.equal(result?.level, 'error');
    assert.equal(result?.locations[0].physicalLocation.region.startLine, 2);
  });

  it('--fix applies the safe fixes, writes .env.example, and reports what is left', async () => {
    writeFileSync(join(dir, 'package.json'), '{"dependencies":{"express-session":"^1.18.0"}}');
    writeFileSync(join(dir, '.env.example'), 'PORT=3000\n');
    const { code, out } = await run(['--fix', '--format', 'json', join(dir, 'app.js')]);
    const fixed = readFileSync(join(dir, 'app.js'), 'utf8');
    assert.match(fixed, /secret: process\.env\.SESSION_SECRET/);
    assert.equal(readFileSync(join(dir, '.env.example'), 'utf8'), 'PORT=3000\nSESSION_SECRET=\n');
    const rules = (JSON.parse(out) as { files: { findings: { rule: string }[] }[] }).files[0].findings.map((f) => f.rule);
    assert.equal(rules.includes('hardcoded-secret'), false);
    assert.equal(code, 1, 'memory-store has no mechanical fix and still warns');
  });

  it('reports findings of tests, fixtures and examples as info; --exclude skips files and folders', async () => {
    for (const sub of ['test', 'examples/basic', 'src/__tests__']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'test', 'app.js'), insecure);
    writeFileSync(join(dir, 'examples', 'basic', 'server.js'), insecure);
    writeFileSync(join(dir, 'src', 'login.spec.ts'), insecure);
    const severities = async (args: string[]) => {
      const { code, out } = await run(['--format', 'json', ...args, dir]);
      const files = (JSON.parse(out) as { files: { path: string; findings: { severity: string }[] }[] }).files;
      return { code, byPath: Object.fromEntries(files.map((f) => [f.path.replace(/^.*sl-lint-[^/]*\//, ''), [...new Set(f.findings.map((x) => x.severity))].sort().join(',')])) };
    };
    const all = await severities([]);
    assert.equal(all.byPath['app.js'], 'error,info,warning');
    for (const p of ['test/app.js', 'examples/basic/server.js', 'src/login.spec.ts']) assert.equal(all.byPath[p], 'info', p);
    const some = await severities(['--exclude', 'examples/**', '--exclude', '*.spec.ts', '--exclude', '/app.js']);
    assert.deepEqual(Object.keys(some.byPath).sort(), ['info.ts', 'src/kept.mjs', 'test/app.js']);
    const onlyTests = await severities(['--exclude', 'src', '--exclude', '*.{js,ts}', '--exclude', 'examples']);
    assert.deepEqual(Object.keys(onlyTests.byPath), [], 'every file excluded');
    assert.equal(onlyTests.code, 0);
  });

  it('reads passport\'s installed version from node_modules before its declared range', async () => {
    const login = "const session = require('express-session');\napp.post('/login', (req, res, next) => {\n  req.login(user, () => res.end());\n});\n";
    writeFileSync(join(dir, 'login.js'), login);
    writeFileSync(join(dir, 'package.json'), '{"dependencies":{"express-session":"^1.18.0","passport":"^0.5.0 || ^0.6.0"}}');
    const rules = async () => ((JSON.parse((await run(['--format', 'json', join(dir, 'login.js')])).out) as { files: { findings: { rule: string }[] }[] }).files[0].findings.map((f) => f.rule));
    assert.ok((await rules()).includes('session-fixation'), 'the range allows 0.5');
    mkdirSync(join(dir, 'node_modules', 'passport'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', 'passport', 'package.json'), '{"name":"passport","version":"0.6.0"}');
    assert.ok(!(await rules()).includes('session-fixation'), '0.6.0 is installed');
  });
});
