// PostgreSQL over TLS: a server with a certificate from a throwaway CA. `sslmode=verify-full` with
// `sslrootcert` (as the app's DATABASE_URL would say) reads the sessions over an encrypted connection; without
// the CA the server is refused with one clear line, in the source and in the CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgSessionSource } from '../../../src/core/postgres/pgSessionSource';
import { parsePostgresUrl } from '../../../src/core/postgres/target';
import { listAllSessions } from '../../../src/core/sessions/listAll';
import { makeCertificates, type TestCertificates } from '../../harness/certificates';
import { runCli } from '../../harness/cli';
import { type PostgresServer, seedPgSessions, startPostgres } from '../../harness/postgres';

describe('postgres over TLS (sslmode)', function () {
  this.timeout(60_000);
  let dir: string;
  let certs: TestCertificates;
  let pg: PostgresServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'session-lens-pg-tls-'));
    certs = makeCertificates(dir);
    pg = await startPostgres({ tls: { cert: certs.cert, key: certs.key } });
    await seedPgSessions(pg, { count: 3 });
  });
  after(async () => {
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists over an encrypted connection when the URL trusts the CA (sslmode=verify-full, sslrootcert)', async () => {
    const url = `${pg.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(certs.ca)}`;
    const source = await PgSessionSource.connect({ id: 'pg:tls', target: parsePostgresUrl(url) });
    try {
      assert.equal((await listAllSessions(source)).sessions.length, 3);
      const { rows } = await pg.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'session-lens' AND s.ssl");
      assert.ok(Number(rows[0].n) >= 1, 'the source\'s connection is encrypted');
    } finally {
      await source.close();
    }
    const cli = await runCli(['sessions', '--store', url, '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).total, 3);
  });

  it('refuses a server whose certificate it cannot verify, with one clear line', async () => {
    const url = `${pg.url}?sslmode=verify-full`;
    await assert.rejects(PgSessionSource.connect({ id: 'pg:untrusted', target: parsePostgresUrl(url) }), /the TLS certificate of postgres:\/\/session_lens@127\.0\.0\.1:\d+\/session_lens_test \(session\) cannot be verified \(unable to verify the first certificate\): name its CA with sslrootcert=FILE/);
    const cli = await runCli(['sessions', '--store', url]);
    assert.equal(cli.code, 2);
    assert.equal(cli.stderr.trim().split('\n').filter((l) => !/SECURITY WARNING|sslmode|libpq|uselibpqcompat|prepare for this change|current behavior|trace-warnings|^\s*$|^- /i.test(l)).length, 1, cli.stderr);
    assert.doesNotMatch(cli.stderr, new RegExp(pg.password));
  });
});
