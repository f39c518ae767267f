// The "Changed since the request started" diff between a session's stored value and the request's session.
import assert from 'node:assert/strict';
import { briefValue, describeChange, diffSessions, sameValue } from '../../../src/core/sessions/sessionDiff';

describe('session diff (changed since the request started)', () => {
  it('lists every field as added when the session was not stored yet', () => {
    const live = { cookie: { path: '/' }, user: { id: 1, name: 'alice' } };
    assert.deepEqual(diffSessions(undefined, live), [
      { kind: 'added', path: ['cookie'], after: { path: '/' } },
      { kind: 'added', path: ['user'], after: { id: 1, name: 'alice' } },
    ]);
    assert.deepEqual(diffSessions(null, { a: 1 }), [{ kind: 'added', path: ['a'], after: 1 }]);
  });

  it('reports added, removed and changed nested paths with old and new values', () => {
    const before = { cookie: { expires: '2026-01-01T00:00:00.000Z', path: '/' }, views: 1, cart: ['a'], flash: 'hi' };
    const after = { cookie: { expires: '2026-01-01T01:00:00.000Z', path: '/' }, views: 2, cart: ['a'], user: { id: 7 } };
    assert.deepEqual(diffSessions(before, after), [
      { kind: 'changed', path: ['cookie', 'expires'], before: '2026-01-01T00:00:00.000Z', after: '2026-01-01T01:00:00.000Z' },
      { kind: 'changed', path: ['views'], before: 1, after: 2 },
      { kind: 'added', path: ['user'], after: { id: 7 } },
      { kind: 'removed', path: ['flash'], before: 'hi' },
    ]);
  });

  it('compares arrays and values of different types as a whole', () => {
    assert.deepEqual(diffSessions({ cart: ['a'] }, { cart: ['a', 'b'] }), [{ kind: 'changed', path: ['cart'], before: ['a'], after: ['a', 'b'] }]);
    assert.deepEqual(diffSessions({ user: null }, { user: { id: 1 } }), [{ kind: 'changed', path: ['user'], before: null, after: { id: 1 } }]);
    assert.deepEqual(diffSessions({ n: 1 }, { n: '1' }), [{ kind: 'changed', path: ['n'], before: 1, after: '1' }]);
  });

  it('finds no change between equal sessions, whatever the key order', () => {
    assert.deepEqual(diffSessions({ a: { x: 1, y: [1, { z: 2 }] }, b: 2 }, { b: 2, a: { y: [1, { z: 2 }], x: 1 } }), []);
    assert.equal(sameValue({ a: [1, 2] }, { a: [1, 2] }), true);
    assert.equal(sameValue({ a: [1, 2] }, { a: [2, 1] }), false);
    assert.equal(sameValue({ a: 1 }, { a: 1, b: undefined }), false);
  });

  it('describes changes in one short line', () => {
    assert.equal(describeChange({ kind: 'added', path: ['user'], after: { id: 1, name: 'a' } }), 'added: {…2}');
    assert.equal(describeChange({ kind: 'removed', path: ['views'], before: 3 }), 'removed (was 3)');
    assert.equal(describeChange({ kind: 'changed', path: ['name'], before: 'a', after: 'b' }), '"a" → "b"');
    assert.equal(briefValue('x'.repeat(100)).length, 60);
    assert.equal(briefValue([1, 2]), '[2]');
  });
});
