// More faults against real redis-server: a cluster master killed and its replica promoted, the server
// blocked by DEBUG SLEEP past the command timeout, and keys that expire between SCAN and the read.
import assert from 'node:assert/strict';
import Redis, { Cluster } from 'ioredis';
import { rawCommand, startCluster, startRedis } from '../../harness/redis';
import { RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../../../src/core/redis/url';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { failOnUnhandledRejection, stateReached, until } from './helpers';

const session = (i: number) => JSON.stringify({ cookie: { expires: new Date(Date.now() + 3600_000).toISOString() }, user: { id: i } });

/** Re-runs `attempt` until it returns a value (errors count as "not yet"); fails after `timeoutMs`. */
async function eventually<T>(attempt: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'no attempt';
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      last = 'condition not met';
    } catch (err) {
      last = err instanceof Error ? err.message : err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('redis faults: failover, blocked server, expiry', function () {
  this.timeout(120_000);

  it('recovers from a cluster failover (a master killed, its replica promoted) and lists exactly the sessions that exist', async () => {
    const cluster = await startCluster({ masters: 3, replicasPerMaster: 1 });
    const writer = new Cluster([{ host: '127.0.0.1', port: cluster.masters[0].port }]);
    writer.on('error', () => {});
    const source = new RedisSessionSource({ id: 'c', target: parseRedisUrl(cluster.url), commandTimeoutMs: 1500, connectTimeoutMs: 1500, liveUpdates: 'off', retry: true });
    try {
      await failOnUnhandledRejection(async () => {
        const total = 600;
        for (let i = 0; i < total; i++) await writer.set(`sess:f${i}`, session(i), 'EX', 3600);
        // Every master has handed its writes to its replica before one of them dies.
        // (A replica may still be in its first sync right after the cluster was created.)
        for (const node of writer.nodes('master')) await eventually(async () => ((await node.wait(1, 1000)) >= 1 ? true : undefined), 30_000, 'the replica to acknowledge');
        source.start();
        await stateReached(source, 'connected');
        assert.equal((await listAllSessions(source, { pageSize: 100 })).sessions.length, total);

        // Kill a master that the URL does not name; its replica takes over its slots.
        const victim = cluster.masters[1];
        const victimIds = (await victim.cli('keys', 'sess:*')).split('\n').filter(Boolean).map((k) => k.slice('sess:'.length));
        assert.ok(victimIds.length > 0, 'the killed master held sessions');
        await victim.kill();
        // Until the replica takes over, a listing may fail; it must never succeed with sessions missing.
        const partial: number[] = [];
        const listed = await eventually(async () => {
          const { sessions } = await listAllSessions(source, { pageSize: 100 });
          if (sessions.length !== total) partial.push(sessions.length);
          return sessions.length === total ? sessions : undefined;
        }, 60_000, 'a full listing after the failover');
        assert.deepEqual(partial, [], 'no listing silently left out the sessions of the dead master');
        assert.equal(new Set(listed.map((s) => s.id)).size, total, 'no duplicates');
        assert.deepEqual(listed.map((s) => s.id).sort(), Array.from({ length: total }, (_, i) => `f${i}`).sort(), 'none lost');
        assert.ok(listed.every((s) => s.ttl !== null && s.ttl > 3000 && s.user !== null));

        // Writes reach the promoted master too.
        assert.equal(await source.destroy(victimIds[0]), true);
        assert.equal(await writer.exists(`sess:${victimIds[0]}`), 0);
        const after = await listAllSessions(source, { pageSize: 100 });
        assert.equal(after.sessions.length, total - 1);
      });
    } finally {
      await source.close();
      writer.disconnect();
      await cluster.stop();
    }
  });

  it('fails a listing while DEBUG SLEEP blocks Redis past the command timeout, then lists correctly on the same connection', async () => {
    const redis = await startRedis({ args: ['--enable-debug-command', 'yes'] });
    const client = new Redis(redis.url);
    const source = new RedisSessionSource({ id: 's', target: parseRedisUrl(redis.url), commandTimeoutMs: 300, liveUpdates: 'off', retry: true });
    try {
      await failOnUnhandledRejection(async () => {
        for (let i = 0; i < 50; i++) await client.set(`sess:d${i}`, session(i), 'EX', 3600);
        source.start();
        await stateReached(source, 'connected');
        assert.equal((await listAllSessions(source)).sessions.length, 50);
        // DEBUG SLEEP blocks the whole server (CLIENT PAUSE lets some commands through).
        const sleeper = new Redis(redis.url);
        await sleeper.ping();
        const sleeping = sleeper.call('DEBUG', 'SLEEP', '1.5');
        // Blocked once a PING on a fresh connection gets no answer within 100 ms.
        await until(() => rawCommand(redis.port, 'PING', 100).then(() => false, () => true), 1000, 'DEBUG SLEEP to block the server', 0);
        const started = Date.now();
        await assert.rejects(listAllSessions(source), /timed out/i);
        assert.ok(Date.now() - started < 1200, 'the command timeout, not the sleep, ended the wait');
        await sleeping;
        sleeper.disconnect();
        // The late replies to the abandoned commands must not be taken for the answers to new ones.
        await client.set('sess:late', session(99), 'EX', 3600);
        const { sessions } = await listAllSessions(source, { pageSize: 7 });
        assert.equal(sessions.length, 51);
        assert.ok(sessions.every((s) => s.data !== null && s.key === `sess:${s.id}` && (s.data as { user: { id: number } }).user.id === (s.id === 'late' ? 99 : Number(s.id.slice(1)))), 'every value belongs to its key');
        assert.equal(source.state.kind, 'connected');
      });
    } finally {
      await source.close();
      client.disconnect();
      await redis.stop();
    }
  });

  it('leaves out keys whose TTL runs out between SCAN and the read', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url);
    const source = await RedisSessionSource.connect({ id: 'x', target: parseRedisUrl(redis.url), retry: false });
    const proto = Object.getPrototypeOf(client) as { scanBuffer: (...args: unknown[]) => Promise<[Buffer, Buffer[]]> };
    const original = proto.scanBuffer;
    try {
      for (let i = 0; i < 300; i++) await client.set(`sess:t${i}`, session(i), 'EX', 3600);
      const expired = new Set<string>();
      // After every SCAN reply, a third of the keys it returned get 1 ms to live and run out.
      proto.scanBuffer = async function (this: Redis, ...args: unknown[]) {
        const reply = await original.apply(this, args);
        const doomed = reply[1].filter((_k, i) => i % 3 === 0);
        if (doomed.length === 0) return reply;
        for (const k of doomed) {
          await client.pexpire(k, 1);
          expired.add(k.toString().slice('sess:'.length));
        }
        // Every deadline is at most 1 ms after the server's clock now; wait until its clock has passed that
        // (TIME touches no key, so none is expired early by looking at it).
        const serverMs = async () => { const [s, us] = await client.time(); return Number(s) * 1000 + Number(us) / 1000; };
        const lastDeadline = (await serverMs()) + 1;
        await until(async () => (await serverMs()) > lastDeadline + 1, 2000, 'the TTLs to run out', 1);
        return reply;
      };
      const { sessions } = await listAllSessions(source, { pageSize: 50 });
      proto.scanBuffer = original;
      assert.ok(expired.size > 0);
      const ids = new Set(sessions.map((s) => s.id));
      for (const id of expired) assert.equal(ids.has(id), false, `${id} expired and is not listed`);
      assert.equal(sessions.length, await client.dbsize(), 'every session that still exists is listed');
      assert.ok(sessions.every((s) => s.ttl !== null && s.ttl > 3000 && s.data !== null));
    } finally {
      proto.scanBuffer = original;
      await source.close();
      client.disconnect();
      await redis.stop();
    }
  });
});
