// The browser cookie watch against Debian's Chromium (headless, a debugging port) and the fixture app: the app's
// cookie appears when a page logs in, changes when a fetch() logs in as someone else, goes when the app clears it,
// all from Network events; another site's cookie is never read; switching the browser to another session sets the
// signed cookie, and the app then serves that session to the page.
import assert from 'node:assert/strict';
import { openBrowserPage } from '../../../src/core/browser/browserCookies';
import { BrowserCookieWatch, type CookieSnapshot } from '../../../src/core/browser/cookieWatch';
import { signCookie } from '../../../src/core/cookies/sign';
import type { CdpClient } from '../../../src/core/inspector/cdpClient';
import { type Chromium, chromiumWithApp } from '../../harness/chromium';
import { DEFAULT_SECRET, type DevServer } from '../../harness/devServer';

/** Resolves with the first snapshot (the current one included) that satisfies `test`. */
function snapshotWhere(watch: BrowserCookieWatch, test: (s: CookieSnapshot) => boolean, what: string): Promise<CookieSnapshot> {
  if (watch.snapshot && test(watch.snapshot)) return Promise.resolve(watch.snapshot);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`no snapshot with ${what}; last: ${JSON.stringify(watch.snapshot?.cookies.map((c) => c.name))}`)); }, 15_000);
    const stop = watch.onChange((s) => { if (test(s)) { clearTimeout(timer); stop(); resolve(s); } });
  });
}

const sidOf = (s: CookieSnapshot) => {
  const value = s.cookies.find((c) => c.name === 'connect.sid')?.value;
  return value ? /^s%3A([^.]+)\./.exec(value)?.[1] : undefined;
};

describe('browser cookie watch (real Chromium)', function () {
  this.timeout(90_000);
  let client: CdpClient;
  let watch: BrowserCookieWatch;
  /** Every snapshot the watch reported, to check that no other site's cookie was ever in one. */
  const seen: CookieSnapshot[] = [];

  const servers = chromiumWithApp();
  let chromium: Chromium;
  let app: DevServer;
  before(() => { chromium = servers.chromium(); app = servers.app(); });
  beforeEach(async () => {
    await chromium.open('about:blank');
    const page = await chromium.page();
    try { await page.send('Network.clearBrowserCookies'); } finally { await page.close(); }
    ({ client } = await openBrowserPage(chromium.address, `${app.url}/`));
    watch = await BrowserCookieWatch.start(client, { appUrl: `${app.url}/`, fallbackUrl: 'http://localhost:3000/' });
    watch.onChange((s) => seen.push(s));
  });
  afterEach(async () => {
    await watch?.close();
  });

  /** Runs `fetch(path)` in the page (credentials included) and returns its JSON. */
  async function pageFetch(path: string): Promise<unknown> {
    const page = await chromium.page();
    try {
      const { result, exceptionDetails } = await page.send('Runtime.evaluate', { expression: `fetch(${JSON.stringify(path)}, { credentials: 'include' }).then((r) => r.json())`, awaitPromise: true, returnByValue: true });
      if (exceptionDetails) throw new Error(JSON.stringify(exceptionDetails));
      return result.value;
    } finally {
      await page.close();
    }
  }

  it('follows the app\'s cookie as pages and fetches log in, switch user and log out, without polling', async () => {
    assert.deepEqual(watch.snapshot?.cookies, [], 'a fresh profile holds no cookie of the app');
    const login = JSON.parse(await chromium.open(`${app.url}/login?user=alice`)) as { sid: string };
    const first = await snapshotWhere(watch, (s) => sidOf(s) === login.sid, 'alice\'s session');
    assert.equal(first.cookies.length, 1);
    assert.equal(first.cookies[0].httpOnly, true);
    assert.ok(Math.abs(first.browserNowMs - Date.now()) < 60_000 * 60 * 24 * 400, 'the browser\'s clock is read');

    const bob = await pageFetch('/login?user=bob') as { sid: string };
    assert.notEqual(bob.sid, login.sid, 'the app regenerates the session at login');
    await snapshotWhere(watch, (s) => sidOf(s) === bob.sid, 'bob\'s session after a fetch()');

    await pageFetch('/logout');
    const after = await snapshotWhere(watch, (s) => !s.cookies.some((c) => c.name === 'connect.sid'), 'no session cookie after logout');
    assert.deepEqual(after.cookies, []);
  });

  it('never reads another site\'s cookies', async () => {
    const page = await chromium.page();
    try {
      await page.send('Network.setCookie', { name: 'other_site_token', value: 'other-site-value', url: 'http://other.example.test/' });
      await page.send('Network.setCookie', { name: 'other_port', value: 'other-port-value', url: 'http://127.0.0.2:1/' });
    } finally {
      await page.close();
    }
    await chromium.open(`${app.url}/login?user=alice`);
    await snapshotWhere(watch, (s) => sidOf(s) !== undefined, 'a session');
    const refreshed = await watch.refresh();
    for (const s of [...seen, refreshed]) {
      assert.ok(!s.cookies.some((c) => c.name.startsWith('other_')), `no other site's cookie in ${JSON.stringify(s.cookies.map((c) => c.name))}`);
    }
  });

  it('switches the browser to another session: the app then serves that session to the page', async () => {
    const alice = JSON.parse(await chromium.open(`${app.url}/login?user=alice`)) as { sid: string };
    await snapshotWhere(watch, (s) => sidOf(s) === alice.sid, 'alice\'s session');
    // Another client logs in as bob; the browser is switched to bob's session.
    const other = app.browser();
    const bob = await other.get('/login?user=bob');
    const bobSid = (bob.body as { sid: string }).sid;
    const signed = signCookie('express-session', bobSid, DEFAULT_SECRET);
    assert.ok(!('error' in signed));
    const current = watch.snapshot!.cookies.find((c) => c.name === 'connect.sid')!;
    const switched = await watch.setCookie({ ...current, value: signed.value });
    assert.equal(sidOf(switched), bobSid);
    const profile = await pageFetch('/profile') as { user: { name: string } };
    assert.equal(profile.user.name, 'bob');
  });

  it('follows the page\'s origin when no app URL is given', async () => {
    await watch.close();
    await chromium.open(`${app.url}/count`);
    ({ client } = await openBrowserPage(chromium.address, undefined));
    watch = await BrowserCookieWatch.start(client, { fallbackUrl: 'http://localhost:3000/' });
    assert.equal(watch.appUrl, `${app.url}/`);
    assert.equal(watch.snapshot?.cookies[0]?.name, 'connect.sid');
    // The page goes to a site that is not on this machine (mapped to the app by the harness): its cookies are not read.
    const elsewhere = `http://app.example.test:${app.port}/count`;
    assert.match(await chromium.open(elsewhere), /"count":1/);
    const page = await chromium.page();
    try {
      const { cookies } = await page.send('Network.getCookies', { urls: [elsewhere] });
      assert.equal((cookies as { name: string }[])[0]?.name, 'connect.sid', 'the other site did set its cookie');
    } finally {
      await page.close();
    }
    const after = await watch.refresh();
    assert.equal(after.url, `${app.url}/`, 'still the app on this machine');
    assert.ok(!seen.some((s) => s.url.includes('example.test')), 'no snapshot of the other site');
  });

  it('refuses to set a cookie for an app that is not on this machine', async () => {
    await watch.close();
    ({ client } = await openBrowserPage(chromium.address, undefined));
    watch = await BrowserCookieWatch.start(client, { appUrl: 'http://app.example.test/', fallbackUrl: 'http://localhost:3000/' });
    await assert.rejects(watch.setCookie({ name: 'connect.sid', value: 'x' }), /only for apps on this machine \(loopback\), not app\.example\.test/);
  });
});
