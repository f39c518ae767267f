// The bundled `session-lens` command as users run it (node dist/cli.js, built from the current sources by
// the harness) and its exit-code contract, for each subcommand:
//   2  bad usage, unusable input, or a store that cannot be reached
//   1  a cookie that fails verification / a lint finding at warning or error level
//   0  everything else (verified, listed, no finding)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCookie } from '../../src/core/cookies/sign';
import { runCli } from '../harness/cli';
import { closedPort, startRedis, type RedisServer } from '../harness/redis';

const SECRET = 'cli-binary-test-secret-0123456789';

function signed(sid: string, secret: string): string {
  const s = signCookie('express-session', sid, secret);
  assert.ok(!('error' in s), 'signed');
  return s.header;
}

/** One line on stderr, naming the command, and nothing on stdout: how every exit 2 looks. */
function assertUsageFailure(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp, what: string): void {
  assert.equal(r.code, 2, `${what}: exit 2 (stderr: ${r.stderr})`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  assert.match(r.stderr, /^session-lens: [^\n]+\n$/, `${what}: one line on stderr`);
  assert.match(r.stderr, pattern, what);
}

describe('bundled CLI (dist/cli.js)', function () {
  this.timeout(60_000);

  it('prints help and version, and exits 2 on an unknown subcommand or no command', async () => {
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Commands:\n {2}decode/);
    const ver = await runCli(['--version']);
    assert.equal(ver.code, 0);
    assert.match(ver.stdout, /^\d+\.\d+\.\d+\n$/);
    assertUsageFailure(await runCli(['nope']), /unknown command 'nope'/, 'unknown subcommand');
    assertUsageFailure(await runCli([]), /missing command/, 'no command');
    assertUsageFailure(await runCli(['--bogus']), /bogus/, 'unknown top-level flag');
  });

  describe('decode', () => {
    it('exits 0 when every cookie verifies', async () => {
      const r = await runCli(['decode', '--secret', SECRET, signed('cli-sid-ok', SECRET)]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /cli-sid-ok/);
      assert.match(r.stdout, /verified/);
    });

    it('reads standard input with "-"', async () => {
      const r = await runCli(['decode', '--secret', SECRET, '--json', '-'], { stdin: `${signed('cli-sid-stdin', SECRET)}\n` });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { cookies: { sid?: string; verified?: boolean }[] };
      assert.equal(out.cookies[0].sid, 'cli-sid-stdin');
      assert.equal(out.cookies[0].verified, true);
    });

    it('exits 1 when a cookie fails verification', async () => {
      const r = await runCli(['decode', '--secret', 'not the secret it was signed with', signed('cli-sid-bad', SECRET)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /NOT verified/);
      // One bad cookie among good ones is still a failure.
      const mixed = await runCli(['decode', '--secret', SECRET, `Cookie: a=${signed('good', SECRET).split('=')[1]}; connect.sid=${signed('bad', 'other secret').split('=')[1]}`]);
      assert.equal(mixed.code, 1, mixed.stdout);
    });

    it('exits 2 on bad usage or unusable input', async () => {
      assertUsageFailure(await runCli(['decode']), /needs one input/, 'no input');
      assertUsageFailure(await runCli(['decode', '-'], { stdin: '' }), /empty/, 'empty standard input');
      assertUsageFailure(await runCli(['decode', '--bogus', 'x']), /bogus/, 'unknown flag');
      assertUsageFailure(await runCli(['decode', '--format', 'no-such-format', signed('x', SECRET)]), /no-such-format/, 'unknown format');
      assertUsageFailure(await runCli(['decode', '--now', 'yesterday', signed('x', SECRET)]), /--now/, 'bad --now');
    });
  });

  describe('lint', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'session-lens-cli-lint-'));
      writeFileSync(join(dir, 'clean.js'), 'module.exports = { answer: 42 };\n');
      writeFileSync(join(dir, 'finding.js'), [
        "const session = require('express-session');",
        "const app = require('express')();",
        'app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false, cookie: { httpOnly: false } }));',
        '',
      ].join('\n'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('exits 0 when nothing is found', async () => {
      const r = await runCli(['lint', join(dir, 'clean.js')]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /No problems in 1 file/);
    });

    it('exits 1 on a warning- or error-level finding, 0 when the same findings are only info', async () => {
      const r = await runCli(['lint', join(dir, 'finding.js')]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /warning cookie-httponly-disabled/);
      const json = await runCli(['lint', '--format', 'json', join(dir, 'finding.js')]);
      assert.equal(json.code, 1);
      const sarif = await runCli(['lint', '--format', 'sarif', join(dir, 'finding.js')]);
      assert.equal(sarif.code, 1);
      const asInfo = await runCli(['lint', ...['memory-store', 'cookie-secure-missing', 'cookie-httponly-disabled'].flatMap((id) => ['--rule', `${id}=info`]), join(dir, 'finding.js')]);
      assert.equal(asInfo.code, 0, asInfo.stdout);
      assert.match(asInfo.stdout, /info cookie-httponly-disabled/);
    });

    it('exits 2 on bad usage', async () => {
      assertUsageFailure(await runCli(['lint', '--format', 'xml', join(dir, 'clean.js')]), /--format 'xml'/, 'unknown format');
      assertUsageFailure(await runCli(['lint', join(dir, 'no-such-file.js')]), /no such file/, 'missing file');
      assertUsageFailure(await runCli(['lint', '--bogus', join(dir, 'clean.js')]), /bogus/, 'unknown flag');
    });
  });

  describe('sessions', () => {
    let redis: RedisServer;
    before(async () => {
      redis = await startRedis();
      await redis.cli('set', 'sess:cli-binary', JSON.stringify({ cookie: {}, user: { name: 'alice' } }), 'EX', '600');
    });
    after(async () => { await redis?.stop(); });

    it('exits 0 when the store is listed', async () => {
      const r = await runCli(['sessions', '--redis', redis.url, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { total: number; sessions: { id: string }[] };
      assert.equal(out.total, 1);
      assert.equal(out.sessions[0].id, 'cli-binary');
    });

    it('exits 2 when the store cannot be reached', async () => {
      const port = await closedPort();
      const started = Date.now();
      const r = await runCli(['sessions', '--redis', `redis://127.0.0.1:${port}`, '--json']);
      assertUsageFailure(r, new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(connect ECONNREFUSED`), 'unreachable Redis');
      assert.ok(Date.now() - started < 10_000, 'fails fast');
      const inspector = await runCli(['sessions', '--inspect', `127.0.0.1:${port}`, '--json']);
      assert.equal(inspector.code, 2, inspector.stderr);
      assert.equal(inspector.stdout, '');
    });

    it('exits 2 on bad usage', async () => {
      assertUsageFailure(await runCli(['sessions']), /--redis|--inspect/, 'no store');
      assertUsageFailure(await runCli(['sessions', '--bogus']), /bogus/, 'unknown flag');
      assertUsageFailure(await runCli(['sessions', '--redis', 'localhost']), /./, 'not a URL');
      assertUsageFailure(await runCli(['sessions', '--redis', redis.url, '--limit', 'x']), /--limit/, 'bad --limit');
      assertUsageFailure(await runCli(['sessions', '--redis', redis.url, '--prefix', '']), /prefix/, 'empty --prefix');
    });
  });
});
