// rediss:// against a real redis-server with TLS: a throwaway CA and server certificate made with openssl
// in a temporary folder; trusted through the CA option (the view's `sessionLens.redis.tls.caFile`, the
// CLI's --tls-ca), refused without it, and refused for a host name the certificate does not name.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisConnectionError } from '../../../src/core/redis/connection';
import { RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../../../src/core/redis/url';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { makeCertificates } from '../../harness/certificates';
import { runCli } from '../../harness/cli';
import { startRedis, type RedisServer } from '../../harness/redis';

describe('redis over TLS (rediss://)', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: { ca: string; cert: string; key: string };
  let redis: RedisServer;
  let tlsPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'session-lens-tls-'));
    certs = makeCertificates(dir);
    // The plain port stays for seeding and the harness's readiness check; the sessions are read over TLS.
    // 127.0.0.2 (loopback too, but not in the certificate) is for the host-name check.
    redis = await startRedis({ tls: { certFile: certs.cert, keyFile: certs.key, caFile: certs.ca }, args: ['--bind', '127.0.0.1', '127.0.0.2'] });
    tlsPort = redis.tlsPort!;
    const client = new Redis(redis.url);
    await client.set('sess:tls-a', JSON.stringify({ cookie: {}, user: { name: 'alice' } }), 'EX', 600);
    await client.set('sess:tls-b', JSON.stringify({ cookie: {} }), 'EX', 600);
    client.disconnect();
  });

  after(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists sessions over TLS when the CA is trusted', async () => {
    const source = await RedisSessionSource.connect({ id: 'tls', target: parseRedisUrl(`rediss://127.0.0.1:${tlsPort}`), tlsCa: readFileSync(certs.ca, 'utf8'), retry: false });
    try {
      const { sessions } = await listAllSessions(source);
      assert.deepEqual(sessions.map((s) => [s.id, s.user]).sort(), [['tls-a', 'alice'], ['tls-b', null]]);
      assert.equal(source.connectionMode, 'standalone');
    } finally {
      await source.close();
    }
    // The other name in the certificate works too.
    const byName = await RedisSessionSource.connect({ id: 'tls2', target: parseRedisUrl(`rediss://localhost:${tlsPort}`), tlsCa: readFileSync(certs.ca, 'utf8'), retry: false });
    assert.equal((await listAllSessions(byName)).sessions.length, 2);
    await byName.close();
  });

  it('checks the host name: a trusted certificate that does not name the host is refused', async () => {
    // The same server and CA, reached as 127.0.0.2: the certificate names 127.0.0.1 and localhost only.
    assert.match(await redis.cli('-h', '127.0.0.2', 'ping'), /PONG/, 'the server answers on 127.0.0.2 (plain port)');
    const err = await RedisSessionSource.connect({ id: 'tls3', target: parseRedisUrl(`rediss://127.0.0.2:${tlsPort}`), tlsCa: readFileSync(certs.ca, 'utf8'), retry: false, connectTimeoutMs: 3000 }).then(
      async (s) => { await s.close(); return undefined; },
      (e: unknown) => e,
    );
    assert.ok(err instanceof RedisConnectionError, `refused: ${String(err)}`);
    assert.match(err.message, /127\.0\.0\.2/);
    assert.match(err.message, /altnames|does not match|host ?name/i);
    assert.equal(err.message.includes('\n'), false);
    // The CLI refuses it the same way (exit 2, one line).
    const cli = await runCli(['sessions', '--redis', `rediss://127.0.0.2:${tlsPort}`, '--tls-ca', certs.ca, '--json']);
    assert.equal(cli.code, 2, cli.stderr);
    assert.equal(cli.stdout, '');
    assert.match(cli.stderr, /^session-lens: .*(altnames|does not match|host ?name).*\n$/i);
  });

  it('refuses a server whose certificate it cannot verify, with one clear line', async () => {
    const err = await RedisSessionSource.connect({ id: 'tls', target: parseRedisUrl(`rediss://127.0.0.1:${tlsPort}`), retry: false, connectTimeoutMs: 3000 }).then(
      async (s) => { await s.close(); return undefined; },
      (e: unknown) => e,
    );
    assert.ok(err instanceof RedisConnectionError, `refused: ${String(err)}`);
    assert.match(err.message, /certificate/i);
    assert.equal(err.message.includes('\n'), false);
    // Verification off (the user's explicit choice): it connects.
    const insecure = await RedisSessionSource.connect({ id: 'tls', target: parseRedisUrl(`rediss://127.0.0.1:${tlsPort}`), tlsRejectUnauthorized: false, retry: false });
    assert.equal((await listAllSessions(insecure)).sessions.length, 2);
    await insecure.close();
  });

  it('does not talk plain text to the TLS port', async () => {
    await assert.rejects(
      RedisSessionSource.connect({ id: 'plain', target: parseRedisUrl(`redis://127.0.0.1:${tlsPort}`), retry: false, connectTimeoutMs: 1500, commandTimeoutMs: 1500 }),
      RedisConnectionError,
    );
  });

  it('the CLI reads the CA from --tls-ca, and explains a missing or wrong file', async () => {
    const ok = await runCli(['sessions', '--redis', `rediss://127.0.0.1:${tlsPort}`, '--tls-ca', certs.ca, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).total, 2);
    const untrusted = await runCli(['sessions', '--redis', `rediss://127.0.0.1:${tlsPort}`, '--json']);
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, /^session-lens: .*certificate.*\n$/i);
    const missing = await runCli(['sessions', '--redis', `rediss://127.0.0.1:${tlsPort}`, '--tls-ca', join(dir, 'nope.pem')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--tls-ca: cannot read .*nope\.pem \(ENOENT\)/);
    const notPem = await runCli(['sessions', '--redis', `rediss://127.0.0.1:${tlsPort}`, '--tls-ca', join(dir, 'ext.cnf')]);
    assert.equal(notPem.code, 2);
    assert.match(notPem.stderr, /holds no PEM certificate/);
  });
});
