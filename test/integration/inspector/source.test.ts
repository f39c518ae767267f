// InspectorSessionSource against the real fixture dev server: live events, destroy, edit through the
// store's set, paging, detaching cleanly, and rediscovery after the process restarts.
import assert from 'node:assert/strict';
import { addressEndpoint } from '../../../src/core/inspector/endpoint';
import { InspectorSessionSource } from '../../../src/core/inspector/inspectorSource';
import { WRAPPERS_INSTALLED } from '../../../src/core/inspector/liveUpdates';
import { SessionChangedError, type SessionChange, type SourceState } from '../../../src/core/sessions/types';
import { startDevServer } from '../../harness/devServer';
import { rawClient, trackUnhandledRejections } from './helpers';

/** Resolves with the first batch of changes holding a change that matches. */
function nextChange(source: InspectorSessionSource, match: (c: SessionChange) => boolean, what: string, timeoutMs = 10_000): Promise<SessionChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`no ${what} within ${timeoutMs} ms`)); }, timeoutMs);
    const stop = source.onChange((changes) => {
      const hit = changes.find(match);
      if (hit) { clearTimeout(timer); stop(); resolve(hit); }
    });
  });
}

function nextState(source: InspectorSessionSource, kind: SourceState['kind'], timeoutMs = 15_000): Promise<SourceState> {
  if (source.state.kind === kind) return Promise.resolve(source.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`state did not become ${kind} within ${timeoutMs} ms (now ${JSON.stringify(source.state)})`)); }, timeoutMs);
    const stop = source.onStateChange((state) => {
      if (state.kind === kind) { clearTimeout(timer); stop(); resolve(state); }
    });
  });
}

for (const store of ['memory', 'memorystore'] as const) {
  describe(`in-process source (${store})`, function () {
    this.timeout(60_000);
    const rejections = trackUnhandledRejections();
    after(() => { rejections.check(); rejections.dispose(); });

    it('sends live events for login and logout, and removes its wrappers on close', async () => {
      const app = await startDevServer({ inspect: true, store });
      const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
      try {
        await source.start();
        assert.equal(source.state.kind, 'connected');
        const browser = app.browser();
        const created = nextChange(source, (c) => c.kind === 'set', 'set event');
        const { body } = await browser.get('/login?user=alice');
        assert.deepEqual(await created, { kind: 'set', id: body.sid });
        const destroyed = nextChange(source, (c) => c.kind === 'destroy', 'destroy event');
        await browser.get('/logout');
        assert.deepEqual(await destroyed, { kind: 'destroy', id: body.sid });
        await source.close();
        assert.equal(source.state.kind, 'closed');
        const client = await rawClient(app.inspectorAddress!);
        try {
          const { result } = await client.send('Runtime.evaluate', { expression: WRAPPERS_INSTALLED, returnByValue: true });
          assert.equal(result.value, false, 'wrappers removed on detach');
          const { result: methods } = await client.send('Runtime.evaluate', {
            expression: "Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('__sessionLens'))", returnByValue: true,
          });
          assert.deepEqual(methods.value, [], 'binding removed on detach');
        } finally {
          await client.close();
        }
        // The app still works with the original methods.
        assert.equal((await browser.get('/login?user=bob')).status, 200);
        assert.equal((await browser.get('/profile')).status, 200);
      } finally {
        await source.close();
        await app.stop();
      }
    });

    it('destroys a session through the store: the next /profile is 401', async () => {
      const app = await startDevServer({ inspect: true, store });
      const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
      try {
        const browser = app.browser();
        await browser.get('/login?user=alice');
        const sid = (await browser.sessionId())!;
        assert.equal((await browser.get('/profile')).status, 200);
        const event = nextChange(source, (c) => c.kind === 'destroy', 'destroy event');
        await source.start();
        assert.equal(await source.destroy(sid), true);
        await event;
        assert.equal(await source.get(sid), undefined);
        assert.equal(await source.destroy(sid), false, 'a second destroy finds nothing');
        assert.equal((await browser.get('/profile')).status, 401);
      } finally {
        await source.close();
        await app.stop();
      }
    });

    it('edits a session through the store\'s set, refusing a stale edit and keeping the time to live', async () => {
      const app = await startDevServer({ inspect: true, store });
      const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
      try {
        const browser = app.browser();
        await browser.get('/login?user=alice');
        const sid = (await browser.sessionId())!;
        await source.start();
        const before = (await source.get(sid))!;
        const edited = structuredClone(before.data) as any;
        edited.user.roles = ['user'];
        edited.user.email = 'mallory@example.test';
        const readText = JSON.stringify(before.data);
        await source.set(sid, edited, { expectRaw: readText });
        const after = (await source.get(sid))!;
        assert.equal(after.user, 'mallory@example.test');
        assert.ok(after.ttl !== null && before.ttl !== null && Math.abs(after.ttl - before.ttl) <= 2, `ttl kept: ${before.ttl} → ${after.ttl}`);
        const profile = await browser.get('/profile');
        assert.equal(profile.status, 200);
        assert.deepEqual(profile.body.user.roles, ['user']);
        // The /profile request changed the session (views): an edit based on the old text is refused.
        await assert.rejects(source.set(sid, { ...edited, admin: true }, { expectRaw: JSON.stringify(after.data) }), SessionChangedError);
        assert.equal(((await source.get(sid))!.data as any).admin, undefined, 'the refused edit wrote nothing');
        await source.destroy(sid);
        await assert.rejects(source.set(sid, edited), SessionChangedError);
        // Extend: a new time to live.
        await browser.get('/login?user=bob');
        const bobSid = (await browser.sessionId())!;
        await source.extend(bobSid, 60);
        const bob = (await source.get(bobSid))!;
        assert.ok(bob.ttl !== null && bob.ttl <= 60 && bob.ttl >= 58, `extended ttl ${bob.ttl}`);
      } finally {
        await source.close();
        await app.stop();
      }
    });

    it('pages through sessions, and the ids-only refresh agrees with the listing', async () => {
      const app = await startDevServer({ inspect: true, store });
      const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
      try {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await app.browser().get(`/login?user=u${i}`)).body.sid);
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await source.list({ cursor, limit: 2 });
          seen.push(...page.sessions.map((s) => s.id));
          cursor = page.cursor;
          pages++;
        } while (cursor);
        assert.equal(pages, 3);
        assert.deepEqual([...seen].sort(), [...ids].sort());
        assert.deepEqual((await source.listIds()).map((x) => x.id).sort(), [...ids].sort());
      } finally {
        await source.close();
        await app.stop();
      }
    });
  });
}

describe('in-process source: process restarts', function () {
  this.timeout(60_000);

  it('reconnects and rediscovers the store after the process restarts on the same inspector port', async () => {
    // The first run picks its inspector port (port 0); the restart asks for the same one.
    let app = await startDevServer({ store: 'memory', inspect: true });
    const port = Number(new URL(app.inspectorUrl!).port);
    const options = { store: 'memory' as const, inspectPort: port };
    const source = new InspectorSessionSource(addressEndpoint(`127.0.0.1:${port}`), { pollMs: 0, reconnectMinMs: 100, reconnectMaxMs: 500 });
    try {
      await app.browser().get('/login?user=alice');
      await source.start();
      assert.equal((await source.listIds()).length, 1);
      const disconnected = nextState(source, 'disconnected');
      await app.stop();
      const state = await disconnected;
      assert.ok(state.kind === 'disconnected' && state.retrying);
      app = await startDevServer(options);
      // Reconnecting may beat the app's listen(): the source then looks again and announces a reset.
      const rediscovered = nextChange(source, (c) => c.kind === 'reset' && source.stores.length > 0, 'rediscovery');
      rediscovered.catch(() => undefined); // awaited below only when needed
      await nextState(source, 'connected');
      if (source.stores.length === 0) await rediscovered;
      const created = nextChange(source, (c) => c.kind === 'set', 'set event after the restart');
      const { body } = await app.browser().get('/login?user=bob');
      assert.deepEqual(await created, { kind: 'set', id: body.sid }, 'live events follow the new process');
      const page = await source.list({ limit: 10 });
      assert.deepEqual(page.sessions.map((s) => s.user), ['bob@example.test']);
    } finally {
      await source.close();
      await app.stop();
    }
  });
});
