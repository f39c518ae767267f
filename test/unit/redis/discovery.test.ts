import assert from 'node:assert/strict';
import { findAppUrl, findRedisUrls, findStorePrefix, normalizeAppUrl } from '../../../src/core/redis/discovery';

describe('redis discovery in the workspace', () => {
  it('finds REDIS_URL-style variables in .env text', () => {
    const env = [
      '# comment',
      'REDIS_URL=redis://127.0.0.1:6379',
      'SESSION_REDIS_URL="rediss://u:p@cache:6380/1"',
      'REDIS_HOST=127.0.0.1',
      'DATABASE_URL=postgres://x',
      "KV_URL='redis+sentinel://h:26379/m'",
      'OTHER_URL=redis://not-a-redis-variable',
    ].join('\n');
    assert.deepEqual(findRedisUrls(env), [
      { variable: 'REDIS_URL', url: 'redis://127.0.0.1:6379' },
      { variable: 'SESSION_REDIS_URL', url: 'rediss://u:p@cache:6380/1' },
      { variable: 'KV_URL', url: 'redis+sentinel://h:26379/m' },
    ]);
    assert.deepEqual(findRedisUrls('\u0000garbage=='), []);
  });

  it('finds a literal prefix in new RedisStore({ ... })', () => {
    assert.equal(findStorePrefix("app.use(session({ store: new RedisStore({ client, prefix: 'myapp:sess:' }) }))"), 'myapp:sess:');
    assert.equal(findStorePrefix('const store = new connectRedis.RedisStore({\n  client: redis,\n  ttl: 60,\n  prefix: "a\\"b:",\n});'), 'a"b:');
    assert.equal(findStorePrefix('new RedisStore({ client, prefix: `x:` })'), 'x:');
  });

  it('ignores computed prefixes and other objects', () => {
    assert.equal(findStorePrefix('new RedisStore({ client, prefix: PREFIX })'), undefined);
    assert.equal(findStorePrefix('new RedisStore({ client, prefix: `${env}:` })'), undefined);
    assert.equal(findStorePrefix("new Other({ prefix: 'no:' })"), undefined);
    assert.equal(findStorePrefix("new RedisStore({ client: make({ prefix: 'inner' }) })".replace('prefix', 'keyPrefix')), undefined);
    assert.equal(findStorePrefix('new RedisStore({'.repeat(5000)), undefined);
  });

  it('finds the app URL for curl: an APP_URL-style variable, else PORT', () => {
    assert.equal(findAppUrl('PORT=8080\nAPP_URL=http://127.0.0.1:4000/app'), 'http://127.0.0.1:4000/app');
    assert.equal(findAppUrl('BASE_URL="https://dev.example.test"'), 'https://dev.example.test/');
    assert.equal(findAppUrl('PORT=3001'), 'http://localhost:3001/');
    assert.equal(findAppUrl('APP_URL=ftp://x\nPORT=5000'), 'http://localhost:5000/', 'not http(s): PORT instead');
    assert.equal(findAppUrl('PORT=99999'), undefined);
    assert.equal(findAppUrl('REDIS_URL=redis://127.0.0.1'), undefined);
    assert.equal(normalizeAppUrl('http://user:pw@host:1/p#frag'), 'http://host:1/p', 'credentials and fragment dropped');
    assert.equal(normalizeAppUrl('not a url'), undefined);
  });
});
