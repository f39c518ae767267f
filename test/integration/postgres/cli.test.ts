// `session-lens sessions --store postgres://…` (the built CLI) against a real PostgreSQL server whose sessions
// the fixture app wrote through connect-pg-simple: the JSON contract, --table/--schema, --password-env, and
// exit 2 with one line when the server cannot be reached or the table is not a session table.
import assert from 'node:assert/strict';
import { runCli } from '../../harness/cli';
import { startDevServer } from '../../harness/devServer';
import { PostgresServer, seedPgSessions, startPostgres } from '../../harness/postgres';
import { closedPort } from '../../harness/redis';

describe('cli: session-lens sessions --store postgres://', function () {
  this.timeout(60_000);
  let pg: PostgresServer;
  before(async () => { pg = await startPostgres(); });
  after(async () => { await pg?.stop(); });

  it('prints the sessions the app wrote as the JSON contract, with the sid as key', async () => {
    const app = await startDevServer({ store: 'pg', databaseUrl: pg.url, pgTable: 'web_sessions', pgSchema: 'auth' });
    try {
      await pg.query('CREATE SCHEMA IF NOT EXISTS auth');
      const alice = app.browser();
      await alice.get('/login?user=alice');
      await app.browser().get('/login?user=bob');
      const { code, stdout, stderr } = await runCli(['sessions', '--store', pg.url, '--table', 'web_sessions', '--schema', 'auth', '--json']);
      assert.equal(code, 0, stderr);
      const out = JSON.parse(stdout);
      assert.equal(out.total, 2);
      const a = out.sessions.find((s: { user: string }) => s.user === 'alice@example.test');
      assert.deepEqual(Object.keys(a), ['id', 'key', 'ttl', 'expiresAt', 'user', 'data']);
      assert.equal(a.id, await alice.sessionId());
      assert.equal(a.key, a.id);
      assert.equal(a.data.user.name, 'alice');
      assert.ok(a.ttl > 3500 && a.ttl <= 3601, `ttl ${a.ttl}`);

      const table = await runCli(['sessions', '--store', pg.url, '--table', 'web_sessions', '--schema', 'auth', '--limit', '1']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /1 of 2 sessions/);
    } finally {
      await app.stop();
    }
  });

  it('reads the password from --password-env and never prints it; a wrong one exits 2', async () => {
    await seedPgSessions(pg, { count: 3, table: 'seeded' });
    const withoutPassword = `postgres://${pg.user}@127.0.0.1:${pg.port}/${pg.database}`;
    const ok = await runCli(['sessions', '--store', withoutPassword, '--table', 'seeded', '--json', '--password-env', 'PG_PW'], { env: { PG_PW: pg.password } });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).total, 3);
    const missing = await runCli(['sessions', '--store', pg.url, '--table', 'no_such_table']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /there is no table no_such_table/);
    const wrong = await runCli(['sessions', '--store', `postgres://${pg.user}:wrong-secret-789@127.0.0.1:${pg.port}/${pg.database}`, '--json']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /refused the credentials/);
    assert.doesNotMatch(wrong.stderr + wrong.stdout, /wrong-secret-789/);
    assert.doesNotMatch(ok.stderr + ok.stdout, new RegExp(pg.password));
  });

  it('exits 2 with one line for a server that is not there and for a table that is not a session table', async () => {
    await pg.query('CREATE TABLE IF NOT EXISTS orders (id serial PRIMARY KEY, total int)');
    const notSessions = await runCli(['sessions', '--store', pg.url, '--table', 'orders']);
    assert.equal(notSessions.code, 2);
    assert.match(notSessions.stderr, /orders is not a session table: it has no sid, sess, expire columns/);
    assert.equal(notSessions.stderr.trim().split('\n').length, 1);
    const port = await closedPort();
    const down = await runCli(['sessions', '--store', `postgres://u@127.0.0.1:${port}/db`, '--json']);
    assert.equal(down.code, 2);
    assert.match(down.stderr, /nothing accepts connections at postgres:\/\/u@127\.0\.0\.1:\d+\/db/);
    assert.equal(down.stdout, '');
    const mixed = await runCli(['sessions', '--store', pg.url, '--prefix', 'x:']);
    assert.equal(mixed.code, 2);
    assert.match(mixed.stderr, /--prefix and --tls-ca are for a Redis store/);
  });
});
