import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { CliIo } from '../../../src/cli/io';

const FIXTURES = join(__dirname, '../../fixtures/setups');
/** Cookies made by the real libraries (scripts/gen-cookie-vectors.mjs). */
const vectors = (JSON.parse(readFileSync(join(__dirname, '../../fixtures/cookies/vectors.json'), 'utf8')) as { vectors: { id: string; input: string; secrets: string[]; salts?: string[]; now: number }[] }).vectors;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, readStdin: async () => '', env: {} };
  const code = await main(args, io);
  return { code, out, err };
}

/** An express-session cookie as the library signs it: s:<sid>.<base64 HMAC-SHA256 without padding>. */
function expressCookie(name: string, sid: string, secret: string): string {
  const sig = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `${name}=${encodeURIComponent(`s:${sid}.${sig}`)}`;
}

describe('session-lens config', () => {
  it('--json prints exactly the setups of the code, paths relative to DIR', async () => {
    const { code, out, err } = await run(['config', '--json', join(FIXTURES, 'express-cjs')]);
    assert.equal(code, 0);
    assert.equal(err, '');
    assert.equal(out, `${JSON.stringify({
      setups: [{
        file: 'src/app.js', line: 10, library: 'express-session', cookieName: 'shop.sid',
        secret: { kind: 'env', name: 'MY_APP_COOKIE_SIGNING' }, salt: null, expirySeconds: null, maxAgeMs: 28800000,
        store: { kind: 'connect-redis', prefix: 'shop:sess:', urlVariable: 'CACHE_REDIS_URL' },
      }],
    }, null, 2)}\n`);
  });

  it('--json over several setups: store keys per kind, a literal secret by file and line only', async () => {
    const { code, out } = await run(['config', '--json', join(FIXTURES, 'monorepo')]);
    assert.equal(code, 0);
    const { setups } = JSON.parse(out) as { setups: Record<string, unknown>[] };
    assert.deepEqual(setups.map((s) => Object.keys(s)), setups.map(() => ['file', 'line', 'library', 'cookieName', 'secret', 'salt', 'expirySeconds', 'maxAgeMs', 'store']));
    assert.deepEqual(setups[1], {
      file: 'api/server.js', line: 7, library: 'express-session', cookieName: 'connect.sid', secret: { kind: 'literal', name: 'api/server.js:8' },
      salt: null, expirySeconds: null, maxAgeMs: null, store: { kind: 'MemoryStore', urlVariable: null },
    });
    assert.deepEqual(setups[3].store, { kind: 'session-file-store', path: './var/sessions', urlVariable: null });
    assert.ok(!out.includes('keyboard cat'), 'a secret value is never printed');
  });

  it('prints text by default and DIR defaults to the current directory', async () => {
    const cwd = process.cwd();
    process.chdir(join(FIXTURES, 'fastify-secure'));
    try {
      const { code, out } = await run(['config']);
      assert.equal(code, 0);
      assert.match(out, /^server\.mjs:8 {2}@fastify\/secure-session$/m);
      assert.match(out, /^ {2}secret {3}env COOKIE_ENCRYPTION_SECRET$/m);
      assert.match(out, /^ {2}salt {5}mq9hDxBVDbspDR6n$/m);
      assert.match(out, /^ {2}expiry {3}604800 s$/m);
    } finally {
      process.chdir(cwd);
    }
  });

  it('exits 2 for a DIR that is not a directory, two DIRs or a bad flag; --help exits 0', async () => {
    for (const args of [['config', join(FIXTURES, 'nope')], ['config', join(FIXTURES, 'express-cjs/src/app.js')], ['config', 'a', 'b'], ['config', '--yaml']]) {
      const { code, err, out } = await run(args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(out, '');
      assert.equal(err.trim().split('\n').length, 1);
    }
    const help = await run(['config', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: session-lens config \[--json\] \[DIR\]/);
    assert.match((await run(['--help'])).out, /^ {2}config +\S/m);
  });
});

describe('session-lens decode --workspace uses the setups of the code', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'session-lens-setups-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies a cookie with the secret in the env variable the code names, a name the decoder does not know by itself', async () => {
    const cookie = expressCookie('shop.sid', 'Yc8Xw1nQ', 'correct horse battery staple');
    const withCode = await run(['decode', '--workspace', join(FIXTURES, 'express-cjs'), '--json', cookie]);
    assert.equal(withCode.code, 0);
    const [c] = (JSON.parse(withCode.out) as { cookies: { verified: unknown; secretLabel: unknown; format: unknown; sid: unknown }[] }).cookies;
    assert.deepEqual([c.format, c.verified, c.secretLabel, c.sid], ['express-session', true, 'MY_APP_COOKIE_SIGNING (.env)', 'Yc8Xw1nQ']);
    assert.ok(!withCode.out.includes('correct horse'));
    // The same .env without the code: MY_APP_COOKIE_SIGNING is not a name the decoder reads on its own.
    writeFileSync(join(dir, '.env'), readFileSync(join(FIXTURES, 'express-cjs/.env')));
    const envOnly = await run(['decode', '--workspace', dir, '--json', cookie]);
    assert.equal(envOnly.code, 0, 'nothing to verify with: not a failure');
    assert.equal((JSON.parse(envOnly.out) as { cookies: { verified: unknown }[] }).cookies[0].verified, null);
  });

  it('tries a secret written in the code, labelled by file and line, and says which setups it read', async () => {
    const cookie = expressCookie('connect.sid', 'abc', 'keyboard cat');
    const json = await run(['decode', '--workspace', join(FIXTURES, 'monorepo'), '--json', cookie]);
    assert.equal(json.code, 0);
    assert.equal((JSON.parse(json.out) as { cookies: { secretLabel: unknown }[] }).cookies[0].secretLabel, 'secret literal (api/server.js:8)');
    assert.ok(!json.out.includes('keyboard cat'));
    const text = await run(['decode', '--workspace', join(FIXTURES, 'monorepo'), cookie]);
    assert.match(text.out, /^secrets from .*: secret literal \(api\/server\.js:8\), secret literal \(legacy\/index\.js:5\)$/m);
    assert.match(text.out, /^session setup: express-session at api\/server\.js:7, cookie connect\.sid$/m);
    assert.ok(!text.out.includes('keyboard cat') && !text.err.includes('keyboard cat'));
  });

  it('@fastify/secure-session: the app\'s salt and expiry', async function () {
    this.timeout(30_000);
    const v = vectors.find((x) => x.id === 'fastify-secure-session/custom-salt')!;
    writeFileSync(join(dir, '.env'), `APP_SESSION_KEY_MATERIAL="${v.secrets[0]}"\n`);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/server.mjs'), [
      "import Fastify from 'fastify';",
      "import secureSession from '@fastify/secure-session';",
      'const app = Fastify();',
      `app.register(secureSession, { secret: process.env.APP_SESSION_KEY_MATERIAL, salt: '${v.salts![0]}', expiry: 7 * 24 * 3600 });`,
    ].join('\n'));
    const twoDaysLater = String(v.now + 2 * 86400);
    const { code, out } = await run(['decode', '--workspace', dir, '--now', twoDaysLater, '--json', v.input]);
    const [c] = (JSON.parse(out) as { cookies: { verified: unknown; secretLabel: unknown; expired: unknown; expiresAt: string; payload: { __ts: number } }[] }).cookies;
    assert.deepEqual([code, c.verified, c.secretLabel, c.expired], [0, true, 'APP_SESSION_KEY_MATERIAL (.env)', false]);
    assert.equal(c.expiresAt, new Date((c.payload.__ts + 7 * 24 * 3600) * 1000).toISOString());
  });
});
