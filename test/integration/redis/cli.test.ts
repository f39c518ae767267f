// `session-lens sessions --redis` (the built CLI, node dist/cli.js) against real redis-server: JSON
// contract, limits, auth and reachability.
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { runCli } from '../../harness/cli';
import { startDevServer } from '../../harness/devServer';
import { closedPort, startRedis } from '../../harness/redis';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args, { env });
}

describe('cli: session-lens sessions --redis', function () {
  this.timeout(60_000);

  it('prints the sessions the app wrote as the JSON contract, with raw for values that are not JSON', async () => {
    const redis = await startRedis();
    const app = await startDevServer({ store: 'redis', redisUrl: redis.url });
    const client = new Redis(redis.url);
    try {
      const alice = app.browser();
      await alice.get('/login?user=alice');
      await client.set('sess:binary', Buffer.from([0, 1, 2, 255]));
      await client.set('not-a-session', 'x');
      const { code, stdout, stderr } = await run(['sessions', '--redis', redis.url, '--json']);
      assert.equal(code, 0, stderr);
      const out = JSON.parse(stdout);
      assert.equal(out.total, 2);
      const a = out.sessions.find((s: any) => s.id === 'binary' ? false : true);
      assert.deepEqual(Object.keys(a), ['id', 'key', 'ttl', 'expiresAt', 'user', 'data']);
      assert.equal(a.id, await alice.sessionId());
      assert.equal(a.user, 'alice@example.test');
      assert.equal(a.data.user.name, 'alice');
      assert.ok(a.ttl > 3500);
      const bin = out.sessions.find((s: any) => s.id === 'binary');
      assert.equal(bin.data, null);
      assert.equal(bin.ttl, -1);
      assert.match(bin.raw, /^binary value: hex 000102ff/);

      const limited = JSON.parse((await run(['sessions', '--redis', redis.url, '--json', '--limit', '1'])).stdout);
      assert.equal(limited.sessions.length, 1);
      assert.equal(limited.total, 2);

      const table = await run(['sessions', '--redis', redis.url]);
      assert.match(table.stdout, /alice@example\.test/);
      assert.match(table.stdout, /2 sessions/);
    } finally {
      client.disconnect();
      await app.stop();
      await redis.stop();
    }
  });

  it('reads the password from --password-env and exits 2 on a wrong password, without printing it', async () => {
    const redis = await startRedis({ args: ['--requirepass', 'right-password-123'] });
    try {
      const ok = await run(['sessions', '--redis', redis.url, '--json', '--password-env', 'REDIS_PW'], { REDIS_PW: 'right-password-123' });
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(JSON.parse(ok.stdout), { sessions: [], total: 0 });
      const bad = await run(['sessions', '--redis', `redis://:wrong-password-456@127.0.0.1:${redis.port}`, '--json']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /authentication .* failed/);
      assert.doesNotMatch(bad.stderr, /wrong-password-456/);
      assert.equal(bad.stdout, '');
      const none = await run(['sessions', '--redis', redis.url, '--json']);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /authentication/);
      const unset = await run(['sessions', '--redis', redis.url, '--password-env', 'NOPE']);
      assert.equal(unset.code, 2);
      assert.match(unset.stderr, /NOPE is not set/);
    } finally {
      await redis.stop();
    }
  });

  it('exits 2 with one clear line when Redis cannot be reached or the arguments are wrong', async () => {
    const port = await closedPort();
    const started = Date.now();
    const r = await run(['sessions', '--redis', `redis://127.0.0.1:${port}`, '--json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^session-lens: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.ok(Date.now() - started < 5000, 'fails fast');
    for (const args of [['sessions'], ['sessions', '--bogus'], ['sessions', '--redis', 'localhost'], ['sessions', '--redis', 'redis://h', '--limit', 'x'], ['sessions', '--redis', 'redis://h', '--prefix', '']]) {
      const bad = await run(args);
      assert.equal(bad.code, 2, args.join(' '));
      assert.equal(bad.stderr.trim().split('\n').length, 1);
    }
  });
});
