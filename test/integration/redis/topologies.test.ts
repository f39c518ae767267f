// Redis Cluster (every master scanned, found from any node) and Sentinel, with real servers.
import assert from 'node:assert/strict';
import Redis, { Cluster } from 'ioredis';
import { sessions as sessionsCommand } from '../../../src/cli/sessions';
import { startDevServer } from '../../harness/devServer';
import { startCluster, startSentinel } from '../../harness/redis';
import { RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import { parseRedisUrl } from '../../../src/core/redis/url';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { nextChange } from './helpers';

const session = (i: number) => JSON.stringify({ cookie: { originalMaxAge: 3600000, expires: new Date(Date.now() + 3600_000).toISOString(), httpOnly: true, path: '/' }, user: { id: i, name: `user${i}` } });

describe('redis topologies: cluster and sentinel', function () {
  this.timeout(120_000);

  it('lists every session of a cluster whose keys are spread over all masters, from any node, in pages', async () => {
    const cluster = await startCluster();
    const writer = new Cluster([{ host: '127.0.0.1', port: cluster.masters[0].port }]);
    let source: RedisSessionSource | undefined;
    try {
      for (let i = 0; i < 300; i++) await writer.set(`sess:s${i}`, session(i), 'EX', 3600);
      await writer.set('other', 'x');
      source = new RedisSessionSource({ id: 'c', target: parseRedisUrl(cluster.masters[2].url), scanCount: 50, changeBatchMs: 50 });
      source.start();
      const first = await source.list({ limit: 20 });
      assert.ok(first.cursor, 'more pages follow');
      const { sessions } = await listAllSessions(source, { pageSize: 40 });
      assert.equal(sessions.length, 300);
      assert.equal(new Set(sessions.map((s) => s.id)).size, 300);
      assert.equal(source.connectionMode, 'cluster');
      // Writes route to the master that owns the key.
      await source.extend('s7', 9999);
      assert.ok((await writer.ttl('sess:s7')) > 9000);
      assert.equal(await source.destroy('s8'), true);
      assert.equal(await writer.exists('sess:s8'), 0);
      const rec = (await source.get('s9'))!;
      await source.set('s9', { ...(rec.data as object), edited: true }, { expectRaw: rec.value });
      assert.equal(JSON.parse((await writer.get('sess:s9'))!).edited, true);
      assert.equal(await writer.get('other'), 'x');
      // Live updates come from every master (polling here: notifications are off by default).
      const seen = nextChange(source, (c) => c.some((x) => x.kind === 'set' && x.id === 'new1'), 20_000, 'a new session on the cluster');
      await writer.set('sess:new1', session(1), 'EX', 100);
      await seen;

      let stdout = '';
      const code = await sessionsCommand(['--redis', cluster.masters[1].url, '--json'], { stdout: (t) => { stdout += t; }, stderr: () => {}, readStdin: async () => '', env: {} });
      assert.equal(code, 0);
      assert.equal(JSON.parse(stdout).total, 300);
    } finally {
      await source?.close();
      writer.disconnect();
      await cluster.stop();
    }
  });

  it('finds the master through Sentinel and lists the sessions the app wrote', async () => {
    const setup = await startSentinel();
    const app = await startDevServer({ store: 'redis', redisUrl: setup.master.url });
    let source: RedisSessionSource | undefined;
    try {
      const alice = app.browser();
      await alice.get('/login?user=alice');
      source = await RedisSessionSource.connect({ id: 's', target: parseRedisUrl(setup.url), retry: false });
      assert.equal(source.connectionMode, 'sentinel');
      const { sessions } = await listAllSessions(source);
      assert.deepEqual(sessions.map((s) => s.user), ['alice@example.test']);
      assert.equal(await source.destroy(sessions[0].id), true);
      assert.equal((await alice.get('/profile')).status, 401);
      const direct = new Redis(setup.master.url);
      assert.equal(await direct.dbsize(), 0);
      direct.disconnect();
    } finally {
      await source?.close();
      await app.stop();
      await setup.stop();
    }
  });
});
