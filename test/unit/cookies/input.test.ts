import assert from 'node:assert/strict';
import { parseCookieInput, shellWords } from '../../../src/core/cookies/input';
import type { InputCookie } from '../../../src/core/cookies/types';

function cookies(text: string, name?: string): InputCookie[] {
  const r = parseCookieInput(text, { name });
  assert.ok(!('error' in r), 'error' in r ? r.error : '');
  return r.cookies;
}

describe('cookie input parsing', () => {
  it('reads a bare value, naming it with --name', () => {
    const [c] = cookies('eyJhIjoxfQ==', 'session');
    assert.equal(c.name, 'session');
    assert.equal(c.value, 'eyJhIjoxfQ==');
    assert.equal(c.source, 'bare');
  });
  it('keeps base64 padding and ";" inside a bare value', () => {
    const [c] = cookies('abcd+/==;bm9uY2Vub25jZW5vbmNlbm9uY2Vub25jZW5vbmNl');
    assert.equal(c.source, 'bare');
    assert.ok(c.value.includes(';'));
  });
  it('URL-decodes once, only when % is present, and flags double encoding', () => {
    assert.equal(cookies('connect.sid=s%3Aabc.def')[0].value, 's:abc.def');
    assert.equal(cookies('a=b+c')[0].value, 'b+c');
    const [twice] = cookies('connect.sid=s%253Aabc.def');
    assert.equal(twice.value, 's%3Aabc.def');
    assert.match(twice.warnings.join(), /encoded twice/);
    const [bad] = cookies('a=%E0%A4%A');
    assert.equal(bad.value, '%E0%A4%A');
    assert.match(bad.warnings.join(), /malformed/);
  });
  it('splits a Cookie header and folds .sig companions', () => {
    const list = cookies('Cookie: session=eyJhIjoxfQ==; session.sig=abc; other=1');
    assert.deepEqual(list.map((c) => c.name), ['session', 'other']);
    assert.equal(list[0].signature, 'abc');
  });
  it('joins chunked cookies in order', () => {
    const [c, ...rest] = cookies('authjs.session-token.1=BBB; authjs.session-token.0=AAA; x=1');
    assert.equal(c.name, 'authjs.session-token');
    assert.equal(c.value, 'AAABBB');
    assert.equal(c.chunks, 2);
    assert.equal(rest.length, 1);
  });
  it('parses Set-Cookie lines with tough-cookie, attributes included', () => {
    const [c] = cookies('Set-Cookie: connect.sid=s%3Aa.b; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Lax');
    assert.equal(c.source, 'set-cookie');
    assert.deepEqual(c.attributes, { path: '/', expires: '2037-10-21T07:28:00.000Z', httpOnly: true, secure: false, sameSite: 'lax' });
    const [d] = cookies('sid=1; Max-Age=60; Secure');
    assert.equal(d.attributes.maxAge, 60);
    assert.equal(d.attributes.secure, true);
  });
  it('reads several Set-Cookie lines and ignores other headers', () => {
    const list = cookies('HTTP/1.1 200 OK\nContent-Type: text/html\nSet-Cookie: a=1; Path=/\nSet-Cookie: a.sig=xyz; Path=/');
    assert.equal(list.length, 1);
    assert.equal(list[0].signature, 'xyz');
  });
  it('reads a devtools table row', () => {
    const [c] = cookies('connect.sid\ts%3Aabc.def\tlocalhost\t/\t2037-01-01T00:00:00.000Z\t80\t✓\t\tLax\t\tMedium');
    assert.equal(c.name, 'connect.sid');
    assert.equal(c.value, 's:abc.def');
    assert.equal(c.attributes.httpOnly, true);
    assert.equal(c.attributes.secure, false);
    assert.equal(c.attributes.sameSite, 'lax');
    assert.equal(c.attributes.expires, '2037-01-01T00:00:00.000Z');
  });
  it('reads curl -b and -H arguments', () => {
    const list = cookies(`curl -s 'http://localhost:3000/' -b 'connect.sid=s%3Aa.b' \\\n  -H "Cookie: koa.sess=e30=; koa.sess.sig=q" -H 'Accept: */*'`);
    assert.deepEqual(list.map((c) => c.name), ['connect.sid', 'koa.sess']);
    assert.equal(list[1].signature, 'q');
  });
  it('splits shell words with quotes and escapes', () => {
    assert.deepEqual(shellWords(`a 'b c' "d \\"e\\"" f\\ g`), ['a', 'b c', 'd "e"', 'f g']);
  });
  it('gives a one-line reason for unusable input', () => {
    for (const bad of ['', '   ', 'curl http://x', 'Set-Cookie: ;;;']) {
      const r = parseCookieInput(bad);
      assert.ok('error' in r, `refused: ${JSON.stringify(bad)}`);
      assert.ok(!r.error.includes('\n'));
    }
    const long = parseCookieInput('a'.repeat(300_000));
    assert.ok('error' in long && /too long/.test(long.error));
  });
});
