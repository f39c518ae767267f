// Any express-session store through the running app (the Node inspector): the fixture app on connect-redis,
// connect-pg-simple, session-file-store and better-sqlite3-session-store, each listed with the store's own
// methods inside the app, named (`RedisStore#1`), edited with compare-and-set, logged out and extended; a
// custom store that cannot list is named with what is possible.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listInspectorSessions } from '../../../src/core/inspector/cli';
import { addressEndpoint } from '../../../src/core/inspector/endpoint';
import { InspectorSessionSource } from '../../../src/core/inspector/inspectorSource';
import { SessionChangedError } from '../../../src/core/sessions/types';
import { runCli } from '../../harness/cli';
import { type DevServer, type DevServerOptions, startDevServer } from '../../harness/devServer';
import { type PostgresServer, startPostgres } from '../../harness/postgres';
import { type RedisServer, startRedis } from '../../harness/redis';

describe('any store through the running app', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let pg: PostgresServer;
  let dir: string;

  before(async () => {
    redis = await startRedis();
    pg = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'session-lens-any-store-'));
  });
  after(async () => {
    await redis?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stores: { name: string; store: string; options: () => DevServerOptions }[] = [
    { name: 'connect-redis', store: 'RedisStore#1', options: () => ({ store: 'redis', redisUrl: redis.url }) },
    { name: 'connect-pg-simple (no all(): its own query and table)', store: 'PGStore#1', options: () => ({ store: 'pg', databaseUrl: pg.url }) },
    { name: 'session-file-store', store: 'FileStore#1', options: () => ({ store: 'file', sessionDir: join(dir, 'files') }) },
    { name: 'better-sqlite3-session-store', store: 'SqliteStore#1', options: () => ({ store: 'sqlite', sqliteFile: join(dir, 'app.db') }) },
  ];

  for (const variant of stores) {
    it(`${variant.name}: lists, edits, logs out and extends through the app's store`, async () => {
      const app: DevServer = await startDevServer({ inspect: true, ...variant.options() });
      const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!, { reconnect: false }), { pollMs: 0 });
      try {
        const alice = app.browser();
        const bob = app.browser();
        await alice.get('/login?user=alice');
        await bob.get('/login?user=bob');
        const aliceId = (await alice.sessionId())!;
        const bobId = (await bob.sessionId())!;

        const listed = await listInspectorSessions(app.inspectorAddress!);
        assert.deepEqual(listed.stores, [variant.store]);
        const mine = listed.sessions.filter((s) => s.id === aliceId || s.id === bobId);
        assert.deepEqual(mine.map((s) => s.user).sort(), ['alice@example.test', 'bob@example.test']);
        assert.ok(mine.every((s) => s.store === variant.store && s.ttl! > 3500));
        assert.equal((listed.sessions.find((s) => s.id === aliceId)!.data as { id?: string }).id, undefined, 'the id all() adds is not part of the session');

        await source.start();
        const page = await source.list({ limit: 1 });
        assert.equal(page.sessions.length, 1);
        assert.ok(page.cursor, 'paged');
        const read = await source.get(aliceId);
        assert.ok(read);
        const edited = { ...(read.data as object), user: { name: 'alice', email: 'alice@example.test', roles: ['admin', 'auditor'] } };
        await source.set(aliceId, edited, { expectRaw: JSON.stringify(read.data) });
        assert.deepEqual((await alice.get('/profile')).body.user.roles, ['admin', 'auditor'], 'the app reads the edit');
        // The app wrote the session since (views + 1): a stale edit is refused.
        await assert.rejects(source.set(aliceId, { ...(read.data as object), hacked: true }, { expectRaw: JSON.stringify(read.data) }), SessionChangedError);

        await source.extend(aliceId, 7200);
        const extended = await source.get(aliceId);
        assert.ok(extended!.ttl! > 7100, `ttl ${extended!.ttl}`);
        assert.equal((await alice.get('/profile')).status, 200);

        assert.equal(await source.destroy(bobId), true);
        assert.equal((await bob.get('/profile')).status, 401, 'bob is logged out');
        assert.equal(await source.get(bobId), undefined);
      } finally {
        await source.close();
        await app.stop();
      }
    });
  }

  it('the CLI names the store (`sessions --inspect --json`), and a store that cannot list says what it can do', async () => {
    const app = await startDevServer({ inspect: true, store: 'pg', databaseUrl: pg.url });
    try {
      await app.browser().get('/login?user=carol');
      const out = await runCli(['sessions', '--inspect', app.inspectorAddress!, '--json']);
      assert.equal(out.code, 0, out.stderr);
      const parsed = JSON.parse(out.stdout) as { sessions: { store: string; user: string }[] };
      assert.ok(parsed.sessions.some((s) => s.user === 'carol@example.test' && s.store === 'PGStore#1'));
    } finally {
      await app.stop();
    }
    const custom = await startDevServer({ inspect: true, env: { SESSION_STORE_CUSTOM: 'get-set-destroy' } });
    try {
      await assert.rejects(listInspectorSessions(custom.inspectorAddress!), /listing the sessions of LookupOnlyStore#1 failed: .*no way to list its sessions \(no all\(\)\): a session can still be found from its cookie/);
    } finally {
      await custom.stop();
    }
  });
});
