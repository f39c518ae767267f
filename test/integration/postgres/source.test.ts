// The PostgreSQL session source against a real PostgreSQL server, with sessions written by the fixture app
// through the real connect-pg-simple (express-session) over its HTTP routes.
import assert from 'node:assert/strict';
import { DevServer, startDevServer } from '../../harness/devServer';
import { expectLiveLoginWriteLogout } from '../../harness/sourceEvents';
import { PostgresServer, seedPgSessions, startPostgres } from '../../harness/postgres';
import { PgSessionSource, SessionTableError } from '../../../src/core/postgres/pgSessionSource';
import { parsePostgresUrl } from '../../../src/core/postgres/target';
import { ReadOnlySourceError } from '../../../src/core/sessions/sourceBase';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { SessionChangedError } from '../../../src/core/sessions/types';
import { stateReached } from '../redis/helpers';

describe('postgres session source (connect-pg-simple, fixture app)', function () {
  this.timeout(60_000);
  let pg: PostgresServer;
  let app: DevServer;
  let source: PgSessionSource;

  before(async () => {
    pg = await startPostgres();
    app = await startDevServer({ store: 'pg', databaseUrl: pg.url });
    // The store creates its table on first use: a login makes sure it is there before the source checks it.
    await app.browser().get('/login?user=setup');
    source = new PgSessionSource({ id: 'pg:test', target: parsePostgresUrl(pg.url), changeBatchMs: 50, pollIntervalMs: 100 });
    source.start();
    await stateReached(source, 'connected');
  });
  after(async () => {
    await source?.close();
    await app?.stop();
    await pg?.stop();
  });
  beforeEach(async () => { await pg.query('DELETE FROM session'); });

  it('lists the sessions the app wrote, with user, TTL and expiry, and leaves out expired rows', async () => {
    const alice = app.browser();
    const anon = app.browser();
    await alice.get('/login?user=alice');
    await anon.get('/count');
    await pg.query(`INSERT INTO session (sid, sess, expire) VALUES ('gone', '{"user":{"name":"old"}}', to_timestamp($1::double precision))`, [(Date.now() - 60_000) / 1000]);
    const { sessions } = await listAllSessions(source);
    assert.equal(sessions.length, 2);
    const a = sessions.find((s) => s.user === 'alice@example.test');
    assert.ok(a, JSON.stringify(sessions));
    assert.equal(a.id, await alice.sessionId());
    assert.equal(a.key, a.id);
    // The store rounds the expiry up to the second.
    assert.ok(a.ttl! > 3500 && a.ttl! <= 3601, `ttl ${a.ttl}`);
    assert.ok(Math.abs(new Date(a.expiresAt!).getTime() - (Date.now() + 3600_000)) < 5000, a.expiresAt!);
    assert.equal(sessions.find((s) => s.id !== a.id)?.user, null);
  });

  it('pages by sid without repeating or skipping a session, and says when a value is too large to list', async () => {
    await seedPgSessions(pg, { count: 2500 });
    const big = JSON.stringify({ cookie: {}, blob: 'x'.repeat(3000) });
    await pg.query(`INSERT INTO session (sid, sess, expire) VALUES ('zz-big', $1, to_timestamp($2::double precision))`, [big, (Date.now() + 3600_000) / 1000]);
    const first = await source.list({ limit: 1000 });
    assert.equal(first.sessions.length, 1000);
    assert.ok(first.cursor);
    const { sessions } = await listAllSessions(source, { pageSize: 700 });
    assert.equal(sessions.length, 2501);
    assert.equal(new Set(sessions.map((s) => s.id)).size, 2501);
    const small = new PgSessionSource({ id: 'pg:small', target: parsePostgresUrl(pg.url), liveUpdates: 'off', maxValueBytes: 1000 });
    small.start();
    try {
      const page = await small.list({ cursor: 'zz', limit: 10 });
      assert.equal(page.sessions.length, 1);
      assert.equal(page.sessions[0].data, null);
      assert.match(page.sessions[0].raw!, /^\(\d\.\d KB value, not loaded/);
      assert.equal(page.cursor, undefined);
      const full = await small.get('zz-big');
      assert.equal((full!.data as { blob: string }).blob.length, 3000);
    } finally {
      await small.close();
    }
  });

  it('edits with compare-and-set: the app sees the edit, and a change meanwhile is never overwritten', async () => {
    const bob = app.browser();
    await bob.get('/login?user=bob');
    const id = (await bob.sessionId())!;
    const read = await source.get(id);
    assert.ok(read?.value);
    const edited = { ...(read.data as object), user: { name: 'bob', email: 'bob@example.test', roles: ['admin'] } };
    await source.set(id, edited, { expectRaw: read.value });
    assert.deepEqual((await bob.get('/profile')).body.user.roles, ['admin']);
    // The app wrote the session (views + 1) since `read`: the stale edit is refused and nothing is written.
    await assert.rejects(source.set(id, { ...(read.data as object), hacked: true }, { expectRaw: read.value }), SessionChangedError);
    const after = await source.get(id);
    assert.equal((after!.data as { hacked?: boolean }).hacked, undefined);
    await source.destroy(id);
    await assert.rejects(source.set(id, edited, { expectRaw: after!.value }), /expired or was deleted/);
  });

  it('logs a browser out (destroy) and extends a session, moving expire and the cookie expiry together', async () => {
    const carol = app.browser();
    await carol.get('/login?user=carol');
    const id = (await carol.sessionId())!;
    await source.extend(id, 7200);
    const { rows } = await pg.query<{ expire_ms: string; sess: { cookie: { expires: string } } }>(
      'SELECT extract(epoch FROM expire::timestamptz) * 1000 AS expire_ms, sess FROM session WHERE sid = $1', [id]);
    const expireMs = Number(rows[0].expire_ms);
    assert.ok(Math.abs(expireMs - (Date.now() + 7200_000)) < 5000, `expire ${new Date(expireMs).toISOString()}`);
    assert.ok(Math.abs(new Date(rows[0].sess.cookie.expires).getTime() - expireMs) < 1000, 'the cookie expires with the row');
    assert.equal((await source.get(id))!.ttl! > 7100, true);
    assert.equal((await carol.get('/profile')).status, 200);
    assert.equal(await source.destroy(id), true);
    assert.equal((await carol.get('/profile')).status, 401);
    assert.equal(await source.destroy(id), false);
    await assert.rejects(source.extend(id, 60), SessionChangedError);
  });

  it('reports logins, edits and logouts as live changes from the polled signature', async () => {
    await expectLiveLoginWriteLogout(source, app, 'dave');
  });

  it('refuses writes on a read-only connection, and writes nothing', async () => {
    const erin = app.browser();
    await erin.get('/login?user=erin');
    const id = (await erin.sessionId())!;
    const readOnly = new PgSessionSource({ id: 'pg:ro', target: parsePostgresUrl(pg.url), writable: false, liveUpdates: 'off' });
    readOnly.start();
    try {
      const before = await readOnly.get(id);
      assert.ok(before);
      await assert.rejects(readOnly.set(id, { x: 1 }), ReadOnlySourceError);
      await assert.rejects(readOnly.destroy(id), ReadOnlySourceError);
      await assert.rejects(readOnly.extend(id, 60), ReadOnlySourceError);
      assert.equal((await readOnly.get(id))!.value, before.value);
    } finally {
      await readOnly.close();
    }
  });

  it('refuses a table that is not a session table (and a missing one) with a clear error, reading and writing nothing', async () => {
    await pg.query('CREATE TABLE IF NOT EXISTS accounts (id serial PRIMARY KEY, email text)');
    await pg.query(`INSERT INTO accounts (email) VALUES ('kept@example.test')`);
    await assert.rejects(PgSessionSource.connect({ id: 'pg:bad', target: parsePostgresUrl(pg.url, { table: 'accounts' }) }),
      (err: Error) => err instanceof SessionTableError && /accounts is not a session table: it has no sid, sess, expire columns/.test(err.message));
    await assert.rejects(PgSessionSource.connect({ id: 'pg:none', target: parsePostgresUrl(pg.url, { table: 'sessions_nope' }) }),
      /there is no table sessions_nope/);
    const { rows } = await pg.query<{ email: string }>('SELECT email FROM accounts');
    assert.deepEqual(rows.map((r) => r.email), ['kept@example.test']);
  });

  it('reads a custom table and schema (tableName, schemaName) and quotes their names', async () => {
    await pg.query('CREATE SCHEMA IF NOT EXISTS "auth data"');
    await pg.query('CREATE TABLE IF NOT EXISTS "auth data"."user ""sessions""" (sid varchar PRIMARY KEY, sess jsonb NOT NULL, expire timestamptz NOT NULL)');
    await pg.query(`INSERT INTO "auth data"."user ""sessions""" VALUES ('s1', '{"userId": "u-1"}', to_timestamp($1::double precision)) ON CONFLICT DO NOTHING`, [(Date.now() + 600_000) / 1000]);
    const custom = await PgSessionSource.connect({ id: 'pg:custom', target: parsePostgresUrl(pg.url, { table: 'user "sessions"', schema: 'auth data' }) });
    try {
      const { sessions } = await listAllSessions(custom);
      assert.deepEqual(sessions.map((s) => [s.id, s.user]), [['s1', 'u-1']]);
      assert.ok(sessions[0].ttl! > 500 && sessions[0].ttl! <= 600);
    } finally {
      await custom.close();
    }
  });

  it('goes disconnected when PostgreSQL stops mid-listing, retries, and lists again once it is back', async () => {
    await seedPgSessions(pg, { count: 3000 });
    const first = await source.list({ limit: 1000 });
    const down = stateReached(source, 'disconnected', 20_000);
    await pg.restart(async () => {
      await assert.rejects(source.list({ cursor: first.cursor, limit: 1000 }));
      const state = await down;
      assert.equal(state.kind === 'disconnected' && state.retrying, true);
    });
    await stateReached(source, 'connected', 30_000);
    const { sessions } = await listAllSessions(source);
    assert.equal(sessions.length, 3000);
  });
});
