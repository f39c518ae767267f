import assert from 'node:assert/strict';
import { RedisUrlError, describeTarget, isLoopbackHost, isLoopbackTarget, parseRedisUrl } from '../../../src/core/redis/url';

describe('redis URL parsing', () => {
  it('parses a plain standalone URL with defaults', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1'), { kind: 'standalone', nodes: [{ host: '127.0.0.1', port: 6379 }], db: 0, tls: false });
  });

  it('reads TLS, ACL user, password and database', () => {
    const t = parseRedisUrl('rediss://app:s%40cret@cache.example.com:6380/3');
    assert.equal(t.tls, true);
    assert.equal(t.username, 'app');
    assert.equal(t.password, 's@cret');
    assert.equal(t.db, 3);
    assert.deepEqual(t.nodes, [{ host: 'cache.example.com', port: 6380 }]);
  });

  it('lets a password from SecretStorage or the environment win over the URL', () => {
    assert.equal(parseRedisUrl('redis://:old@h:1', { password: 'new' }).password, 'new');
    assert.equal(parseRedisUrl('redis://h:1', { password: 'pw' }).password, 'pw');
  });

  it('parses Sentinel URLs with several sentinels and a master name', () => {
    const t = parseRedisUrl('redis+sentinel://10.0.0.1:26379,10.0.0.2/mymaster/2');
    assert.equal(t.kind, 'sentinel');
    assert.equal(t.masterName, 'mymaster');
    assert.equal(t.db, 2);
    assert.deepEqual(t.nodes, [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }]);
    assert.equal(parseRedisUrl('redis+sentinel://u:p@h:1/m').password, 'p');
  });

  it('refuses unusable URLs with a reason that does not repeat the password', () => {
    for (const bad of ['localhost:6379', 'http://h', 'redis+sentinel://h:1', 'redis+sentinel://h:1/', 'redis://h:1/x', 'redis://:hunter22@h:99999']) {
      assert.throws(() => parseRedisUrl(bad), (err: unknown) => err instanceof RedisUrlError && !(err as Error).message.includes('hunter22'), bad);
    }
  });

  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['10.0.0.1', 'example.com', '0.0.0.0', 'localhost.example.com']) assert.equal(isLoopbackHost(h), false, h);
    assert.equal(isLoopbackTarget(parseRedisUrl('redis+sentinel://127.0.0.1:1,10.0.0.1:2/m')), false);
  });

  it('describes a target without its password', () => {
    const text = describeTarget(parseRedisUrl('redis://app:topsecret@h:1/2'));
    assert.equal(text, 'redis://app@h:1/2');
  });
});
