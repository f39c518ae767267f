// rediss:// against a real redis-server with TLS: a throwaway CA and server certificate made with openssl
// in a temporary folder; trusted through the CA option (the view's `sessionLens.redis.tls.caFile`, the
// CLI's --tls-ca), refused without it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { sessions as sessionsCommand } from '../../../src/cli/sessions';
import { UsageError, type CliIo } from '../../../src/cli/io';
import { RedisConnectionError } from '../../../src/core/redis/connection';
import { RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../../../src/core/redis/url';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { freePort, startRedis, type RedisServer } from '../../harness/redis';

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, and a server certificate it signed for 127.0.0.1 and localhost. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Session Lens test CA');
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, 'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext.cnf');
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, readStdin: async () => '', env: {} };
  try {
    return { code: await sessionsCommand(args, io), stdout, stderr };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return { code: 2, stdout, stderr: `${stderr}session-lens: ${err.message}\n` };
  }
}

describe('redis over TLS (rediss://)', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: { ca: string; cert: string; key: string };
  let redis: RedisServer;
  let tlsPort: number;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'session-lens-tls-'));
    certs = makeCertificates(dir);
    tlsPort = await freePort();
    // The plain port stays for seeding and the harness's readiness check; the sessions are read over TLS.
    redis = await startRedis({ args: ['--tls-port', String(tlsPort), '--tls-cert-file', certs.cert, '--tls-key-file', certs.key, '--tls-ca-cert-file', certs.ca, '--tls-auth-clients', 'no'] });
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
    // The host name is checked against the certificate too (it names localhost).
    const byName = await RedisSessionSource.connect({ id: 'tls2', target: parseRedisUrl(`rediss://localhost:${tlsPort}`), tlsCa: readFileSync(certs.ca, 'utf8'), retry: false });
    await byName.close();
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
    const ok = await runCli(['--redis', `rediss://127.0.0.1:${tlsPort}`, '--tls-ca', certs.ca, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).total, 2);
    const untrusted = await runCli(['--redis', `rediss://127.0.0.1:${tlsPort}`, '--json']);
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, /^session-lens: .*certificate.*\n$/i);
    const missing = await runCli(['--redis', `rediss://127.0.0.1:${tlsPort}`, '--tls-ca', join(dir, 'nope.pem')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--tls-ca: cannot read .*nope\.pem \(ENOENT\)/);
    const notPem = await runCli(['--redis', `rediss://127.0.0.1:${tlsPort}`, '--tls-ca', join(dir, 'ext.cnf')]);
    assert.match(notPem.stderr, /holds no PEM certificate/);
  });
});
