// Wrappers left behind when a connection drops without detaching (client killed, socket cut): a reconnect
// re-uses them instead of stacking a second set, each change arrives once, and after the last detach no
// wrapper and no binding stays in the process.
import assert from 'node:assert/strict';
import type { CdpClient } from '../../../src/core/inspector/cdpClient';
import { addressEndpoint } from '../../../src/core/inspector/endpoint';
import { InspectorSessionSource } from '../../../src/core/inspector/inspectorSource';
import { STATE_SYMBOL, WRAPPERS_INSTALLED } from '../../../src/core/inspector/liveUpdates';
import type { SessionChange, SourceState } from '../../../src/core/sessions/types';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { rawClient, trackUnhandledRejections } from './helpers';

/** Cuts the WebSocket under a client as a crash would: no detach, no close handshake. */
function cutSocket(client: CdpClient | undefined): void {
  assert.ok(client, 'connected');
  (client as unknown as { socket: { terminate(): void } }).socket.terminate();
}

function nextState(source: InspectorSessionSource, kind: SourceState['kind'], timeoutMs = 15_000): Promise<void> {
  if (source.state.kind === kind) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`state did not become ${kind} within ${timeoutMs} ms`)); }, timeoutMs);
    const stop = source.onStateChange((state) => { if (state.kind === kind) { clearTimeout(timer); stop(); resolve(); } });
  });
}

/** The leases in the process: binding name → expiry, and the process's clock (read without changing them). */
async function leases(address: string): Promise<{ now: number; bindings: Record<string, number> }> {
  const client = await rawClient(address);
  try {
    const { result } = await client.send('Runtime.evaluate', {
      expression: `(() => { const s = globalThis[Symbol.for(${JSON.stringify(STATE_SYMBOL)})];
        return { now: Date.now(), bindings: s && s.bindings instanceof Map ? Object.fromEntries(s.bindings) : {} }; })()`,
      returnByValue: true,
    });
    return result.value as { now: number; bindings: Record<string, number> };
  } finally {
    await client.close();
  }
}

/** Polls the process (no event exists for a lease running out) until `condition` holds; fails after `timeoutMs`. */
async function untilLeases(address: string, condition: (l: { now: number; bindings: Record<string, number> }) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const l = await leases(address);
    if (condition(l)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(l)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const bindingOf = (source: InspectorSessionSource) => (source as unknown as { bindingName: string }).bindingName;

/** Logs in, then out, and counts the destroy events the source got for that session. */
async function destroyEvents(app: DevServer, source: InspectorSessionSource): Promise<number> {
  const seen: SessionChange[] = [];
  const stop = source.onChange((changes) => seen.push(...changes));
  try {
    const browser = app.browser();
    const { body } = await browser.get('/login?user=alice');
    await browser.get('/logout');
    // The wrappers notify synchronously inside destroy, before /logout answers; one more round trip on
    // the same socket makes sure every event sent before it has been read.
    await source.client!.send('Runtime.evaluate', { expression: '1' });
    return seen.filter((c) => c.kind === 'destroy' && c.id === body.sid).length;
  } finally {
    stop();
  }
}

async function processState(address: string): Promise<{ wrapped: boolean; globals: string[] }> {
  const client = await rawClient(address);
  try {
    const { result: wrapped } = await client.send('Runtime.evaluate', { expression: WRAPPERS_INSTALLED, returnByValue: true });
    const { result: globals } = await client.send('Runtime.evaluate', {
      expression: "Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('__sessionLens'))", returnByValue: true,
    });
    return { wrapped: wrapped.value as boolean, globals: globals.value as string[] };
  } finally {
    await client.close();
  }
}

describe('in-process: wrappers left behind after an abnormal drop', function () {
  this.timeout(60_000);
  const rejections = trackUnhandledRejections();
  let app: DevServer;
  before(async () => { app = await startDevServer({ inspect: true, store: 'memory' }); });
  after(async () => { await app.stop(); rejections.check(); rejections.dispose(); });

  it('the same source reconnects after its socket is cut: one event per change, nothing left after detach', async () => {
    const source = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0, reconnectMinMs: 50 });
    try {
      await source.start();
      const disconnected = nextState(source, 'disconnected');
      cutSocket(source.client);
      await disconnected;
      await nextState(source, 'connected');
      assert.equal(await destroyEvents(app, source), 1, 'exactly one destroy event after the reconnect');
    } finally {
      await source.close();
    }
    assert.deepEqual(await processState(app.inspectorAddress!), { wrapped: false, globals: [] }, 'no wrapper or binding after detach');
  });

  it('a new client after a crashed one: its expired binding is dropped, and the last detach removes the wrappers', async () => {
    const leaseMs = 300;
    const crashed = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!, { reconnect: false }), { pollMs: 0, leaseMs });
    await crashed.start();
    const gone = nextState(crashed, 'disconnected');
    cutSocket(crashed.client);
    await gone;
    assert.equal((await processState(app.inspectorAddress!)).wrapped, true, 'the crashed client left its wrappers');
    // Nobody renews the crashed client's lease now: wait until the process's clock has passed it.
    const crashedBinding = bindingOf(crashed);
    await untilLeases(app.inspectorAddress!, (l) => l.bindings[crashedBinding] !== undefined && l.now > l.bindings[crashedBinding],
      'the crashed client\'s lease to run out', leaseMs * 20);

    const next = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
    try {
      await next.start();
      assert.equal(await destroyEvents(app, next), 1, 'exactly one destroy event: the wrappers were re-used, not stacked');
    } finally {
      await next.close();
      await crashed.close();
    }
    assert.deepEqual(await processState(app.inspectorAddress!), { wrapped: false, globals: [] }, 'no wrapper or binding after the last detach');
  });

  it('a live client keeps its lease: another client detaching leaves its wrappers in place', async () => {
    const first = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0, leaseMs: 300 });
    const second = new InspectorSessionSource(addressEndpoint(app.inspectorAddress!), { pollMs: 0 });
    try {
      await first.start();
      await second.start();
      // Until the process's clock is past the first client's lease as granted at start: only its renewals
      // can keep it alive now.
      const firstBinding = bindingOf(first);
      const granted = (await leases(app.inspectorAddress!)).bindings[firstBinding];
      assert.ok(granted, 'the first client holds a lease');
      await untilLeases(app.inspectorAddress!, (l) => l.now > granted + 50, 'the first lease as granted to pass');
      assert.ok((await leases(app.inspectorAddress!)).bindings[firstBinding] > granted, 'the first client renewed its lease');
      await second.close();
      assert.equal((await processState(app.inspectorAddress!)).wrapped, true, 'the first client still follows the store');
      assert.equal(await destroyEvents(app, first), 1);
    } finally {
      await first.close();
      await second.close();
    }
    assert.deepEqual(await processState(app.inspectorAddress!), { wrapped: false, globals: [] });
  });
});
