import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { decodeCookies } from '../../../src/core/cookies/decode';
import { newSessionId, signCookie } from '../../../src/core/cookies/sign';

const require = createRequire(__filename);
// express-session signs and unsigns with cookie-signature: the real library checks our output.
const signature = require('cookie-signature') as { unsign(value: string, secret: string): string | false };

describe('cookie signing', () => {
  it('makes the express-session cookie the library accepts', async () => {
    const sid = newSessionId();
    const signed = signCookie('express-session', sid, 'keyboard cat');
    assert.ok(!('error' in signed));
    assert.equal(signed.name, 'connect.sid');
    const plain = decodeURIComponent(signed.value);
    assert.ok(plain.startsWith('s:'));
    assert.equal(signature.unsign(plain.slice(2), 'keyboard cat'), sid);
    assert.equal(signature.unsign(plain.slice(2), 'other'), false);
    assert.equal(signed.header, `Cookie: connect.sid=${signed.value}`);
    const decoded = await decodeCookies(signed.header, { secrets: [{ label: 'a', value: 'keyboard cat' }] });
    assert.ok(!('error' in decoded));
    assert.equal(decoded.cookies[0].verified, true);
    assert.equal(decoded.cookies[0].sid, sid);
  });
  it('makes the @fastify/session cookie (no s:, not URL-encoded)', async () => {
    const secret = 'a-secret-with-at-least-32-characters!!';
    const signed = signCookie('fastify-session', 'abc123', secret);
    assert.ok(!('error' in signed));
    assert.equal(signed.name, 'sessionId');
    assert.equal(signature.unsign(signed.value, secret), 'abc123');
    const decoded = await decodeCookies(signed.header, { secrets: [{ label: 'a', value: secret }] });
    assert.ok(!('error' in decoded));
    assert.equal(decoded.cookies[0].format, 'fastify-session');
    assert.equal(decoded.cookies[0].verified, true);
  });
  it('refuses bad input with a reason', () => {
    assert.ok('error' in signCookie('express-session', '', 'x'));
    assert.ok('error' in signCookie('express-session', 'a b', 'x'));
    assert.ok('error' in signCookie('express-session', 'abc', ''));
    assert.ok('error' in signCookie('express-session', 'abc', 'hex:zz'));
  });
});
