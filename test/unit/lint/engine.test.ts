// The analyzer's machinery behind the rules: the child-key table, on-demand parents, the text pre-check, fix all
// in rounds, the editor's debounce, and inputs that used to make regular expressions backtrack for seconds.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as babelTypes from '@babel/types';
import type * as t from '@babel/types';
import { Finding, IgnoreRules, fixAll, lintSource } from '../../../src/core/lint';
import { analyzeSource } from '../../../src/core/lint/analyze';
import { ParentFinder, isNode, walk } from '../../../src/core/lint/ast';
import { FileModel } from '../../../src/core/lint/model';
import { parseSource } from '../../../src/core/lint/parse';
import { mayConcernSessions } from '../../../src/core/lint/precheck';
import { CHILD_KEYS, SKIPPED_KEYS } from '../../../src/core/lint/visitorKeys';
import { MAX_DEBOUNCE_MS, MIN_DEBOUNCE_MS, debounceFor } from '../../../src/diagnostics/lintScheduler';
import { FIXTURES, assertParses, optionsFor } from './helpers';

function fixtureFiles(): string[] {
  return readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(FIXTURES, d.name)).filter((f) => /\.[cm]?[jt]sx?$/.test(f)).map((f) => join(FIXTURES, d.name, f)));
}

describe('lint engine', () => {
  it('the child-key table is @babel/types VISITOR_KEYS without the type-annotation keys', () => {
    const expected = Object.fromEntries(Object.entries(babelTypes.VISITOR_KEYS).map(([type, keys]) => [type, keys.filter((k) => !SKIPPED_KEYS.has(k))]));
    assert.deepEqual(CHILD_KEYS, expected, 'regenerate src/core/lint/visitorKeys.ts from @babel/types');
  });

  it('the table walk reaches every node a walk over all own keys reaches, and parents found on demand are the real ones', () => {
    for (const file of fixtureFiles()) {
      const ast = parseSource(readFileSync(file, 'utf8'), file);
      const parents = new Map<t.Node, t.Node>();
      const stack: t.Node[] = [ast.program];
      while (stack.length > 0) {
        const node = stack.pop() as t.Node;
        for (const [key, value] of Object.entries(node)) {
          if (SKIPPED_KEYS.has(key)) continue;
          for (const child of Array.isArray(value) ? value : [value]) if (isNode(child)) { parents.set(child, node); stack.push(child); }
        }
      }
      let walked = 0;
      walk(ast.program, () => { walked++; });
      assert.equal(walked, parents.size + 1, file);
      const finder = new ParentFinder(ast.program);
      for (const [child, parent] of parents) assert.equal(finder.get(child), parent, `${file}: parent of ${child.type} at ${child.start}`);
      assert.equal(finder.get(ast.program), undefined);
    }
  });

  it('parents of nodes in long statement lists and of empty nodes are found without a full walk', () => {
    const source = Array.from({ length: 300 }, (_, i) => `const v${i} = [${i}, , f(${i})];`).join('\n');
    const ast = parseSource(source, 'a.js');
    const finder = new ParentFinder(ast.program);
    const last = ast.program.body[299] as t.VariableDeclaration;
    const call = ((last.declarations[0].init as t.ArrayExpression).elements[2]) as t.CallExpression;
    assert.equal(finder.get(call.arguments[0]), call);
    assert.equal(finder.get(call), last.declarations[0].init);
    assert.equal(finder.get(last), ast.program);
    assert.equal((finder as unknown as { complete: boolean }).complete, false);
  });

  it('the text pre-check never hides a finding: fixtures with the trigger words neutralized have none', () => {
    for (const file of fixtureFiles()) {
      const source = readFileSync(file, 'utf8');
      // Fixes are built on first read: read them, so they are compared too.
      const withFixes = (findings: Finding[]) => findings.map((f) => ({ ...f, fixes: f.fixes }));
      assert.deepEqual(withFixes(lintSource(source, file, optionsFor(file)).findings), withFixes(analyzeSource(source, file, optionsFor(file)).findings), file);
      if (/\\[ux0-7\r\n]/.test(source)) continue;
      const neutral = source.replace(/session/g, 'xxxxxxx').replace(/cookie/gi, 'yyyyyy').replace(/koa/g, 'zzz').replace(/csurf/g, 'wwwww').replace(/trust proxy/g, 'ttttt ppppp')
        .replace(/passport/g, 'pppppppp').replace(/\.log([iI]n|[oO]ut)\(/g, '.log$1_(');
      assert.equal(mayConcernSessions(neutral), false, file);
      assert.deepEqual(analyzeSource(neutral, file, optionsFor(file)).findings.map((f) => `${f.rule}:${f.line}`), [], file);
    }
  });

  it('builds a finding\'s fixes when first read, keeps them, and writes them to JSON', () => {
    const source = "const session = require('express-session');\napp.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));\n";
    const finding = lintSource(source, 'a.js').findings.find((f) => f.rule === 'hardcoded-secret');
    assert.ok(finding);
    assert.deepEqual(Object.keys(finding).includes('fixes'), false, 'fixes are not built while linting');
    const fixes = finding.fixes;
    assert.equal(finding.fixes, fixes, 'built once');
    const start = source.indexOf("'keyboard cat'");
    assert.deepEqual(fixes.map((f) => f.edits), [[{ start, end: start + "'keyboard cat'".length, text: 'process.env.SESSION_SECRET' }]]);
    assert.deepEqual((JSON.parse(JSON.stringify(finding)) as Finding).fixes, fixes);
  });

  it('files without session code are not parsed: no findings and no parse error', () => {
    assert.deepEqual(lintSource('const x = ;\nfunction (', 'a.js'), { findings: [] });
    assert.ok(lintSource("require('express-sess\\u0069on')({ secret: 'keyboard cat' });", 'a.js').findings.some((f) => f.rule === 'hardcoded-secret'), 'escapes still analyzed');
  });

  it('the model answers the same questions repeatedly from its caches', () => {
    const source = "const session = require('express-session');\nconst o = { secret: 'x', cookie: { secure: false } };\nif (p) o.cookie.secure = true;\napp.use(session(o));\n";
    const model = new FileModel(source, parseSource(source, 'a.js'), 'a.js', {});
    const [site] = model.sites;
    assert.equal(site.cookie?.value('secure')?.k, 'multi');
    assert.equal(site.cookie?.value('secure'), site.cookie?.value('secure'));
    assert.equal(site.cookie?.get('secure')?.assigned.length, 1);
  });

  it('fix all handles many session setups in few rounds and one setup\'s conflicting fixes one at a time', () => {
    const setups = Array.from({ length: 30 }, (_, i) => `app.use(session({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789-${i}', cookie: { httpOnly: false } }));`).join('\n');
    const source = `const session = require('express-session');\n${setups}\n`;
    const fixed = fixAll(source, 'a.js');
    assertParses(fixed.source, 'a.js');
    assert.equal(lintSource(fixed.source, 'a.js').findings.filter((f) => f.fixes.some((x) => x.safe)).length, 0, fixed.source);
    const misplaced = "const session = require('express-session');\napp.use(session({ secret: process.env.S, resave: false, saveUninitialized: false, httpOnly: true, maxAge: 1000, sameSite: 'lax' }));\n";
    const once = fixAll(misplaced, 'a.js', {}, (rule) => rule === 'misplaced-cookie-option');
    assertParses(once.source, 'a.js');
    assert.equal((once.source.match(/cookie:/g) ?? []).length, 1, once.source);
    assert.deepEqual(lintSource(once.source, 'a.js').findings.filter((f) => f.rule === 'misplaced-cookie-option'), []);
  });

  it('debounce: 50 ms after a pause in typing, stretched to twice the last lint time, at most 500 ms', () => {
    assert.equal(debounceFor(undefined), MIN_DEBOUNCE_MS);
    assert.equal(debounceFor(5), 50);
    assert.equal(debounceFor(80), 160);
    assert.equal(debounceFor(10_000), MAX_DEBOUNCE_MS);
  });
});

// Each of these inputs took from a third of a second to over 30 seconds with the previous regular expressions;
// linear matching finishes them well inside mocha's timeout.
describe('lint inputs that made regular expressions backtrack', () => {
  it('.gitignore: long whitespace runs, many `*` and many `**/`', () => {
    const rules = new IgnoreRules();
    rules.add('', `a${' '.repeat(50_000)}b\n*a*a*a*a*a*a*a*b\n**/**/**/**/**/**/x\nkeep\\ \nbuild/\n*.generated.js\n/rooted.js\n!important.generated.js\nlog[0-9].txt\nfile?.md\n`);
    assert.equal(rules.ignores('a'.repeat(5000), false), false);
    assert.equal(rules.ignores('/'.repeat(5000), false), false);
    assert.equal(rules.ignores('aaaaaaab', false), true);
    assert.equal(rules.ignores('q/w/e/x', false), true);
    assert.equal(rules.ignores('keep ', false), true);
    assert.equal(rules.ignores('keep', false), false);
    assert.equal(rules.ignores('src/build', true), true);
    assert.equal(rules.ignores('src/build', false), false);
    assert.equal(rules.ignores('src/x.generated.js', false), true);
    assert.equal(rules.ignores('src/important.generated.js', false), false);
    assert.equal(rules.ignores('rooted.js', false), true);
    assert.equal(rules.ignores('src/rooted.js', false), false);
    assert.equal(rules.ignores('logs/log7.txt', false), true);
    assert.equal(rules.ignores('log77.txt', false), false);
    assert.equal(rules.ignores('file1.md', false), true);
    const nested = new IgnoreRules();
    nested.add('pkg', 'dist/\n/local.js\n');
    assert.equal(nested.ignores('pkg/a/dist', true), true);
    assert.equal(nested.ignores('pkg/local.js', false), true);
    assert.equal(nested.ignores('pkg/a/local.js', false), false);
    assert.equal(nested.ignores('other/dist', true), false);
  });

  it('a .env.example of blank lines and a package.json version of many digits', () => {
    const source = "const session = require('express-session');\napp.use(session({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789' }));\n";
    const finding = lintSource(source, 'a.js', { environment: { envExample: { path: '/p/.env.example', text: '\n'.repeat(100_000) } } }).findings.find((f) => f.rule === 'hardcoded-secret');
    assert.equal(finding?.fixes[0].otherFiles?.[0].edits[0].text, 'SESSION_SECRET=\n');
    const login = "const session = require('express-session');\napp.post('/login', (req, res) => { req.session.user = u; res.end(); });\n";
    const deps = { passport: '1'.repeat(100_000), 'express-session': '^1.18.0' };
    assert.ok(lintSource(login, 'a.js', { environment: { dependencies: deps } }).findings.some((f) => f.rule === 'session-fixation'));
    assert.ok(!lintSource(login.replace('req.session.user = u;', "req.login(u, () => {}); req.session.user = u;"), 'a.js', { environment: { dependencies: { passport: '^0.7.0' } } }).findings.some((f) => f.rule === 'session-fixation'));
  });

  it('a line of thousands of recoverable syntax errors parses without building their stack traces', () => {
    const source = `const session = require('express-session');\nconst s${'Fe26.2*'.repeat(3000)};\napp.use(session({ secret: 'keyboard cat' }));\n`;
    const before = Error.stackTraceLimit;
    const result = lintSource(source, 'a.js');
    assert.equal(Error.stackTraceLimit, before, 'the limit is restored');
    assert.ok(result.findings.some((f) => f.rule === 'weak-secret'));
  });
});
