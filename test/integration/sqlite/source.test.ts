// The SQLite source against databases written by the real better-sqlite3-session-store (the fixture app, in WAL
// mode with its log not yet checkpointed) and in connect-sqlite3's layout: listing through the write-ahead log,
// live changes from the file watcher, writes refused with the reason and the files left byte for byte, a
// database locked by a writer, a table that is not a session table, and the CLI's `--store sqlite:PATH`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../../harness/cli';
import { DevServer, startDevServer } from '../../harness/devServer';
import { expectLiveLoginWriteLogout } from '../../harness/sourceEvents';
import { SqliteSessionSource, SqliteTableError } from '../../../src/core/sqlite/sqliteSessionSource';
import { ReadOnlySourceError } from '../../../src/core/sessions/sourceBase';
import { listAllSessions } from '../../../src/core/sessions/listAll';

/** The bytes of the database and its log, to show nothing was written. */
function fingerprint(file: string): string {
  const hash = createHash('sha256');
  for (const f of [file, `${file}-wal`]) if (existsSync(f)) hash.update(readFileSync(f));
  return hash.digest('hex');
}

describe('sqlite session source', function () {
  this.timeout(60_000);
  let dir: string;

  before(() => { dir = mkdtempSync(join(tmpdir(), 'session-lens-sqlite-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  describe('better-sqlite3-session-store (fixture app, WAL mode)', () => {
    let app: DevServer;
    let file: string;
    let source: SqliteSessionSource;

    before(async () => {
      file = join(dir, 'app.db');
      app = await startDevServer({ store: 'sqlite', sqliteFile: file, sqliteWal: true });
      await app.browser().get('/login?user=setup');
      source = new SqliteSessionSource({ id: 'sqlite:test', file, changeBatchMs: 50 });
      source.start();
    });
    after(async () => {
      await source?.close();
      await app?.stop();
    });

    it('lists the sessions the app wrote, read through its write-ahead log, with user and expiry', async () => {
      const alice = app.browser();
      await alice.get('/login?user=alice');
      assert.ok(existsSync(`${file}-wal`), 'the app runs in WAL mode');
      const { sessions } = await listAllSessions(source);
      const a = sessions.find((s) => s.user === 'alice@example.test');
      assert.ok(a, `alice's session is listed (${sessions.map((s) => s.user).join(', ')})`);
      assert.equal(a.id, await alice.sessionId());
      assert.ok(a.ttl! > 3500 && a.ttl! <= 3600, `ttl ${a.ttl}`);
      assert.equal(source.writable, false);
    });

    it('reports logins, writes and logouts live from the file watcher', async () => {
      const id = await expectLiveLoginWriteLogout(source, app, 'bob');
      assert.equal(await source.get(id), undefined);
    });

    it('refuses every write with the reason, leaving the database and its log byte for byte', async () => {
      const carol = app.browser();
      await carol.get('/login?user=carol');
      const id = (await carol.sessionId())!;
      const before = fingerprint(file);
      await assert.rejects(source.set(id, { hacked: true }), (err: Error) => err instanceof ReadOnlySourceError && /could corrupt the database the running app holds open/.test(err.message));
      await assert.rejects(source.destroy(id), ReadOnlySourceError);
      await assert.rejects(source.extend(id, 60), ReadOnlySourceError);
      source.allowWrites(true);
      assert.equal(source.writable, false, 'writes cannot be allowed');
      assert.equal(fingerprint(file), before);
      assert.equal((await carol.get('/profile')).status, 200);
    });

    it('the CLI lists it as JSON and exits 2 for a file that is not there', async () => {
      const out = await runCli(['sessions', '--store', `sqlite:${file}`, '--json']);
      assert.equal(out.code, 0, out.stderr);
      const parsed = JSON.parse(out.stdout) as { sessions: { key: string; id: string; user: string }[]; total: number };
      assert.ok(parsed.total >= 2);
      assert.ok(parsed.sessions.every((s) => s.key === s.id));
      assert.ok(parsed.sessions.some((s) => s.user === 'alice@example.test'));
      const missing = await runCli(['sessions', '--store', `sqlite:${join(dir, 'nope.db')}`]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /there is no SQLite database at .*nope\.db yet/);
    });
  });

  it('reads connect-sqlite3\'s layout (expired in ms), leaving out ended sessions', async () => {
    const file = join(dir, 'connect-sqlite3.db');
    const db = new Database(file);
    // The table as connect-sqlite3 creates it.
    db.exec('CREATE TABLE IF NOT EXISTS sessions (sid PRIMARY KEY, expired, sess)');
    const insert = db.prepare('INSERT INTO sessions (sid, expired, sess) VALUES (?, ?, ?)');
    insert.run('live-1', Date.now() + 600_000, JSON.stringify({ cookie: { originalMaxAge: 600_000 }, passport: { user: 'erin' } }));
    insert.run('ended-1', Date.now() - 1000, JSON.stringify({ cookie: {}, passport: { user: 'old' } }));
    db.close();
    const source = await SqliteSessionSource.connect({ id: 'sqlite:c3', file });
    try {
      const { sessions } = await listAllSessions(source);
      assert.deepEqual(sessions.map((s) => [s.id, s.user]), [['live-1', 'erin']]);
      assert.ok(sessions[0].ttl! > 590 && sessions[0].ttl! <= 600);
    } finally {
      await source.close();
    }
  });

  it('reads the last committed state of a database a writer holds locked, without waiting', async () => {
    const file = join(dir, 'locked.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE sessions (sid TEXT PRIMARY KEY, sess JSON NOT NULL, expire TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO sessions VALUES (?, ?, ?)');
    insert.run('committed', JSON.stringify({ userId: 'u1' }), new Date(Date.now() + 600_000).toISOString());
    db.exec('BEGIN EXCLUSIVE');
    insert.run('in-flight', JSON.stringify({ userId: 'u2' }), new Date(Date.now() + 600_000).toISOString());
    try {
      const source = await SqliteSessionSource.connect({ id: 'sqlite:locked', file });
      try {
        assert.deepEqual((await listAllSessions(source)).sessions.map((s) => s.id), ['committed']);
      } finally {
        await source.close();
      }
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
  });

  it('refuses a table that is not a session table, and a file that is not a database', async () => {
    const file = join(dir, 'other.db');
    const db = new Database(file);
    db.exec('CREATE TABLE sessions (id INTEGER PRIMARY KEY, title TEXT)');
    db.close();
    await assert.rejects(SqliteSessionSource.connect({ id: 'sqlite:other', file }),
      (err: Error) => err instanceof SqliteTableError && /is not a session table/.test(err.message));
    await assert.rejects(SqliteSessionSource.connect({ id: 'sqlite:other', file, table: 'nope' }), /there is no table nope/);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some text that is long enough to pass the size check of the header'.repeat(2));
    await assert.rejects(SqliteSessionSource.connect({ id: 'sqlite:text', file: text }), /not an SQLite database file/);
  });
});
