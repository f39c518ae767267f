// The Redis session source against a real redis-server, with sessions written by the fixture app
// (express-session + connect-redis) through its HTTP routes.
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { DevServer, startDevServer } from '../../harness/devServer';
import { RedisServer, startRedis } from '../../harness/redis';
import { ReadOnlySourceError, RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../../../src/core/redis/url';
import { PrefixViolationError } from '../../../src/core/redis/prefixGuard';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { SessionChangedError } from '../../../src/core/sessions/types';
import { nextChange, seedForeignKeys } from './helpers';

describe('redis session source (standalone, fixture app)', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let app: DevServer;
  let client: Redis;
  let source: RedisSessionSource;
  let untouched: () => Promise<void>;

  before(async () => {
    redis = await startRedis({ args: ['--notify-keyspace-events', 'KEA'] });
    app = await startDevServer({ store: 'redis', redisUrl: redis.url });
    client = new Redis(redis.url);
    untouched = await seedForeignKeys(client);
    source = new RedisSessionSource({ id: 'redis:test', target: parseRedisUrl(redis.url), changeBatchMs: 50 });
    source.start();
  });
  after(async () => {
    await source?.close();
    client?.disconnect();
    await app?.stop();
    await redis?.stop();
  });
  afterEach(async () => { await untouched(); });

  it('lists the sessions the app wrote, with user, TTL and expiry', async () => {
    const alice = app.browser();
    const bob = app.browser();
    const anon = app.browser();
    await alice.get('/login?user=alice');
    await bob.get('/login?user=bob');
    await anon.get('/count');
    const { sessions } = await listAllSessions(source);
    const byId = new Map(sessions.map((s) => [s.id, s]));
    assert.equal(sessions.length, 3);
    const a = byId.get((await alice.sessionId())!);
    assert.ok(a);
    assert.equal(a.user, 'alice@example.test');
    assert.equal(a.key, `sess:${a.id}`);
    assert.ok(a.ttl! > 3500 && a.ttl! <= 3600, `ttl ${a.ttl}`);
    assert.ok(Math.abs(new Date(a.expiresAt!).getTime() - (Date.now() + 3600_000)) < 5000);
    assert.equal(byId.get((await anon.sessionId())!)?.user, null);
    assert.equal(source.liveMode, 'notifications');
  });

  it('reports logins, logouts and expiry as batched live changes', async () => {
    const carol = app.browser();
    const login = nextChange(source, (c) => c.some((x) => x.kind === 'set'), 10_000, 'login');
    await carol.get('/login?user=carol');
    const sid = (await carol.sessionId())!;
    assert.ok((await login).some((c) => c.kind === 'set' && c.id === sid));
    const logout = nextChange(source, (c) => c.some((x) => x.kind === 'destroy' && x.id === sid), 10_000, 'logout');
    await carol.get('/logout');
    await logout;

    const shortApp = await startDevServer({ store: 'redis', redisUrl: redis.url, maxAgeMs: 1200 });
    try {
      const dave = shortApp.browser();
      await dave.get('/login?user=dave');
      const daveSid = (await dave.sessionId())!;
      await nextChange(source, (c) => c.some((x) => x.kind === 'expire' && x.id === daveSid), 15_000, 'expiry');
      assert.equal(await source.get(daveSid), undefined);
    } finally {
      await shortApp.stop();
    }
  });

  it('saves an edit back keeping the TTL, and the app sees it on its next request', async () => {
    const erin = app.browser();
    await erin.get('/login?user=erin');
    const sid = (await erin.sessionId())!;
    await client.expire(`sess:${sid}`, 1234);
    const record = (await source.get(sid))!;
    assert.ok(record.value, 'get() returns the stored text');
    const edited = { ...(record.data as Record<string, any>), user: { id: 99, name: 'erin-edited', email: 'e@example.test' } };
    await source.set(sid, edited, { expectRaw: record.value });
    const profile = await erin.get('/profile');
    assert.equal(profile.status, 200);
    assert.equal(profile.body.user.name, 'erin-edited');
    const ttl = await client.ttl(`sess:${sid}`);
    assert.ok(ttl > 1200 && ttl <= 3600, `TTL kept (or refreshed by the app's touch): ${ttl}`);
  });

  it('refuses an edit when the session changed or expired since it was read, writing nothing', async () => {
    const fay = app.browser();
    await fay.get('/login?user=fay');
    const sid = (await fay.sessionId())!;
    const before = (await source.get(sid))!;
    await fay.get('/profile'); // the app writes views: 1
    const current = await client.get(`sess:${sid}`);
    await assert.rejects(source.set(sid, { hacked: true }, { expectRaw: before.value }), SessionChangedError);
    assert.equal(await client.get(`sess:${sid}`), current);
    await client.del(`sess:${sid}`);
    await assert.rejects(source.set(sid, { hacked: true }, { expectRaw: current! }), /expired or was deleted/);
    assert.equal(await client.exists(`sess:${sid}`), 0, 'a refused write does not recreate the session');
  });

  it('deletes a session, which logs that browser out', async () => {
    const gus = app.browser();
    await gus.get('/login?user=gus');
    assert.equal((await gus.get('/profile')).status, 200);
    assert.equal(await source.destroy((await gus.sessionId())!), true);
    assert.equal((await gus.get('/profile')).status, 401);
    assert.equal(await source.destroy('does-not-exist'), false);
  });

  it('extends the TTL', async () => {
    const hal = app.browser();
    await hal.get('/login?user=hal');
    const sid = (await hal.sessionId())!;
    await source.extend(sid, 7200);
    assert.ok((await client.ttl(`sess:${sid}`)) > 7100);
    await assert.rejects(source.extend('gone', 10), SessionChangedError);
  });

  it('never touches a key outside the prefix, whatever the id', async () => {
    for (const id of ['', '\r\nFLUSHALL', '\n']) {
      await assert.rejects(source.destroy(id), PrefixViolationError);
      await assert.rejects(source.set(id, {}), PrefixViolationError);
      await assert.rejects(source.extend(id, 10), PrefixViolationError);
    }
    // Ids that look like other keys still only address `sess:<id>`.
    assert.equal(await source.destroy('../other:1'), false);
    assert.equal(await source.destroy('*'), false);
    await source.set('x', { cookie: {} });
    assert.equal(await client.exists('sess:x'), 1);
    await source.destroy('x');
  });

  it('refuses every write on a read-only connection', async () => {
    const ro = await RedisSessionSource.connect({ id: 'ro', target: parseRedisUrl(redis.url), writable: false, retry: false });
    try {
      const { sessions } = await listAllSessions(ro);
      const sid = sessions[0].id;
      await assert.rejects(ro.destroy(sid), ReadOnlySourceError);
      await assert.rejects(ro.set(sid, {}), ReadOnlySourceError);
      await assert.rejects(ro.extend(sid, 10), ReadOnlySourceError);
      assert.ok(await ro.get(sid));
    } finally {
      await ro.close();
    }
  });

  it('uses another prefix and database when configured', async () => {
    const other = await startDevServer({ store: 'redis', redisUrl: `${redis.url}/2`, prefix: 'myapp:' });
    const ro = await RedisSessionSource.connect({ id: 'db2', target: parseRedisUrl(`${redis.url}/2`), prefix: 'myapp:', retry: false });
    try {
      const b = other.browser();
      await b.get('/login?user=alice');
      const { sessions } = await listAllSessions(ro);
      assert.deepEqual(sessions.map((s) => s.id), [await b.sessionId()]);
    } finally {
      await ro.close();
      await other.stop();
    }
  });
});
