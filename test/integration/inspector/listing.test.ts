// In-process listing through the inspector, against the real fixture dev server started with
// --inspect=127.0.0.1:0: express 4 and 5, MemoryStore and memorystore, ESM and bundled variants.
import assert from 'node:assert/strict';
import { listInspectorSessions } from '../../../src/core/inspector/cli';
import { WRAPPERS_INSTALLED } from '../../../src/core/inspector/liveUpdates';
import { type DevServer, startDevServer } from '../../harness/devServer';
import { ESM_APP, bundledApp, rawClient } from './helpers';

interface Variant {
  title: string;
  store: 'memory' | 'memorystore';
  express?: 'express4';
  script?: () => Promise<string> | string;
  storeName: string;
}

const variants: Variant[] = [
  { title: 'express 5 + implicit MemoryStore', store: 'memory', storeName: 'MemoryStore#1' },
  { title: 'express 5 + memorystore', store: 'memorystore', storeName: 'memorystore#1' },
  { title: 'express 4 + implicit MemoryStore', store: 'memory', express: 'express4', storeName: 'MemoryStore#1' },
  { title: 'express 4 + memorystore', store: 'memorystore', express: 'express4', storeName: 'memorystore#1' },
  { title: 'ESM app, session in a mounted sub-app (express 5)', store: 'memory', script: () => ESM_APP, storeName: 'MemoryStore#1' },
  { title: 'ESM app, session in a mounted sub-app (express 4, memorystore)', store: 'memorystore', express: 'express4', script: () => ESM_APP, storeName: 'memorystore#1' },
  { title: 'esbuild-bundled minified app + MemoryStore', store: 'memory', script: bundledApp, storeName: 'MemoryStore#1' },
  { title: 'esbuild-bundled minified app + memorystore', store: 'memorystore', script: bundledApp, storeName: 'memorystore#1' },
];

describe('in-process listing through the inspector', function () {
  this.timeout(60_000);

  for (const variant of variants) {
    it(`lists the logged-in sessions of: ${variant.title}`, async () => {
      const app = await startDevServer({
        inspect: true,
        store: variant.store,
        script: variant.script ? await variant.script() : undefined,
        env: variant.express ? { EXPRESS_MODULE: variant.express } : {},
      });
      try {
        const alice = app.browser();
        const bob = app.browser();
        assert.equal((await alice.get('/login?user=alice')).status, 200);
        assert.equal((await bob.get('/login?user=bob')).status, 200);
        const { sessions, stores } = await listInspectorSessions(app.inspectorAddress!);
        assert.deepEqual(stores, [variant.storeName]);
        const byId = new Map(sessions.map((s) => [s.id, s]));
        assert.equal(sessions.length, 2, JSON.stringify(sessions.map((s) => s.id)));
        const a = byId.get((await alice.sessionId())!);
        const b = byId.get((await bob.sessionId())!);
        assert.ok(a && b, 'both browser sessions are listed');
        assert.equal(a.user, 'alice@example.test');
        assert.equal(b.user, 'bob@example.test');
        assert.equal(a.store, variant.storeName);
        assert.equal(a.key, a.id);
        assert.ok(a.ttl !== null && a.ttl > 3500 && a.ttl <= 3600, `ttl ${a.ttl}`);
        assert.ok(a.expiresAt && Date.parse(a.expiresAt) > Date.now());
        assert.deepEqual((a.data as any).user.roles, ['admin']);
        assert.ok((a.size ?? 0) > 50);
        // A listing leaves nothing behind in the app.
        await assertNoWrappers(app);
        assert.equal((await alice.get('/profile')).status, 200);
      } finally {
        await app.stop();
      }
    });
  }

  it('reads expired sessions without deleting them (never through the store\'s get/all)', async () => {
    const app = await startDevServer({ inspect: true, store: 'memory', maxAgeMs: 300 });
    try {
      const browser = app.browser();
      // The browser's jar forgets the cookie once it expires: take the id from the response.
      const sid = (await browser.get('/login?user=alice')).body.sid as string;
      // Wait (by polling the listing itself) until the cookie's expiry has passed.
      let record;
      for (let i = 0; i < 50; i++) {
        record = (await listInspectorSessions(app.inspectorAddress!)).sessions.find((s) => s.id === sid);
        if (record && record.expiresAt && Date.parse(record.expiresAt) < Date.now()) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(record, 'the expired session is listed');
      assert.equal(record.ttl, 0);
      const again = await listInspectorSessions(app.inspectorAddress!);
      assert.ok(again.sessions.some((s) => s.id === sid), 'listing twice does not prune it');
    } finally {
      await app.stop();
    }
  });

  it('names the app\'s store when it cannot list it (connect-redis whose Redis is down)', async () => {
    // connect-redis with an unreachable Redis: the app still serves, and its store is a RedisStore.
    const app = await startDevServer({ inspect: true, store: 'redis', redisUrl: 'redis://127.0.0.1:1' });
    try {
      await assert.rejects(listInspectorSessions(app.inspectorAddress!), /listing the sessions of RedisStore#1 failed/);
    } finally {
      await app.stop();
    }
  });

  it('finds the store with the heap scan when asked, and explains the option otherwise', async () => {
    const app = await startDevServer({ inspect: true, store: 'memory' });
    try {
      await app.browser().get('/login?user=alice');
      // Hide the store from the walk: remove the app's request listener from the server.
      const client = await rawClient(app.inspectorAddress!);
      try {
        await client.send('Runtime.evaluate', {
          expression: `(() => { globalThis.__hidden = []; for (const h of process._getActiveHandles()) if (h && typeof h.listeners === 'function' && typeof h.address === 'function') { for (const l of h.listeners('request')) globalThis.__hidden.push(l); h.removeAllListeners('request'); } })()`,
        });
      } finally {
        await client.close();
      }
      await assert.rejects(listInspectorSessions(app.inspectorAddress!), /no express-session store found.*--heap-scan/);
      const { sessions } = await listInspectorSessions(app.inspectorAddress!, { heapScan: true });
      assert.equal(sessions.length, 1);
      assert.equal(sessions[0].user, 'alice@example.test');
    } finally {
      await app.stop();
    }
  });
});

async function assertNoWrappers(app: DevServer): Promise<void> {
  const client = await rawClient(app.inspectorAddress!);
  try {
    const { result } = await client.send('Runtime.evaluate', { expression: WRAPPERS_INSTALLED, returnByValue: true });
    assert.equal(result.value, false, 'no wrapper is left in the process after a listing');
  } finally {
    await client.close();
  }
}
