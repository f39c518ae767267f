import assert from 'node:assert/strict';
import { findPostgresUrls } from '../../../src/core/postgres/discovery';
import { PostgresUrlError, describePostgres, isLoopbackPostgres, parsePostgresUrl, quotedTable } from '../../../src/core/postgres/target';

describe('postgres target', () => {
  it('parses postgres:// and postgresql:// URLs, keeping the password apart and out of the description', () => {
    const t = parsePostgresUrl('postgres://app:s3cret@127.0.0.1:5433/shop');
    assert.equal(t.password, 's3cret');
    assert.equal(t.config.password, undefined);
    assert.equal(t.config.host, '127.0.0.1');
    assert.equal(Number(t.config.port), 5433);
    assert.equal(t.table, 'session');
    assert.equal(describePostgres(t), 'postgres://app@127.0.0.1:5433/shop (session)');
    assert.equal(describePostgres(parsePostgresUrl('postgresql://u@db.internal/x', { table: 'web', schema: 'auth' })), 'postgres://u@db.internal:5432/x (auth.web)');
    assert.equal(parsePostgresUrl('postgres://u:from-url@h/d', { password: 'from-keychain' }).password, 'from-keychain');
  });

  it('tells loopback hosts and sockets from remote ones', () => {
    assert.equal(isLoopbackPostgres(parsePostgresUrl('postgres://u@localhost/d')), true);
    assert.equal(isLoopbackPostgres(parsePostgresUrl('postgres://u@127.0.0.2:5432/d')), true);
    assert.equal(isLoopbackPostgres(parsePostgresUrl('postgres://u@[::1]:5432/d')), true);
    assert.equal(isLoopbackPostgres(parsePostgresUrl('postgres:///d?host=/var/run/postgresql')), true);
    assert.equal(isLoopbackPostgres(parsePostgresUrl('postgres://u@10.0.0.5/d')), false);
    assert.equal(isLoopbackPostgres(parsePostgresUrl('postgres://u@db.example.com/d')), false);
  });

  it('refuses what is not a PostgreSQL URL, without echoing its credentials', () => {
    assert.throws(() => parsePostgresUrl('mysql://u:pw123@h/d'), (err: Error) => err instanceof PostgresUrlError && !err.message.includes('pw123'));
    assert.throws(() => parsePostgresUrl('postgres://u:pw456@h:99999/d'), (err: Error) => /is not a valid PostgreSQL URL/.test(err.message) && !err.message.includes('pw456'));
  });

  it('quotes table and schema names, doubling quotes inside them', () => {
    assert.equal(quotedTable({ table: 'session' }), '"session"');
    assert.equal(quotedTable({ table: 'user "sessions"', schema: 'auth data' }), '"auth data"."user ""sessions"""');
    assert.throws(() => quotedTable({ table: '' }), PostgresUrlError);
  });
});

describe('postgres URLs in .env text', () => {
  it('finds DATABASE_URL-style variables holding postgres:// URLs, and puts the libpq variables together', () => {
    const found = findPostgresUrls([
      'DATABASE_URL=postgres://app:pw@127.0.0.1:5432/shop',
      'POSTGRES_URL="postgresql://app@localhost/other"',
      'REDIS_URL=redis://127.0.0.1:6379',
      'ANALYTICS_DB_URL=mysql://x@h/y',
      'PGHOST=127.0.0.1', 'PGPORT=5433', 'PGUSER=me', 'PGPASSWORD=p@ss', 'PGDATABASE=dev',
    ].join('\n'));
    assert.deepEqual(found, [
      { variable: 'DATABASE_URL', url: 'postgres://app:pw@127.0.0.1:5432/shop' },
      { variable: 'POSTGRES_URL', url: 'postgresql://app@localhost/other' },
      { variable: 'PGHOST', url: 'postgres://me:p%40ss@127.0.0.1:5433/dev' },
    ]);
    assert.equal(parsePostgresUrl(found[2].url).password, 'p@ss');
    assert.deepEqual(findPostgresUrls('PGUSER=me\n'), [], 'no host, no URL');
  });
});
