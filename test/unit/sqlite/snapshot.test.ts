// The WAL replay against databases the real SQLite (better-sqlite3) writes: committed transactions in the log
// are seen, an open transaction and torn or stale frames are not, and the files are never written.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import initSqlJs from 'sql.js';
import { applyWal, readDatabaseSnapshot, SnapshotError } from '../../../src/core/sqlite/snapshot';

describe('sqlite snapshot (database + write-ahead log)', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'session-lens-snapshot-')); });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  async function count(image: Uint8Array, where = '1'): Promise<number> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(image);
    try {
      return Number(db.exec(`SELECT count(*) FROM t WHERE ${where}`)[0].values[0][0]);
    } finally {
      db.close();
    }
  }

  it('applies the committed transactions of the log, leaves out an open one, and writes nothing', async () => {
    const file = join(dir, 'wal.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(200));
    db.prepare('DELETE FROM t WHERE id <= 10').run();
    db.exec('BEGIN');
    insert.run('uncommitted');
    try {
      const hash = () => createHash('sha256').update(readFileSync(file)).update(readFileSync(`${file}-wal`)).digest('hex');
      const before = hash();
      const image = await readDatabaseSnapshot(file);
      assert.equal(await count(image), 290);
      assert.equal(await count(image, "v = 'uncommitted'"), 0);
      assert.equal(hash(), before, 'the database and its log are untouched');
      await assert.rejects(count(applyWal(readFileSync(file), undefined)), /no such table/, 'the main file alone holds none of it yet');
    } finally {
      db.exec('ROLLBACK');
      db.close();
    }
  });

  it('stops at a torn frame and ignores a log of another generation (salts)', async () => {
    const file = join(dir, 'torn.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('first');
    const afterFirst = readFileSync(`${file}-wal`).length;
    db.prepare('INSERT INTO t (v) VALUES (?)').run('second');
    const main = readFileSync(file);
    const wal = readFileSync(`${file}-wal`);
    db.close();
    // A flipped byte in the second transaction's last frame: its checksum no longer holds.
    const torn = Buffer.from(wal);
    torn[torn.length - 10] ^= 0xff;
    assert.deepEqual(await rows(applyWal(main, torn)), ['first']);
    assert.ok(afterFirst < wal.length);
    // Another generation: the frames' salts do not match the header's.
    const stale = Buffer.from(wal);
    stale.writeUInt32BE(stale.readUInt32BE(16) + 1, 16);
    assert.throws(() => applyWal(Buffer.alloc(10), wal), SnapshotError);
    await assert.rejects(count(applyWal(main, stale)), /no such table/, 'a log whose header checksum fails is not applied');
  });

  it('refuses a file that is not an SQLite database', async () => {
    const file = join(dir, 'text.db');
    writeFileSync(file, 'hello, this is not a database '.repeat(10));
    await assert.rejects(readDatabaseSnapshot(file), /not an SQLite database file/);
  });

  async function rows(image: Uint8Array): Promise<string[]> {
    const SQL = await initSqlJs();
    const db = new SQL.Database(image);
    try {
      return db.exec('SELECT v FROM t ORDER BY id')[0].values.map((r) => String(r[0]));
    } finally {
      db.close();
    }
  }
});
