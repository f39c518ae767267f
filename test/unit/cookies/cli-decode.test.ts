// The `session-lens decode` contract: flags, --json shape, exit statuses, and no secret in any output.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decode } from '../../../src/cli/decode';
import { UsageError } from '../../../src/cli/io';
import { vectors } from './vectors.test';

/** `--now` at the vector's generation time: no decode of a vector may depend on today's date. */
const at = (v: { now: number }) => ['--now', String(v.now)];

async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const pinned = args.some((a) => a === '--now' || a.startsWith('--now='));
  const decodesVector = vectors.some((v) => args.includes(v.input) || (stdin !== '' && v.input.includes(stdin)));
  assert.ok(pinned || !decodesVector, `a vector is decoded without --now (the test would depend on today's date): ${args.join(' ').slice(0, 80)}`);
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => { out += t; }, stderr: (t: string) => { err += t; }, readStdin: async () => stdin, env: {} };
  // As src/cli/main.ts does (its lazy `import()` does not load under tsx's CommonJS hook): usage errors exit 2.
  try {
    return { code: await decode(args, io), out, err };
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      return { code: 2, out, err: `session-lens: ${(e as Error).message}\n` };
    }
    throw e;
  }
}

const JSON_KEYS = ['name', 'format', 'verified', 'secretIndex', 'secretLabel', 'sid', 'payload', 'expiresAt', 'expired', 'attributes', 'warnings', 'error', 'kind', 'purpose'];

describe('session-lens decode (CLI contract)', function () {
  this.timeout(60_000);
  it('prints exactly the contract keys and exits per verdict, for every vector', async () => {
    for (const v of vectors) {
      const args = [...v.secrets.map((s) => `--secret=${s}`), ...(v.salts ?? []).map((s) => `--salt=${s}`), '--now', String(v.now), '--json', v.input];
      const { code, out, err } = await run(args);
      assert.equal(err, '', `${v.id}: no stderr`);
      const parsed = JSON.parse(out) as { cookies: Record<string, unknown>[] };
      assert.deepEqual(Object.keys(parsed), ['cookies']);
      const [c] = parsed.cookies;
      assert.deepEqual(Object.keys(c), JSON_KEYS, v.id);
      if (v.expect.verified !== undefined) assert.equal(c.verified, v.expect.verified, `${v.id}: verified`);
      if (v.expect.secretIndex !== undefined) assert.equal(c.secretIndex, v.expect.secretIndex, `${v.id}: secretIndex`);
      assert.equal(c.secretLabel, c.secretIndex === null ? null : `--secret #${String(c.secretIndex)}`, `${v.id}: secretLabel (a label, never a value)`);
      const expected = c.verified === false || c.expired === true ? 1 : 0;
      assert.equal(code, expected, `${v.id}: exit status`);
      for (const s of v.secrets) assert.ok(!out.includes(s), `${v.id}: a secret value appears in the output`);
      // The text report must not leak either.
      const text = await run(args.filter((a) => a !== '--json'));
      for (const s of v.secrets) assert.ok(!text.out.includes(s), `${v.id}: a secret value appears in the text output`);
    }
  });

  it('reads standard input with "-" and names a bare value with --name', async () => {
    const v = vectors.find((x) => x.id === 'cookie-session/valid')!;
    const value = /session=([^;]+)/.exec(v.input)![1];
    const { code, out } = await run(['--name', 'session', ...at(v), '--json', '-'], value);
    assert.equal(code, 0);
    const [c] = (JSON.parse(out) as { cookies: { name: string; format: string; verified: unknown }[] }).cookies;
    assert.equal(c.name, 'session');
    assert.equal(c.format, 'cookie-session');
    assert.equal(c.verified, null);
  });

  it('forces a format with --format', async () => {
    const v = vectors.find((x) => x.id === 'express-session/valid')!;
    const { out, code } = await run(['--format', 'flask', '--secret', v.secrets[0], ...at(v), '--json', v.input]);
    const [c] = (JSON.parse(out) as { cookies: { format: string; verified: unknown; error: string }[] }).cookies;
    assert.equal(c.format, 'flask');
    assert.equal(c.verified, false);
    assert.ok(c.error);
    assert.equal(code, 1);
  });

  it('uses --now for expiry', async () => {
    const v = vectors.find((x) => x.id === 'jwt/valid')!;
    const early = JSON.parse((await run(['--now', String(v.now), '--json', v.input])).out) as { cookies: { expired: boolean; expiresAt: string }[] };
    assert.equal(early.cookies[0].expired, false);
    const late = await run(['--now', String(v.now + 7200), '--json', v.input]);
    assert.equal((JSON.parse(late.out) as { cookies: { expired: boolean }[] }).cookies[0].expired, true);
    assert.equal(late.code, 1);
  });

  it('exits 2 with one line on stderr for unusable input or flags', async () => {
    for (const args of [[], ['--bogus', 'x'], ['--format', 'nope', 'x'], ['--now', 'yesterday', 'x'], ['a', 'b'], [''], ['--secret', 'hex:zz-top-secret', 'a=b']]) {
      const { code, err, out } = await run(args);
      assert.equal(code, 2, JSON.stringify(args));
      assert.equal(out, '');
      assert.equal(err.trim().split('\n').length, 1, `one line: ${err}`);
      assert.ok(!err.includes('zz-top-secret'));
    }
  });

  it('takes --salt for @fastify/secure-session apps with their own salt, and refuses a salt of the wrong size', async () => {
    const v = vectors.find((x) => x.id === 'fastify-secure-session/custom-salt')!;
    const args = ['--secret', v.secrets[0], ...at(v), '--json', v.input];
    const without = await run(args);
    assert.equal(without.code, 1, 'the default salt does not derive the key');
    const withSalt = await run(['--salt', v.salts![0], ...args]);
    assert.equal(withSalt.code, 0);
    assert.equal((JSON.parse(withSalt.out) as { cookies: { verified: unknown }[] }).cookies[0].verified, true);
    const bad = await run(['--salt', 'too-short', ...args]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--salt #0: a salt is 16 bytes/);
    assert.equal(bad.err.trim().split('\n').length, 1);
  });

  it('points to --secret, the ad hoc path, when no secret verified a signed cookie', async () => {
    const v = vectors.find((x) => x.id === 'express-session/valid')!;
    assert.match((await run([...at(v), v.input])).out, /hint: +verify it with --secret S/);
    assert.match((await run(['--secret', 'not the one', ...at(v), v.input])).out, /hint: +none of the secrets given verified it: try another with --secret S/);
    assert.doesNotMatch((await run(['--secret', v.secrets[0], ...at(v), v.input])).out, /hint:/);
    assert.doesNotMatch((await run(['theme=dark'])).out, /hint:/, 'no hint for a value no secret can verify');
  });

  it('exits 0 for an unrecognized value and explains it', async () => {
    const { code, out } = await run(['--json', 'prefs=dark']);
    assert.equal(code, 0);
    const [c] = (JSON.parse(out) as { cookies: { format: string; kind: string; verified: unknown; error: string }[] }).cookies;
    assert.equal(c.format, 'unknown');
    assert.equal(c.kind, 'unknown');
    assert.equal(c.verified, null);
    assert.match(c.error, /not recognized/);
    assert.match((await run(['prefs=dark'])).out, /error: +format not recognized/);
  });

  describe('a pasted Cookie header with cookies that are not sessions', () => {
    const express = () => vectors.find((x) => x.id === 'express-session/valid')!;
    const header = () => `Cookie: _ga=GA1.1.1234567890.1764500000; _gid=GA1.1.987654321.1764500000; theme=dark; csrftoken=Zx1yW2vU3tS4rQ5pO6nM7lK8jI9hG0fE; ` +
      `XSRF-TOKEN=eyJpdiI6IkFCQyJ9; _csrf=s%3Aabcdefghij.klmnopqrstuvwxyz0123456789ABCDEFGHIJKLM; lang=en; __stripe_mid=0c1d2e3f-1234-4567-89ab-0123456789ab; ` +
      `_fbp=fb.1.1764500000000.123456789; ajs_anonymous_id=%22e3b0c442-98fc-1c14%22; ${express().input.replace(/^Cookie: /, '')}`;
    type Json = { name: string; format: string; kind: string; purpose: string | null; verified: unknown; error: string | null };

    it('names each for what it is, folds them into one line, and reports no error for them', async () => {
      const v = express();
      const text = await run(['--secret', v.secrets[0], ...at(v), header()]);
      assert.equal(text.code, 0);
      assert.doesNotMatch(text.out, /not recognized|error:/);
      const folded = text.out.split('\n').filter((l) => l.startsWith('Not session cookies:'));
      assert.deepEqual(folded, ['Not session cookies: _ga (analytics), _gid (analytics), theme (preference), csrftoken (CSRF token), XSRF-TOKEN (CSRF token), _csrf (CSRF token), lang (preference), __stripe_mid (fraud prevention), _fbp (advertising), ajs_anonymous_id (analytics)']);
      assert.match(text.out, /^connect\.sid: express-session/m);
      assert.equal(text.out.match(/^\S.*: (?:express-session|unknown)/gm)?.length, 1, 'only the session cookie has its own section');
      const json = JSON.parse((await run(['--secret', v.secrets[0], ...at(v), '--json', header()])).out) as { cookies: Json[] };
      const byName = new Map(json.cookies.map((c) => [c.name, c]));
      assert.deepEqual([byName.get('_ga')?.kind, byName.get('_ga')?.purpose, byName.get('_ga')?.error], ['not-session', 'analytics', null]);
      assert.equal(byName.get('_csrf')?.format, 'unknown', 'a signed csurf secret is not read as an express-session cookie');
      assert.deepEqual([byName.get('connect.sid')?.kind, byName.get('connect.sid')?.verified], ['session', true]);
    });

    it('leaves the exit status to the session cookie, even when another one is expired', async () => {
      const v = express();
      const lines = `Set-Cookie: theme=dark; Path=/; Expires=Thu, 01 Jan 2015 00:00:00 GMT\nSet-Cookie: _ga=GA1.1.1.1; Max-Age=0\n${header()}`;
      assert.equal((await run(['--secret', v.secrets[0], ...at(v), lines])).code, 0);
      assert.equal((await run(['--secret', 'not the one', ...at(v), lines])).code, 1, 'the session cookie still decides');
    });

    it('folds unrecognized cookies among others into one line, without an error each', async () => {
      const v = express();
      const input = `Cookie: prefs=dark; widget_state=open; ${v.input.replace(/^Cookie: /, '')}`;
      const text = await run(['--secret', v.secrets[0], ...at(v), input]);
      assert.equal(text.code, 0);
      assert.match(text.out, /^Other cookies, no session format recognized: prefs, widget_state$/m);
      assert.doesNotMatch(text.out, /error:/);
      const json = JSON.parse((await run(['--secret', v.secrets[0], ...at(v), '--json', input])).out) as { cookies: Json[] };
      assert.deepEqual(json.cookies.map((c) => [c.name, c.kind, c.error]), [['prefs', 'unknown', null], ['widget_state', 'unknown', null], ['connect.sid', 'session', null]]);
    });

    it('says what a single known cookie is instead of "format not recognized"', async () => {
      const { code, out } = await run(['theme=dark']);
      assert.equal(code, 0);
      assert.equal(out, 'No session cookie in the input.\nNot session cookies: theme (preference)\n');
      const [c] = (JSON.parse((await run(['--json', 'theme=dark'])).out) as { cookies: Json[] }).cookies;
      assert.deepEqual([c.kind, c.purpose, c.error, c.verified], ['not-session', 'preference', null, null]);
    });
  });

  describe('--workspace DIR', () => {
    let dir: string;
    const express = () => vectors.find((x) => x.id === 'express-session/valid')!;
    const rotated = () => vectors.find((x) => x.id === 'express-session/rotated')!;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'session-lens-ws-'));
      const flask = vectors.find((x) => x.id === 'flask/valid')!;
      // .env: the app's secret; .env.local: another one; .env.development: the same value as .env again;
      // .env.example: a placeholder whose value must never be tried (it is the Flask vector's real secret).
      writeFileSync(path.join(dir, '.env'), `SESSION_SECRET="${express().secrets[0]}"\nPORT=3000\n`);
      writeFileSync(path.join(dir, '.env.local'), `SESSION_SECRET="${rotated().secrets[1]}"\n`);
      writeFileSync(path.join(dir, '.env.development'), `COOKIE_SECRET="${express().secrets[0]}"\n`);
      writeFileSync(path.join(dir, '.env.example'), `SECRET_KEY=${flask.secrets[0]}\n`);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    type JsonCookie = { verified: unknown; secretIndex: unknown; secretLabel: unknown };
    const json = (out: string) => (JSON.parse(out) as { cookies: JsonCookie[] }).cookies[0];

    it('verifies with the plain .env secret and names it by label, never by value', async () => {
      const v = express();
      const { code, out, err } = await run(['--workspace', dir, ...at(v), '--json', v.input]);
      assert.equal(err, '');
      assert.equal(code, 0);
      const c = json(out);
      assert.deepEqual([c.verified, c.secretIndex, c.secretLabel], [true, 0, 'SESSION_SECRET (.env)']);
      assert.ok(!out.includes(v.secrets[0]), 'the secret value is not printed');
    });

    it('tries every .env file: a cookie made with the .env.local secret verifies with it', async () => {
      const v = rotated();
      const c = json((await run(['--workspace', dir, ...at(v), '--json', v.input])).out);
      assert.deepEqual([c.verified, c.secretLabel], [true, 'SESSION_SECRET (.env.local)']);
    });

    it('tries each value once and never a placeholder file\'s', async () => {
      const v = express();
      const text = await run(['--workspace', dir, ...at(v), v.input]);
      assert.match(text.out, /^secrets from .*: SESSION_SECRET \(\.env\), SESSION_SECRET \(\.env\.local\)\n/);
      assert.match(text.out, /verified: +verified with SESSION_SECRET \(\.env\)/);
      const flask = vectors.find((x) => x.id === 'flask/valid')!;
      const f = await run(['--workspace', dir, ...at(flask), '--json', flask.input]);
      assert.equal(json(f.out).verified, false, '.env.example is not read');
      assert.equal(f.code, 1);
    });

    it('puts --secret first and drops a workspace value already given', async () => {
      const v = express();
      const given = await run(['--secret', v.secrets[0], '--workspace', dir, ...at(v), '--json', v.input]);
      assert.deepEqual([json(given.out).secretIndex, json(given.out).secretLabel], [0, '--secret #0']);
      const r = rotated();
      const other = await run(['--secret', 'not the one', '--secret', v.secrets[0], '--workspace', dir, ...at(r), '--json', r.input]);
      // --secret #0, --secret #1, then .env (a duplicate of #1, dropped), then .env.local at index 2.
      assert.deepEqual([json(other.out).secretIndex, json(other.out).secretLabel], [2, 'SESSION_SECRET (.env.local)']);
    });

    it('exits 2 for a DIR that is not a directory', async () => {
      const { code, err } = await run(['--workspace', path.join(dir, 'nope'), 'a=b']);
      assert.equal(code, 2);
      assert.match(err, /--workspace .*: not a directory/);
    });
  });
});
