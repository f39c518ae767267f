import assert from 'node:assert/strict';
import { toRecord } from '../../../src/core/inspector/storeAccess';
import type { DiscoveredStore } from '../../../src/core/inspector/storeDiscovery';

const memory: DiscoveredStore = { objectId: '1', kind: 'memory', name: 'MemoryStore#1' };
const lru: DiscoveredStore = { objectId: '2', kind: 'memorystore', name: 'memorystore#1' };
const now = Date.parse('2026-01-01T00:00:00Z');

describe('in-process records', () => {
  it('MemoryStore: the time to live comes from cookie.expires; no cookie expiry means kept forever', () => {
    const text = JSON.stringify({ cookie: { expires: '2026-01-01T01:00:00.000Z' }, user: { email: 'a@example.test' } });
    const r = toRecord(memory, { id: 'abc', text, expiresMs: null }, now);
    assert.deepEqual({ ...r, data: undefined }, { id: 'abc', key: 'abc', ttl: 3600, expiresAt: '2026-01-01T01:00:00.000Z', user: 'a@example.test', data: undefined, size: Buffer.byteLength(text), store: 'MemoryStore#1' });
    assert.equal(toRecord(memory, { id: 'x', text: '{"cookie":{}}', expiresMs: null }, now).ttl, -1);
    assert.equal(toRecord(memory, { id: 'x', text: '{"cookie":{"expires":"2025-01-01T00:00:00Z"}}', expiresMs: null }, now).ttl, 0);
  });

  it('memorystore: the time to live comes from the LRU entry', () => {
    const r = toRecord(lru, { id: 'abc', text: '{"userId":7}', expiresMs: now + 90_000 }, now);
    assert.equal(r.ttl, 90);
    assert.equal(r.user, '7');
    assert.equal(r.expiresAt, '2026-01-01T00:01:30.000Z');
  });

  it('a value that is not JSON comes back as a safe preview', () => {
    const r = toRecord(memory, { id: 'abc', text: 'a:1:{s:4:"user";}', expiresMs: null }, now);
    assert.equal(r.data, null);
    assert.match(r.raw!, /^not JSON: /);
    assert.equal(r.user, null);
  });
});
