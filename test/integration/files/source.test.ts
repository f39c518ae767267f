// The session-file-store source against the files the real session-file-store writes for the fixture app, and
// the CLI's `--store file:DIR`.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../harness/cli';
import { DevServer, startDevServer } from '../../harness/devServer';
import { expectLiveLoginWriteLogout } from '../../harness/sourceEvents';
import { FileSessionSource, SessionPathError } from '../../../src/core/files/fileSessionSource';
import { ReadOnlySourceError } from '../../../src/core/sessions/sourceBase';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { SessionChangedError } from '../../../src/core/sessions/types';

describe('session-file-store source (fixture app)', function () {
  this.timeout(60_000);
  let dir: string;
  let app: DevServer;
  let source: FileSessionSource;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'session-lens-files-'));
    app = await startDevServer({ store: 'file', sessionDir: dir });
    source = new FileSessionSource({ id: 'files:test', dir, changeBatchMs: 50 });
    source.start();
  });
  after(async () => {
    await source?.close();
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const name of readdirSync(dir)) rmSync(join(dir, name), { force: true });
  });

  it('lists the sessions the app wrote, with user and the expiry the store applies; leaves out ended and temporary files', async () => {
    const alice = app.browser();
    await alice.get('/login?user=alice');
    await app.browser().get('/count');
    writeFileSync(join(dir, 'ended.json'), JSON.stringify({ cookie: { originalMaxAge: 1000 }, __lastAccess: Date.now() - 60_000 }));
    writeFileSync(join(dir, 'half.json'), '{"cookie":{"originalMaxAge":36');
    writeFileSync(join(dir, 'x.json.1234567'), '{}');
    const { sessions } = await listAllSessions(source);
    const ids = sessions.map((s) => s.id).sort();
    assert.equal(ids.length, 3, ids.join(', '));
    const a = sessions.find((s) => s.user === 'alice@example.test');
    assert.ok(a);
    assert.equal(a.id, await alice.sessionId());
    assert.equal(a.key, join(dir, `${a.id}.json`));
    assert.ok(a.ttl! > 3500 && a.ttl! <= 3600, `ttl ${a.ttl}`);
    const half = sessions.find((s) => s.id === 'half');
    assert.equal(half?.data, null);
    assert.match(half!.raw!, /^not JSON/);
  });

  it('edits with compare-and-set (the app sees it), logs out, and extends the cookie with the file', async () => {
    const bob = app.browser();
    await bob.get('/login?user=bob');
    const id = (await bob.sessionId())!;
    const read = await source.get(id);
    assert.ok(read?.value);
    await source.set(id, { ...(read.data as object), user: { name: 'bob', email: 'bob@example.test', roles: ['admin'] } }, { expectRaw: read.value });
    assert.deepEqual((await bob.get('/profile')).body.user.roles, ['admin']);
    await assert.rejects(source.set(id, { hacked: true }, { expectRaw: read.value }), SessionChangedError);
    assert.equal((JSON.parse(readFileSync(join(dir, `${id}.json`), 'utf8')) as { hacked?: boolean }).hacked, undefined);
    await source.extend(id, 7200);
    const extended = await source.get(id);
    assert.ok(extended!.ttl! > 7100 && extended!.ttl! <= 7200, `ttl ${extended!.ttl}`);
    const cookieExpires = new Date((extended!.data as { cookie: { expires: string } }).cookie.expires).getTime();
    assert.ok(Math.abs(cookieExpires - (Date.now() + 7200_000)) < 5000);
    assert.equal((await bob.get('/profile')).status, 200);
    assert.equal(await source.destroy(id), true);
    assert.equal((await bob.get('/profile')).status, 401);
    assert.equal(await source.destroy(id), false);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file is left behind');
  });

  it('never touches a file outside the directory, and a read-only source writes nothing', async () => {
    const outside = join(dir, '..', `outside-${process.pid}.json`);
    writeFileSync(outside, '{"kept":true}');
    try {
      for (const id of ['../outside', '..', 'a/b', 'a\\b', '', 'x\0y']) {
        await assert.rejects(source.set(id, { x: 1 }), SessionPathError, id);
        await assert.rejects(source.destroy(id), SessionPathError, id);
      }
      assert.equal(readFileSync(outside, 'utf8'), '{"kept":true}');
    } finally {
      rmSync(outside, { force: true });
    }
    const carol = app.browser();
    await carol.get('/login?user=carol');
    const id = (await carol.sessionId())!;
    const readOnly = await FileSessionSource.connect({ id: 'files:ro', dir, writable: false });
    try {
      const before = readFileSync(join(dir, `${id}.json`), 'utf8');
      await assert.rejects(readOnly.set(id, { x: 1 }), ReadOnlySourceError);
      await assert.rejects(readOnly.destroy(id), ReadOnlySourceError);
      await assert.rejects(readOnly.extend(id, 60), ReadOnlySourceError);
      assert.equal(readFileSync(join(dir, `${id}.json`), 'utf8'), before);
    } finally {
      await readOnly.close();
    }
  });

  it('reports logins, writes and logouts live from the directory watcher', async () => {
    await expectLiveLoginWriteLogout(source, app, 'dave');
  });

  it('the CLI lists the directory as JSON (key = the file) and exits 2 for a directory that is not there', async () => {
    const erin = app.browser();
    await erin.get('/login?user=erin');
    const out = await runCli(['sessions', '--store', `file:${dir}`, '--json']);
    assert.equal(out.code, 0, out.stderr);
    const parsed = JSON.parse(out.stdout);
    assert.equal(parsed.total, 1);
    assert.equal(parsed.sessions[0].key, join(dir, `${await erin.sessionId()}.json`));
    assert.equal(parsed.sessions[0].user, 'erin@example.test');
    const missing = await runCli(['sessions', '--store', `file:${join(dir, 'nope')}`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /there is no session directory .*nope yet/);
  });
});
