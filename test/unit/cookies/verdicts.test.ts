// Verdicts a server would share: Auth.js verifies only under the pasted cookie name, Flask's tags restored
// as Flask loads them. (The real libraries' vectors are in vectors.test.ts; these pin the details.)
import assert from 'node:assert/strict';
import { looksLikeCookie } from '../../../src/core/cookies/decode';
import { untag } from '../../../src/core/cookies/formats/flask';
import { nonSessionCookie } from '../../../src/core/cookies/nonSession';
import { FORMATS } from '../../../src/core/cookies/registry';
import { decodeVector, vectors } from './vectors.test';

const vector = (id: string) => {
  const v = vectors.find((x) => x.id === id);
  assert.ok(v, id);
  return v;
};

describe('Auth.js: the cookie name is the key', () => {
  it('does not verify a token made for another cookie name, says which, and still shows its claims', async () => {
    const [c] = await decodeVector(vector('authjs/made-for-other-name'));
    assert.equal(c.verified, false);
    assert.equal(c.secretIndex, null);
    assert.equal(c.secretLabel, null);
    assert.equal(c.error, 'made for authjs.session-token; Auth.js rejects it under __Secure-authjs.session-token (the cookie name is the key\'s HKDF salt)');
    assert.deepEqual((c.payload as Record<string, unknown>).sub, 'user-1');
    assert.ok(c.expiresAt, 'the claims\' expiry is shown');
    assert.equal(c.secretMayHelp, false, 'another secret would not help: the name is wrong');
  });

  it('names the cookie name that worked when a bare value is given', async () => {
    const [c] = await decodeVector(vector('authjs/bare-value-default-name'));
    assert.equal(c.verified, true);
    assert.ok(c.notes.some((n) => n.includes('it decrypts under "__Secure-authjs.session-token"')), c.notes.join(' | '));
  });

  it('verifies under the pasted name, whatever the name', async () => {
    for (const id of ['authjs/valid', 'authjs/secure-prefix', 'authjs/custom-name', 'authjs/chunked']) {
      const [c] = await decodeVector(vector(id));
      assert.equal(c.verified, true, id);
      assert.equal(c.error, null, id);
    }
  });
});

describe('Flask tagged JSON, restored as TaggedJSONSerializer.loads does', () => {
  it('restores an escaped key ( di) without its "__" suffix, after the tags inside it', () => {
    assert.deepEqual(untag({ ' di': { ' t__': [1, 2] } }), { ' t': [1, 2] });
    assert.deepEqual(untag({ ' di': { ' di__': 'x' } }), { ' di': 'x' });
    assert.deepEqual(untag({ ' di': { ' u__': { ' u': '12345678123456781234567812345678' } } }), { ' u': '12345678-1234-5678-1234-567812345678' });
    assert.deepEqual(untag({ ' t': [{ ' di': { ' m__': { ' m': '<i>' } } }] }), [{ ' m': '<i>' }]);
  });

  it('restores tuples, UUIDs, bytes, Markup and HTTP dates', () => {
    assert.deepEqual(untag({ ' t': ['a', { ' t': ['b', 2] }] }), ['a', ['b', 2]]);
    assert.equal(untag({ ' u': '12345678123456781234567812345678' }), '12345678-1234-5678-1234-567812345678');
    assert.equal(untag({ ' b': 'aGVsbG8=' }), 'hello');
    assert.equal(untag({ ' b': 'Ynl0ZXMA/w==' }), 'base64:Ynl0ZXMA/w==');
    assert.equal(untag({ ' m': '<b>hi</b>' }), '<b>hi</b>');
    assert.equal(untag({ ' d': 'Mon, 30 Nov 2026 12:00:00 GMT' }), '2026-11-30T12:00:00.000Z');
  });

  it('keeps objects that are not tags, and malformed tags, as they are', () => {
    assert.deepEqual(untag({ a__: 1, ' t': 3 }), { a__: 1, ' t': 3 });
    assert.deepEqual(untag({ ' x': 1 }), { ' x': 1 });
    assert.deepEqual(untag({ ' u': 'not-a-uuid' }), { ' u': 'not-a-uuid' });
    assert.deepEqual(untag({ ' d': 'someday' }), { ' d': 'someday' });
    assert.deepEqual(untag({ ' di': { a: 1, b: 2 } }), { ' di': { a: 1, b: 2 } });
    assert.deepEqual(untag({ user: { ' t': [1] } }), { user: [1] });
  });
});

describe('cookies that are not sessions, known by name', () => {
  it('names the usual ones for what they are', () => {
    const expected: Record<string, string> = {
      _ga: 'analytics', _ga_ABC123XYZ: 'analytics', _gid: 'analytics', _gat_UA123: 'analytics', ajs_anonymous_id: 'analytics', _hjSessionUser_123456: 'analytics',
      'mp_0123abcd_mixpanel': 'analytics', '_pk_id.1.1fff': 'analytics', _fbp: 'advertising', _gcl_au: 'advertising',
      csrftoken: 'CSRF token', 'XSRF-TOKEN': 'CSRF token', _csrf: 'CSRF token', 'csrf-token': 'CSRF token', '__Host-authjs.csrf-token': 'CSRF token', 'next-auth.csrf-token': 'CSRF token',
      'authjs.callback-url': 'sign-in flow', '__Secure-next-auth.callback-url': 'sign-in flow', 'authjs.pkce.code_verifier': 'sign-in flow',
      theme: 'preference', lang: 'preference', NEXT_LOCALE: 'preference', cookieconsent_status: 'consent', OptanonConsent: 'consent', 'euconsent-v2': 'consent',
      __stripe_mid: 'fraud prevention', __stripe_sid: 'fraud prevention', AWSALB: 'load balancer', __cf_bm: 'bot protection', 'intercom-session-abc123': 'chat widget',
    };
    for (const [name, purpose] of Object.entries(expected)) assert.equal(nonSessionCookie(name)?.purpose, purpose, name);
  });

  it('never takes a session cookie for something else', () => {
    const sessionNames = [...FORMATS.flatMap((f) => f.defaultNames), 'authjs.session-token.0', 'sid', 'token', 'JSESSIONID', 'PHPSESSID', '_app_session', 'session_id', 'csrf_session', 'my_session', 'auth'];
    for (const name of sessionNames) assert.equal(nonSessionCookie(name), undefined, name);
    assert.equal(nonSessionCookie(null), undefined);
    assert.equal(nonSessionCookie(`_ga${'x'.repeat(200)}`), undefined, 'long names are not looked up');
  });

  it('does not offer a clipboard that holds only such cookies as a session cookie', () => {
    const signedCsrf = '_csrf=s%3Aabcdefghij.klmnopqrstuvwxyz0123456789ABCDEFGHIJKLM';
    assert.equal(looksLikeCookie(signedCsrf.replace('_csrf', 'connect.sid')), true, 'the same value under a session name');
    assert.equal(looksLikeCookie(signedCsrf), false);
    assert.equal(looksLikeCookie(`_ga=GA1.1.1.1; ${signedCsrf}`), false);
  });
});
