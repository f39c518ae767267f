import assert from 'node:assert/strict';
import { listAllSessions, toJsonRecord } from '../../../src/core/sessions/listAll';
import type { ListPage, SessionRecord } from '../../../src/core/sessions/types';

const rec = (id: string): SessionRecord => ({ id, key: `sess:${id}`, ttl: 10, expiresAt: null, user: null, data: {} });

describe('listing a whole store', () => {
  it('pages to the end and drops the duplicates SCAN may report', async () => {
    const pages: ListPage[] = [{ sessions: [rec('a'), rec('b')], cursor: '1' }, { sessions: [rec('b'), rec('c')], cursor: '2' }, { sessions: [rec('d')] }];
    const result = await listAllSessions({ list: async ({ cursor }) => pages[cursor ? Number(cursor) : 0] });
    assert.deepEqual(result.sessions.map((s) => s.id), ['a', 'b', 'c', 'd']);
    assert.equal(result.truncated, false);
  });

  it('starts over once when the cursor went stale after a reconnection', async () => {
    let calls = 0;
    const stale = Object.assign(new Error('stale'), { name: 'StaleCursorError' });
    const result = await listAllSessions({
      list: async ({ cursor }) => {
        calls++;
        if (calls === 2) throw stale;
        return cursor ? { sessions: [rec('y')] } : { sessions: [rec('x')], cursor: 'c' };
      },
    });
    assert.deepEqual(result.sessions.map((s) => s.id), ['x', 'y']);
    assert.equal(calls, 4);
  });

  it('stops at the limit', async () => {
    const result = await listAllSessions({ list: async () => ({ sessions: [rec('a'), rec('b'), rec('c')], cursor: 'more' }) }, { limit: 2 });
    assert.equal(result.sessions.length, 2);
    assert.equal(result.truncated, true);
  });

  it('keeps only the contract fields in JSON, with raw when present', () => {
    assert.deepEqual(Object.keys(toJsonRecord({ ...rec('a'), size: 3, value: '{}' })), ['id', 'key', 'ttl', 'expiresAt', 'user', 'data']);
    assert.equal(toJsonRecord({ ...rec('a'), data: null, raw: 'binary' }).raw, 'binary');
    assert.equal(toJsonRecord({ ...rec('a'), store: 'MemoryStore #1' }).store, 'MemoryStore #1');
  });
});
