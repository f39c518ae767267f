// `session-lens cookies --browser HOST:PORT` against Debian's Chromium (headless, a debugging port) that logged in
// to the fixture app: the app's cookie decoded and verified, the session it names the app's own; another site's
// cookie never read; a wrong secret, a browser that is not there and a remote address each said in one line.
import assert from 'node:assert/strict';
import { runCli } from '../../harness/cli';
import { type Chromium, chromiumWithApp } from '../../harness/chromium';
import { DEFAULT_SECRET, type DevServer } from '../../harness/devServer';
import { closedPort } from '../../harness/redis';

describe('cli: session-lens cookies --browser (real Chromium)', function () {
  this.timeout(90_000);
  const servers = chromiumWithApp();
  let chromium: Chromium;
  let app: DevServer;
  before(() => { chromium = servers.chromium(); app = servers.app(); });

  it('decodes and verifies the app\'s session cookie the browser holds, and reads no other site\'s cookie', async () => {
    const body = JSON.parse(await chromium.open(`${app.url}/login?user=alice`)) as { sid: string };
    const page = await chromium.page();
    try {
      await page.send('Network.setCookie', { name: 'other_site_token', value: 'other-site-secret-value', url: 'http://other.example.test/' });
    } finally {
      await page.close();
    }
    const out = await runCli(['cookies', '--browser', chromium.address, '--url', `${app.url}/`, '--secret', DEFAULT_SECRET, '--json']);
    assert.equal(out.code, 0, out.stderr + out.stdout);
    const { cookies } = JSON.parse(out.stdout) as { cookies: { name: string; format: string; verified: boolean; sid: string; attributes: Record<string, unknown> }[] };
    assert.deepEqual(cookies.map((c) => c.name), ['connect.sid']);
    assert.equal(cookies[0].format, 'express-session');
    assert.equal(cookies[0].verified, true);
    assert.equal(cookies[0].sid, body.sid, 'the session the app made at login');
    assert.equal(cookies[0].attributes.httpOnly, true);
    assert.doesNotMatch(out.stdout + out.stderr, /other_site_token|other-site-secret-value/);

    const wrong = await runCli(['cookies', '--browser', chromium.address, '--url', `${app.url}/`, '--secret', 'not-the-secret', '--json']);
    assert.equal(wrong.code, 1);
    assert.equal((JSON.parse(wrong.stdout) as { cookies: { verified: boolean }[] }).cookies[0].verified, false);
  });

  it('exits 2 with one line when the browser is not there or not on this machine', async () => {
    const port = await closedPort();
    const none = await runCli(['cookies', '--browser', `127.0.0.1:${port}`, '--url', 'http://localhost:3000/']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no browser debugging port at 127\.0\.0\.1:\d+: nothing listens there \(start the browser with --remote-debugging-port=PORT --user-data-dir=DIR; Chrome ignores the port on its default profile\)/);
    const remote = await runCli(['cookies', '--browser', '10.1.2.3:9222']);
    assert.equal(remote.code, 2);
    assert.match(remote.stderr, /Session Lens reads browsers only .*loopback/);
    const badUrl = await runCli(['cookies', '--browser', chromium.address, '--url', 'ftp://x/']);
    assert.equal(badUrl.code, 2);
    assert.match(badUrl.stderr, /--url: 'ftp:\/\/x\/' is not an http\(s\) URL/);
  });
});
