// The Cookies view's model: results newest first, bounded, secret values removed before storing; paths and
// values as Copy Path / Copy Value give them; the JSON of Open as JSON.
import assert from 'node:assert/strict';
import type { DecodedCookie } from '../../../src/core/cookies/decode';
import { CookieResults, copyText, expiryText, resultJson, valuePath, valueSummary, verdictOf } from '../../../src/core/cookies/results';

const SECRET = 'a-signing-secret-value';

function cookie(partial: Partial<DecodedCookie>): DecodedCookie {
  return {
    name: 'connect.sid', format: 'express-session', kind: 'session', purpose: null, library: 'express-session', verified: true,
    secretIndex: 0, secretLabel: 'SESSION_SECRET (.env)', sid: 'abc', payload: null, expiresAt: null, expired: false,
    attributes: {}, warnings: [], error: null, notes: [], secretMayHelp: false, value: 's:abc.sig', ...partial,
  };
}

describe('Cookies view model', () => {
  it('keeps results newest first, at most the bound, and clears them', () => {
    const results = new CookieResults(3);
    let changes = 0;
    const stop = results.onDidChange(() => { changes += 1; });
    for (let i = 0; i < 5; i++) results.add({ input: `c${i}`, cookies: [cookie({})], inputWarnings: [], secretLabels: [], nowMs: 0 }, []);
    assert.deepEqual(results.list().map((r) => r.input), ['c4', 'c3', 'c2']);
    assert.deepEqual(results.list().map((r) => r.id), [5, 4, 3]);
    assert.equal(results.newest()?.input, 'c4');
    assert.equal(results.get(1), undefined, 'dropped past the bound');
    results.clear();
    assert.deepEqual(results.list(), []);
    stop();
    results.add({ input: 'x', cookies: [], inputWarnings: [], secretLabels: [], nowMs: 0 }, []);
    assert.equal(changes, 6);
  });

  it('keeps each connected browser\'s result first, replaces it in place (same id) as its cookies change, and never drops or clears it', () => {
    const results = new CookieResults(2);
    const browser = { key: 'port:127.0.0.1:9222', label: 'Chrome (127.0.0.1:9222)', url: 'http://localhost:3000/', via: 'port' as const };
    results.add({ input: 'pasted-1', cookies: [cookie({})], inputWarnings: [], secretLabels: [], nowMs: 0 }, []);
    const first = results.add({ input: 'b1', cookies: [cookie({ sid: 'one' })], inputWarnings: [], secretLabels: [], nowMs: 0, browser }, []);
    for (let i = 2; i <= 4; i++) results.add({ input: `pasted-${i}`, cookies: [cookie({})], inputWarnings: [], secretLabels: [], nowMs: 0 }, []);
    assert.deepEqual(results.list().map((r) => r.input), ['b1', 'pasted-4', 'pasted-3'], 'the browser first; pasted results bounded');
    const second = results.add({ input: 'b2', cookies: [cookie({ sid: 'two' })], inputWarnings: [], secretLabels: [], nowMs: 1, browser }, []);
    assert.equal(second.id, first.id, 'the same node in the view');
    assert.deepEqual(results.list().map((r) => r.input), ['b2', 'pasted-4', 'pasted-3']);
    assert.equal(results.browserResult(browser.key)?.cookies[0].sid, 'two');
    assert.equal(results.newest()?.input, 'pasted-4', 'newest is the newest pasted result');
    results.clear();
    assert.deepEqual(results.list().map((r) => r.input), ['b2'], 'Clear leaves connected browsers');
    results.removeBrowser(browser.key);
    assert.deepEqual(results.list(), []);
  });

  it('removes every known secret value from what it stores (payload strings and keys, input, warnings)', () => {
    const results = new CookieResults();
    const stored = results.add({
      input: `x=${SECRET}`,
      cookies: [cookie({ payload: { note: `the secret is ${SECRET}`, [SECRET]: [SECRET] }, warnings: [`uses ${SECRET}`] })],
      inputWarnings: [SECRET], secretLabels: ['SESSION_SECRET (.env)'], nowMs: 0,
    }, [SECRET]);
    assert.ok(!JSON.stringify(stored).includes(SECRET), JSON.stringify(stored));
    assert.ok(!resultJson(stored).includes(SECRET));
    assert.deepEqual(stored.cookies[0].payload, { note: 'the secret is ***', '***': ['***'] });
  });

  it('gives JavaScript-like paths, clipboard text and one-line summaries of payload values', () => {
    assert.equal(valuePath(['user', 'name']), 'user.name');
    assert.equal(valuePath(['roles', 1]), 'roles[1]');
    assert.equal(valuePath(['user', 'display-name']), 'user["display-name"]');
    assert.equal(valuePath(['content-type']), '["content-type"]');
    assert.equal(copyText('alice'), 'alice');
    assert.equal(copyText({ a: 1 }), '{\n  "a": 1\n}');
    assert.equal(copyText(null), 'null');
    assert.equal(valueSummary({ a: 1, b: 2 }), '{2 keys}');
    assert.equal(valueSummary([1]), '[1 item]');
    assert.equal(valueSummary('x'), '"x"');
  });

  it('names verdicts and expiry relative to now', () => {
    assert.equal(verdictOf(cookie({})), 'verified');
    assert.equal(verdictOf(cookie({ verified: false })), 'not-verified');
    assert.equal(verdictOf(cookie({ expired: true })), 'expired');
    assert.equal(verdictOf(cookie({ verified: null })), 'not-checked');
    assert.equal(verdictOf(cookie({ kind: 'not-session', purpose: 'analytics' })), 'not-session');
    assert.equal(verdictOf(cookie({ kind: 'unknown', format: 'unknown' })), 'unrecognized');
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(expiryText('2026-01-04T00:00:00Z', now), 'Expires in 3 days');
    assert.equal(expiryText('2025-12-31T22:00:00Z', now), 'Expired 2 hours ago');
  });

  it('opens a result, or one of its cookies, as JSON', () => {
    const results = new CookieResults();
    const r = results.add({ input: 'i', cookies: [cookie({}), cookie({ name: '_ga', kind: 'not-session', purpose: 'analytics' })], inputWarnings: [], secretLabels: ['L'], nowMs: 0 }, []);
    const all = JSON.parse(resultJson(r)) as { secretsTried: string[]; cookies: { name: string }[] };
    assert.deepEqual(all.secretsTried, ['L']);
    assert.deepEqual(all.cookies.map((c) => c.name), ['connect.sid', '_ga']);
    assert.deepEqual((JSON.parse(resultJson(r, 1)) as { cookies: { name: string }[] }).cookies.map((c) => c.name), ['_ga']);
  });
});
