import assert from 'node:assert/strict';
import { expiresAt, parseSessionValue, sessionUser, shortId, ttlDrift } from '../../../src/core/sessions/describe';

describe('session values', () => {
  it('parses a JSON session object', () => {
    const parsed = parseSessionValue('{"cookie":{"expires":null},"user":{"name":"alice"}}');
    assert.deepEqual(parsed.data, { cookie: { expires: null }, user: { name: 'alice' } });
    assert.equal(parsed.raw, undefined);
  });

  it('shows non-JSON text, binary and compressed values safely instead of failing', () => {
    assert.match(parseSessionValue('a:2:{s:4:"user";}').raw ?? '', /^not JSON: "a:2:/);
    assert.match(parseSessionValue(Buffer.from([0, 1, 2, 255])).raw ?? '', /^binary value: hex 000102ff$/);
    assert.match(parseSessionValue(Buffer.from([0x1f, 0x8b, 8, 0])).raw ?? '', /^gzip-compressed/);
    assert.equal(parseSessionValue('[1,2]').data, null, 'a JSON array is not a session');
    assert.equal(parseSessionValue('{"truncated":').data, null);
  });

  it('summarizes values over the size limit without parsing them', () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 'x');
    const parsed = parseSessionValue(big);
    assert.equal(parsed.data, null);
    assert.equal(parsed.size, big.length);
    assert.match(parsed.raw ?? '', /^\(2\.0 MB value, not loaded/);
    assert.ok((parsed.raw ?? '').length < 400);
  });

  it('finds the user through the usual paths, and says anonymous (null) otherwise', () => {
    assert.equal(sessionUser({ passport: { user: 42 } }), '42');
    assert.equal(sessionUser({ userId: 'u-7' }), 'u-7');
    assert.equal(sessionUser({ user: { id: 1, email: 'a@x.test', name: 'alice' } }), 'a@x.test');
    assert.equal(sessionUser({ user: { id: 5 } }), '5');
    assert.equal(sessionUser({ cookie: {}, views: 3 }), null);
    assert.equal(sessionUser({ profile: { handle: 'zed' } }, ['profile.handle']), 'zed');
    assert.equal(sessionUser(Object.create({ userId: 'inherited' })), null, 'prototype properties are not read');
  });

  it('computes expiry from the TTL, else from cookie.expires, and the drift between them', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const data = { cookie: { expires: '2026-01-01T01:00:00.000Z' } };
    assert.equal(expiresAt(120, data, now), '2026-01-01T00:02:00.000Z');
    assert.equal(expiresAt(-1, data, now), '2026-01-01T01:00:00.000Z');
    assert.equal(expiresAt(null, {}, now), null);
    assert.equal(ttlDrift(3600 + 30, data, now), 30);
    assert.equal(ttlDrift(-1, data, now), null);
  });

  it('shortens long ids for labels', () => {
    assert.equal(shortId('abcdefghijklmnopqrstuvwxyz012345'), 'abcdefgh…');
    assert.equal(shortId('short'), 'short');
  });
});
