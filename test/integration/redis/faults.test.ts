// Faults against real redis-server: killed mid-listing and restarted, paused past the command timeout,
// notifications disabled, odd and huge values, keys that vanish between SCAN and GET.
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { rawCommand, startRedis } from '../../harness/redis';
import { RedisSessionSource, SourceUnavailableError, StaleCursorError } from '../../../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../../../src/core/redis/url';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { failOnUnhandledRejection, nextChange, stateReached, until } from './helpers';

const session = (i: number) => JSON.stringify({ cookie: { expires: new Date(Date.now() + 3600_000).toISOString() }, user: { id: i } });

async function seed(client: Redis, count: number, prefix = 'sess:'): Promise<void> {
  for (let i = 0; i < count; i += 1000) {
    const p = client.pipeline();
    for (let j = i; j < Math.min(count, i + 1000); j++) p.set(`${prefix}s${j}`, session(j), 'EX', 3600);
    await p.exec();
  }
}

describe('redis faults', function () {
  this.timeout(90_000);

  it('survives Redis killed in the middle of a listing and restarted: reconnects and lists exactly what exists', async () => {
    // Persistence on, so the restarted server still holds the sessions.
    const redis = await startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    const source = new RedisSessionSource({ id: 'f', target: parseRedisUrl(redis.url), scanCount: 100, commandTimeoutMs: 2000, changeBatchMs: 20 });
    try {
      await failOnUnhandledRejection(async () => {
        await seed(client, 3000);
        source.start();
        const first = await source.list({ limit: 200 });
        assert.ok(first.cursor);
        const outage = stateReached(source, 'disconnected');
        await redis.kill();
        const state = await outage;
        assert.equal(state.kind === 'disconnected' && state.retrying, true);
        await assert.rejects(source.list({ cursor: first.cursor, limit: 200 }), SourceUnavailableError);
        const reset = nextChange(source, (c) => c.some((x) => x.kind === 'reset'), 30_000, 'reset after reconnection');
        await redis.restart();
        await stateReached(source, 'connected', 30_000);
        await reset;
        await assert.rejects(source.list({ cursor: first.cursor, limit: 200 }), StaleCursorError);
        const { sessions } = await listAllSessions(source, { pageSize: 250 });
        assert.equal(sessions.length, 3000);
        assert.equal(new Set(sessions.map((s) => s.id)).size, 3000);
      });
    } finally {
      await source.close();
      client.disconnect();
      await redis.stop();
    }
  });

  it('fails a command paused past the timeout with a clear error, then works again', async () => {
    const redis = await startRedis();
    const source = await RedisSessionSource.connect({ id: 'p', target: parseRedisUrl(redis.url), commandTimeoutMs: 300, retry: true });
    try {
      await failOnUnhandledRejection(async () => {
        await redis.cli('set', 'sess:a', session(1));
        await redis.cli('client', 'pause', '1500', 'ALL');
        const started = Date.now();
        await assert.rejects(source.list({ limit: 10 }), /timed out/i);
        assert.ok(Date.now() - started < 1200, 'the timeout, not the pause, ended the wait');
        // A new client's PING waits while the server is paused: its answer marks the end of the pause.
        assert.equal(await rawCommand(redis.port, 'PING', 10_000), '+PONG');
        const { sessions } = await listAllSessions(source);
        assert.deepEqual(sessions.map((s) => s.id), ['a']);
      });
    } finally {
      await source.close();
      await redis.stop();
    }
  });

  it('falls back to polling when keyspace notifications are disabled, and still sees changes', async () => {
    const redis = await startRedis({ args: ['--notify-keyspace-events', ''] });
    const source = new RedisSessionSource({ id: 'n', target: parseRedisUrl(redis.url), pollIntervalMs: 200, changeBatchMs: 20 });
    try {
      source.start();
      await stateReached(source, 'connected');
      // The source raises no event when it settles on a live mode: a bounded poll of that state.
      await until(() => source.liveMode !== 'off', 5000, 'a live mode');
      assert.equal(source.liveMode, 'polling');
      const added = nextChange(source, (c) => c.some((x) => x.kind === 'set' && x.id === 'new'), 10_000, 'polled set');
      await redis.cli('set', 'sess:new', session(1));
      await added;
      const gone = nextChange(source, (c) => c.some((x) => x.kind === 'destroy' && x.id === 'new'), 10_000, 'polled delete');
      await redis.cli('del', 'sess:new');
      await gone;
      // After the user agrees, notifications are switched on and used.
      await source.enableKeyspaceNotifications();
      assert.equal(source.liveMode, 'notifications');
      assert.match(await redis.cli('config', 'get', 'notify-keyspace-events'), /K/);
    } finally {
      await source.close();
      await redis.stop();
    }
  });

  it('shows huge, binary, non-JSON and non-string values safely, and fetches a large one on demand', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url);
    const source = await RedisSessionSource.connect({ id: 'v', target: parseRedisUrl(redis.url), retry: false });
    try {
      const oneMb = JSON.stringify({ user: { name: 'big' }, blob: 'x'.repeat(1024 * 1024) });
      await client.set('sess:1mb', oneMb);
      await client.set('sess:10mb', Buffer.alloc(10 * 1024 * 1024, 0x41));
      await client.set('sess:bin', Buffer.from([0xff, 0xfe, 0, 1]));
      await client.set('sess:php', 'a:1:{s:4:"user";s:5:"alice";}');
      await client.set(Buffer.concat([Buffer.from('sess:'), Buffer.from([0xc3, 0x28])]), '{}');
      await client.hset('sess:hash', 'a', 'b');
      await client.set('sess:ok', session(1));
      const { sessions } = await listAllSessions(source);
      const byId = new Map(sessions.map((s) => [s.id, s]));
      assert.equal(sessions.length, 7);
      assert.match(byId.get('1mb')!.raw!, /^\(1\.0 MB value, not loaded/);
      assert.equal(byId.get('1mb')!.size, oneMb.length);
      assert.match(byId.get('10mb')!.raw!, /^\(10\.0 MB value, not loaded/);
      assert.match(byId.get('bin')!.raw!, /^binary value: hex fffe0001/);
      assert.match(byId.get('php')!.raw!, /^not JSON/);
      assert.match(byId.get('hash')!.raw!, /not a string value \(WRONGTYPE/);
      assert.equal(byId.get('ok')!.user, '1');
      const full = (await source.get('1mb'))!;
      assert.equal((full.data as any).user.name, 'big');
      assert.equal(full.value, oneMb);
    } finally {
      await source.close();
      client.disconnect();
      await redis.stop();
    }
  });

  it('leaves out keys that expire or are deleted between SCAN and GET', async () => {
    const redis = await startRedis();
    const client = new Redis(redis.url);
    const source = await RedisSessionSource.connect({ id: 'e', target: parseRedisUrl(redis.url), retry: false });
    const proto = Object.getPrototypeOf(client) as { scanBuffer: (...args: unknown[]) => Promise<[Buffer, Buffer[]]> };
    const original = proto.scanBuffer;
    try {
      await seed(client, 200);
      // Between every SCAN reply and the value fetch, delete half of the keys it returned.
      proto.scanBuffer = async function (this: Redis, ...args: unknown[]) {
        const reply = await original.apply(this, args);
        const doomed = reply[1].filter((_k, i) => i % 2 === 0);
        if (doomed.length) await client.del(...doomed);
        return reply;
      };
      const { sessions } = await listAllSessions(source);
      proto.scanBuffer = original;
      assert.equal(sessions.length, await client.dbsize());
      assert.ok(sessions.length > 0 && sessions.length < 200);
      assert.ok(sessions.every((s) => s.ttl !== null && s.ttl > 0 && s.data !== null));
    } finally {
      proto.scanBuffer = original;
      await source.close();
      client.disconnect();
      await redis.stop();
    }
  });
});
