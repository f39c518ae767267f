// The harness itself: real redis-server (standalone, cluster, sentinel) and the fixture dev server.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import Redis, { Cluster } from 'ioredis';
import { startDevServer } from '../harness/devServer';
import { execFileSync } from 'node:child_process';
import { realClockEnv, startCluster, startRedis, startSentinel } from '../harness/redis';

describe('test harness', function () {
  this.timeout(60_000);

  it('starts a standalone redis-server on a free port, restarts it on the same port, and stops it', async () => {
    const server = await startRedis();
    const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      assert.equal(await client.ping(), 'PONG');
      await client.set('k', 'v');
      const port = server.port;
      await server.restart();
      assert.equal(server.port, port);
      assert.match(await server.cli('ping'), /PONG/);
      assert.equal(await server.cli('get', 'k'), '\n', 'a restarted server without persistence has lost the key');
    } finally {
      client.disconnect();
      await server.stop();
    }
  });

  it('starts redis-server on another port when its port is taken before it binds, never talking to the other server', async () => {
    // A listener that is not Redis holds the port: the first attempt fails with "Address already in use".
    const squatter = net.createServer((socket) => socket.end('-ERR not this one\r\n'));
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as net.AddressInfo).port;
    try {
      const server = await startRedis({ firstTry: taken });
      try {
        assert.notEqual(server.port, taken);
        assert.match(await server.cli('ping'), /PONG/);
      } finally {
        await server.stop();
      }
    } finally {
      squatter.close();
    }
  });

  it('keeps the real clock for redis-server under faketime (no LD_PRELOAD of libfaketime in its environment)', async () => {
    const server = await startRedis();
    try {
      const [seconds] = (await server.cli('time')).trim().split('\n');
      const serverNow = Number(seconds) * 1000;
      const real = Number(execFileSync('date', ['+%s'], { env: realClockEnv() }).toString().trim()) * 1000;
      assert.ok(Math.abs(serverNow - real) < 60_000, `redis-server's clock ${new Date(serverNow).toISOString()} is the real one`);
    } finally {
      await server.stop();
    }
  });

  it('starts a 3-master Redis Cluster whose slots are spread over every master', async () => {
    const cluster = await startCluster();
    const client = new Cluster([{ host: '127.0.0.1', port: cluster.masters[0].port }]);
    try {
      for (let i = 0; i < 30; i++) await client.set(`sess:${i}`, String(i));
      const counts = await Promise.all(cluster.masters.map(async (m) => Number((await m.cli('dbsize')).trim())));
      assert.equal(counts.reduce((a, b) => a + b, 0), 30);
      assert.ok(counts.every((c) => c > 0), `every master holds keys: ${counts.join(',')}`);
    } finally {
      client.disconnect();
      await cluster.stop();
    }
  });

  it('starts a master, a replica and a Sentinel that names the master', async () => {
    const setup = await startSentinel();
    const client = new Redis({ sentinels: [{ host: '127.0.0.1', port: setup.sentinel.port }], name: setup.masterName });
    try {
      await client.set('through-sentinel', 'yes');
      assert.match(await setup.master.cli('get', 'through-sentinel'), /yes/);
    } finally {
      client.disconnect();
      await setup.stop();
    }
  });

  it('runs the fixture dev server with connect-redis: login writes sess:<sid>, logout deletes it', async () => {
    const redis = await startRedis();
    const app = await startDevServer({ store: 'redis', redisUrl: redis.url });
    try {
      const browser = app.browser();
      assert.equal((await browser.get('/profile')).status, 401);
      const login = await browser.get('/login?user=alice');
      assert.equal(login.status, 200);
      const sid = await browser.sessionId();
      assert.equal(sid, login.body.sid);
      const stored = JSON.parse(await redis.cli('get', `sess:${sid}`));
      assert.equal(stored.user.name, 'alice');
      assert.equal((await browser.get('/profile')).status, 200);
      await browser.get('/logout');
      assert.equal((await redis.cli('exists', `sess:${sid}`)).trim(), '0');
      assert.equal((await browser.get('/profile')).status, 401);
    } finally {
      await app.stop();
      await redis.stop();
    }
  });

  it('runs the fixture dev server with the MemoryStore and an inspector port', async () => {
    const app = await startDevServer({ inspect: true });
    try {
      assert.match(app.inspectorUrl ?? '', /^ws:\/\/127\.0\.0\.1:\d+\//);
      const browser = app.browser();
      await browser.get('/login?user=bob');
      assert.equal((await browser.get('/profile')).body.user.name, 'bob');
    } finally {
      await app.stop();
    }
  });
});
