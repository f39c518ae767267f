import assert from 'node:assert/strict';
import { appOrigin, setCookieLines } from '../../../src/core/browser/browserCookies';
import { cookieHeader, curlCommand } from '../../../src/core/browser/cookieWatch';
import { decodeCookies } from '../../../src/core/cookies/decode';

describe('browser cookies', () => {
  it('turns the browser\'s cookies into Set-Cookie lines the decoder reads with their attributes', async () => {
    const lines = setCookieLines([
      { name: 'connect.sid', value: 's%3Aabc.def', domain: 'localhost', path: '/', expires: 1893456000, httpOnly: true, secure: false, sameSite: 'Lax' },
      { name: 'theme', value: 'dark', domain: '.example.test', path: '/app', expires: -1, httpOnly: false, secure: true },
    ]);
    assert.equal(lines, [
      'Set-Cookie: connect.sid=s%3Aabc.def; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; HttpOnly; SameSite=Lax',
      'Set-Cookie: theme=dark; Domain=example.test; Path=/app; Secure',
    ].join('\n'));
    const result = await decodeCookies(lines, { secrets: [] });
    assert.ok(!('error' in result));
    const sid = result.cookies.find((c) => c.name === 'connect.sid');
    assert.equal(sid?.attributes?.httpOnly, true);
    assert.equal(sid?.attributes?.sameSite, 'lax');
  });

  it('reads cookies for http(s) origins only', () => {
    assert.equal(appOrigin('http://localhost:3000/login').origin, 'http://localhost:3000');
    assert.throws(() => appOrigin('file:///etc/passwd'), /not an http\(s\) URL/);
    assert.throws(() => appOrigin('localhost:3000'), /not an http\(s\) URL|not a URL/);
  });

  it('copies the cookies as a Cookie header and as a curl command quoted for the shell', () => {
    const cookies = [{ name: 'connect.sid', value: 's%3Aabc.def' }, { name: 'note', value: "it's" }];
    assert.equal(cookieHeader(cookies), "connect.sid=s%3Aabc.def; note=it's");
    assert.equal(curlCommand(cookies, 'http://localhost:3000/profile'), "curl -b 'connect.sid=s%3Aabc.def; note=it'\\''s' 'http://localhost:3000/profile'");
  });
});
