import assert from 'node:assert/strict';
import { connectDecision, effectiveSetting, inspectedKey, mayDiscoverInWorkspace, remoteChoiceKey } from '../../../src/core/redis/connectionPolicy';
import { RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import { isLoopbackTarget, parseRedisUrl } from '../../../src/core/redis/url';

describe('redis connection policy', () => {
  describe('untrusted workspace', () => {
    it('ignores workspace and folder values of a setting, keeping the user\'s own or the default', () => {
      const url = { defaultValue: '', globalValue: undefined, workspaceValue: 'redis://10.0.0.5:6379', workspaceFolderValue: 'redis://evil:6379' };
      assert.equal(effectiveSetting(url, false, ''), '', 'a workspace URL never triggers a connection');
      assert.equal(effectiveSetting({ ...url, globalValue: 'redis://127.0.0.1:6380' }, false, ''), 'redis://127.0.0.1:6380');
      const connections = { defaultValue: [], workspaceValue: [{ name: 'w', url: 'redis://10.1.1.1', allowWrites: true }] };
      assert.deepEqual(effectiveSetting(connections, false, []), []);
      assert.equal(effectiveSetting({ defaultValue: true, workspaceValue: false }, false, true), true);
      assert.equal(effectiveSetting(undefined, false, 'fallback'), 'fallback');
      assert.equal(mayDiscoverInWorkspace(false), false, 'no .env or code discovery');
    });

    it('reads one key\'s layers out of its section\'s, where dotted keys nest, so one inspect serves every key', () => {
      const section = {
        defaultValue: { redis: { url: '', autoConnect: true, tls: { caFile: '' } }, connections: [] },
        globalValue: { redis: { url: 'redis://127.0.0.1:6380' } },
        workspaceValue: { redis: { url: 'redis://10.0.0.5:6379', tls: { caFile: '/ws/ca.pem' } } },
      };
      assert.deepEqual(inspectedKey(section, 'redis.url'), { defaultValue: '', globalValue: 'redis://127.0.0.1:6380', workspaceValue: 'redis://10.0.0.5:6379', workspaceFolderValue: undefined });
      assert.equal(effectiveSetting(inspectedKey(section, 'redis.url'), false, ''), 'redis://127.0.0.1:6380', 'untrusted: the user\'s value');
      assert.equal(effectiveSetting(inspectedKey(section, 'redis.url'), true, ''), 'redis://10.0.0.5:6379', 'trusted: the workspace\'s value');
      assert.equal(effectiveSetting(inspectedKey(section, 'redis.tls.caFile'), true, 'x'), '/ws/ca.pem');
      assert.equal(effectiveSetting(inspectedKey<boolean>(section, 'redis.autoConnect'), true, false), true, 'the default when no layer sets it');
      assert.equal(effectiveSetting(inspectedKey(section, 'redis.url.deeper'), true, 'fallback'), 'fallback', 'a key below a string is unset');
      assert.equal(inspectedKey(undefined, 'redis.url'), undefined);
    });

    it('uses the usual precedence in a trusted workspace', () => {
      assert.equal(effectiveSetting({ defaultValue: 'd', globalValue: 'g', workspaceValue: 'w', workspaceFolderValue: 'f' }, true, 'x'), 'f');
      assert.equal(effectiveSetting({ defaultValue: 'd', globalValue: 'g', workspaceValue: 'w' }, true, 'x'), 'w');
      assert.equal(effectiveSetting({ defaultValue: 'd', globalValue: 'g' }, true, 'x'), 'g');
      assert.equal(effectiveSetting({ defaultValue: 'd' }, true, 'x'), 'd');
      assert.equal(mayDiscoverInWorkspace(true), true);
    });
  });

  describe('hosts that are not loopback', () => {
    const remote = parseRedisUrl('redis://10.255.255.1:6379');
    const local = parseRedisUrl('redis://127.0.0.1:6379');

    it('connects to loopback at once, writable', () => {
      assert.deepEqual(connectDecision(isLoopbackTarget(local), { interactive: false }), { action: 'connect', writable: true });
      assert.deepEqual(connectDecision(isLoopbackTarget(parseRedisUrl('redis://localhost')), { interactive: true }), { action: 'connect', writable: true });
      assert.deepEqual(connectDecision(isLoopbackTarget(parseRedisUrl('redis://[::1]:6379')), { interactive: false }), { action: 'connect', writable: true });
    });

    it('asks before the first connection, and never connects automatically without that answer', () => {
      assert.deepEqual(connectDecision(isLoopbackTarget(remote), { interactive: true }), { action: 'ask' });
      assert.deepEqual(connectDecision(isLoopbackTarget(remote), { interactive: false }), { action: 'skip' });
      assert.deepEqual(connectDecision(isLoopbackTarget(remote), { interactive: false, allowWrites: true }), { action: 'skip' }, 'allowWrites alone does not skip the question');
      const mixed = parseRedisUrl('redis+sentinel://127.0.0.1:26379,10.0.0.2:26379/m');
      assert.deepEqual(connectDecision(isLoopbackTarget(mixed), { interactive: false }), { action: 'skip' }, 'one remote node is enough');
    });

    it('opens read-only after the user agreed, unless writes were allowed', () => {
      assert.deepEqual(connectDecision(isLoopbackTarget(remote), { interactive: false, remembered: 'readonly' }), { action: 'connect', writable: false });
      assert.deepEqual(connectDecision(isLoopbackTarget(remote), { interactive: true, remembered: 'writes' }), { action: 'connect', writable: true });
      assert.deepEqual(connectDecision(isLoopbackTarget(remote), { interactive: false, remembered: 'readonly', allowWrites: true }), { action: 'connect', writable: true });
    });

    it('remembers the answer per host, without credentials', () => {
      const withPassword = parseRedisUrl('redis://user:hunter2@10.255.255.1:6379/2');
      assert.equal(remoteChoiceKey(withPassword).includes('hunter2'), false);
      assert.equal(remoteChoiceKey(remote), remoteChoiceKey(parseRedisUrl('redis://:other@10.255.255.1:6379')));
      assert.notEqual(remoteChoiceKey(remote), remoteChoiceKey(parseRedisUrl('redis://10.255.255.2:6379')));
      assert.notEqual(remoteChoiceKey(remote), remoteChoiceKey(parseRedisUrl('rediss://10.255.255.1:6379')));
    });

    it('a source for such a host is read-only by default, and is built without connecting', async () => {
      const source = new RedisSessionSource({ id: 'r', target: remote });
      assert.equal(source.writable, false);
      assert.equal(source.state.kind, 'connecting');
      await assert.rejects(source.set('x', {}), /read-only/);
      await assert.rejects(source.destroy('x'), /read-only/);
      await source.close();
      assert.equal(new RedisSessionSource({ id: 'l', target: local }).writable, true);
    });
  });
});
