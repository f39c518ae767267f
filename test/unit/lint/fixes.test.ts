import assert from 'node:assert/strict';
import { fixAll, lintSource } from '../../../src/core/lint';
import { assertParses } from './helpers';

describe('lint fixes keep the file\'s style', () => {
  it('fix all: double quotes, no semicolons, 4-space indentation and trailing commas are kept', () => {
    const source = [
      'const session = require("express-session")',
      'app.use(session({',
      '    secret: "keyboard cat but long enough to not be weak!!",',
      '    cookie: {',
      '        httpOnly: false,',
      '    },',
      '}))',
      '',
    ].join('\n');
    const { source: fixed } = fixAll(source, 'app.js');
    assertParses(fixed, 'app.js');
    assert.equal(fixed, [
      'const session = require("express-session")',
      'app.use(session({',
      '    secret: process.env.SESSION_SECRET,',
      '    cookie: {',
      '        httpOnly: true,',
      '        secure: process.env.NODE_ENV === "production",',
      '        maxAge: 24 * 60 * 60 * 1000,',
      '        sameSite: "lax",',
      '    },',
      '    resave: false, saveUninitialized: false,',
      '}))',
      '',
    ].join('\n'));
    const left = lintSource(fixed, 'app.js').findings.map((f) => f.rule).sort();
    assert.deepEqual(left, ['default-cookie-name', 'memory-store', 'secure-without-trust-proxy'], 'only findings without a safe fix remain');
  });

  it('fix all: single-line objects get inline properties; semicolons stay', () => {
    const source = "const session = require('express-session');\napp.use(session({ secret: process.env.S, cookie: { secure: false } }));\n";
    const { source: fixed } = fixAll(source, 'app.js');
    assertParses(fixed, 'app.js');
    assert.match(fixed, /cookie: \{ secure: process\.env\.NODE_ENV === 'production', maxAge: 24 \* 60 \* 60 \* 1000, sameSite: 'lax' \}, resave: false, saveUninitialized: false \}\)\);\n$/);
  });

  it('moving the secret adds SESSION_SECRET to .env.example when there is one', () => {
    const source = "const session = require('express-session');\napp.use(session({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789' }));\n";
    const finding = lintSource(source, 'a.js', { environment: { envExample: { path: '/p/.env.example', text: 'PORT=3000' } } }).findings.find((f) => f.rule === 'hardcoded-secret');
    assert.ok(finding);
    assert.deepEqual(finding.fixes[0].otherFiles, [{ path: '/p/.env.example', edits: [{ start: 9, end: 9, text: '\nSESSION_SECRET=\n' }] }]);
    const already = lintSource(source, 'a.js', { environment: { envExample: { path: '/p/.env.example', text: 'SESSION_SECRET=\n' } } }).findings.find((f) => f.rule === 'hardcoded-secret');
    assert.equal(already?.fixes[0].otherFiles, undefined);
  });

  it('exactly one preferred fix per finding at most, and unsafe fixes are left out of fix all', () => {
    const source = "const express = require('express');\nconst session = require('express-session');\nconst app = express();\napp.set('trust proxy', true);\napp.use(session({ secret: process.env.S, resave: false, saveUninitialized: false, cookie: { secure: true, sameSite: 'lax', maxAge: 1000 } }));\n";
    const { findings } = lintSource(source, 'a.js');
    for (const f of findings) assert.ok(f.fixes.filter((x) => x.preferred).length <= 1);
    const fixed = fixAll(source, 'a.js').source;
    assert.match(fixed, /app\.set\('trust proxy', true\)/, 'the trust-proxy change is not applied blindly');
  });
});

describe('lint suppression and comments', () => {
  it('// session-lens-disable-next-line silences the named rules on the next line only', () => {
    const source = [
      "const session = require('express-session');",
      '// session-lens-disable-next-line hardcoded-secret',
      "app.use(session({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789' }));",
      "app.use(session({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789' }));",
      '/* session-lens-disable-next-line */',
      "app.use(session({ secret: 'abcdefghijklmnopqrstuvwxyz0123456789' }));",
    ].join('\n');
    const lines = lintSource(source, 'a.js').findings.filter((f) => f.rule === 'hardcoded-secret').map((f) => f.line);
    assert.deepEqual(lines, [4]);
    assert.equal(lintSource(source, 'a.js').findings.filter((f) => f.line === 6).length, 0);
  });

  it('sessionLens.rules overrides: off removes, a level changes the severity', () => {
    const source = "const session = require('express-session');\napp.use(session({ secret: 'keyboard cat' }));\n";
    const findings = lintSource(source, 'a.js', { rules: { 'hardcoded-secret': 'off', 'weak-secret': 'error' } }).findings;
    assert.equal(findings.some((f) => f.rule === 'hardcoded-secret'), false);
    assert.equal(findings.find((f) => f.rule === 'weak-secret')?.severity, 'error');
  });

  it('broken code while typing yields findings for what parses and never throws', () => {
    const source = "const session = require('express-session');\napp.use(session({ secret: 'keyboard cat', cookie: { secure: false } }));\nfunction (\n";
    const result = lintSource(source, 'a.js');
    assert.ok(result.parseError !== undefined || result.findings.length > 0);
    const partial = lintSource("import session from 'express-session'\napp.use(session({ secret: 'keyboard cat', cookie: { httpOnly: false }, }))\nconst x = ;\n", 'a.ts');
    assert.equal(partial.parseError, undefined);
    assert.ok(partial.findings.some((f) => f.rule === 'cookie-httponly-disabled'));
  });

  it('parses .tsx, .mts and .cjs files', () => {
    const tsx = "import session from 'express-session';\nconst el = <div>{(x as any)}</div>;\napp.use(session({ secret: 'keyboard cat' }));\n";
    assert.ok(lintSource(tsx, 'a.tsx').findings.some((f) => f.rule === 'hardcoded-secret'));
    assert.ok(lintSource("import s from 'express-session';\ns({ secret: 'keyboard cat' } satisfies object);\n", 'a.mts').findings.some((f) => f.rule === 'hardcoded-secret'));
    assert.ok(lintSource("const s = require('express-session');\nwith (x) {}\ns({ secret: 'keyboard cat' });\n", 'a.cjs').findings.some((f) => f.rule === 'hardcoded-secret'));
  });
});
