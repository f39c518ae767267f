// Live changes from an in-process store: a `Runtime.addBinding` function, and wrappers on each store
// instance's set/destroy/touch/clear that call it after the original ran. The wrappers and the list of
// bindings live on a `Symbol.for('session-lens.inspector')` global, so several clients (and a reconnect
// with the same binding name) share one set of wrappers; the last client to detach removes them.
// A client that dropped without detaching (killed, crashed, network gone) cannot say so: each binding holds
// a lease its client renews while connected, and an expired one is dropped when any client installs or
// detaches, so the wrappers are re-used (never stacked) and the last live client still removes them.
import type { SessionChange } from '../sessions/types';
import type { CdpClient } from './cdpClient';
import type { DiscoveredStore } from './storeDiscovery';

export const STATE_SYMBOL = 'session-lens.inspector';

/** Default lease of a binding (ms): renewed every third of it while the client is connected. */
export const DEFAULT_LEASE_MS = 60_000;

/** Shared state, created or upgraded (older versions kept a Set of names), with expired bindings dropped. */
const STATE = `(() => {
  const key = Symbol.for(${JSON.stringify(STATE_SYMBOL)});
  const state = globalThis[key] || (globalThis[key] = { bindings: new Map(), wrapped: [] });
  if (!(state.bindings instanceof Map)) state.bindings = new Map([...state.bindings].map((n) => [n, 0]));
  const now = Date.now();
  for (const [name, expires] of [...state.bindings]) {
    if (expires >= now) continue;
    state.bindings.delete(name);
    try { delete globalThis[name]; } catch (e) { /* not configurable */ }
  }
  return state;
})()`;

/** Installed on one store (as `this`); returns the store's index in the shared wrapper list. */
const INSTALL = `function (bindingName, leaseMs, writesElsewhere) {
  const state = ${STATE};
  state.bindings.set(bindingName, Date.now() + leaseMs);
  const store = this;
  let index = state.wrapped.findIndex((w) => w.store === store);
  if (index >= 0) return index;
  const entry = { store, originals: {} };
  index = state.wrapped.push(entry) - 1;
  for (const op of ['set', 'destroy', 'touch', 'clear']) {
    const original = store[op];
    if (typeof original !== 'function') continue;
    const hadOwn = Object.prototype.hasOwnProperty.call(store, op);
    const wrapper = function (...args) {
      const announce = () => {
        try {
          const payload = JSON.stringify({ store: index, op, id: typeof args[0] === 'string' ? args[0] : null });
          for (const name of state.bindings.keys()) { const notify = globalThis[name]; if (typeof notify === 'function') notify(payload); }
        } catch (e) { /* never break the app */ }
      };
      // An in-memory store has written when its method returns (even while the app is paused). A store that
      // writes elsewhere (Redis, a database, files) has written once its callback runs or its promise settles:
      // the change is announced then, so a read that follows sees it.
      if (!writesElsewhere) { const result = original.apply(this, args); announce(); return result; }
      const last = args.length - 1;
      let announced = false;
      const once = () => { if (!announced) { announced = true; announce(); } };
      if (last >= 0 && typeof args[last] === 'function') {
        const callback = args[last];
        args[last] = function (...results) { once(); return callback.apply(this, results); };
      }
      const result = original.apply(this, args);
      if (result && typeof result.then === 'function') result.then(once, once);
      else if (last < 0 || typeof args[last] !== 'function') once();
      return result;
    };
    entry.originals[op] = { original, hadOwn, wrapper };
    store[op] = wrapper;
  }
  return index;
}`;

/** Forgets one binding; when none is left, restores every wrapped method and removes the global. */
const UNINSTALL = `function (bindingName) {
  const key = Symbol.for(${JSON.stringify(STATE_SYMBOL)});
  try { delete globalThis[bindingName]; } catch (e) { /* not configurable */ }
  if (!globalThis[key]) return 0;
  const state = ${STATE};
  state.bindings.delete(bindingName);
  if (state.bindings.size > 0) return state.bindings.size;
  for (const entry of state.wrapped) {
    for (const op of Object.keys(entry.originals)) {
      const o = entry.originals[op];
      if (entry.store[op] !== o.wrapper) continue; // replaced by someone else since: leave it
      if (o.hadOwn) entry.store[op] = o.original; else delete entry.store[op];
    }
  }
  delete globalThis[key];
  return 0;
}`;

/**
 * Extends a binding's lease. Answers false when the lease had lapsed and another client dropped the
 * binding (or removed the wrappers): the client then installs again.
 */
const RENEW = `function (bindingName, leaseMs) {
  const key = Symbol.for(${JSON.stringify(STATE_SYMBOL)});
  if (!globalThis[key]) return false;
  const state = ${STATE};
  if (!state.bindings.has(bindingName) || typeof globalThis[bindingName] !== 'function') return false;
  state.bindings.set(bindingName, Date.now() + leaseMs);
  return state.wrapped.length > 0;
}`;

/** Whether any Session Lens wrapper is installed in the process (for tests and diagnostics). */
export const WRAPPERS_INSTALLED = `(() => { const s = globalThis[Symbol.for(${JSON.stringify(STATE_SYMBOL)})]; return !!s && s.wrapped.length > 0; })()`;

export interface LiveSubscription {
  /** Removes the binding and, when no other client uses them, the wrappers. */
  dispose(): Promise<void>;
}

/**
 * Installs the wrappers on `stores` and calls `listener` with each change, naming the store it came from.
 * `bindingName` should be stable for one source so a reconnect re-uses the same wrappers.
 */
export async function subscribeToStores(
  client: CdpClient,
  stores: DiscoveredStore[],
  bindingName: string,
  listener: (store: DiscoveredStore, change: SessionChange) => void,
  options: { leaseMs?: number } = {},
): Promise<LiveSubscription> {
  const leaseMs = Math.max(options.leaseMs ?? DEFAULT_LEASE_MS, 30);
  await client.send('Runtime.addBinding', { name: bindingName });
  const byIndex = new Map<number, DiscoveredStore>();
  const stop = client.on('Runtime.bindingCalled', (params: { name: string; payload: string }) => {
    if (params.name !== bindingName) return;
    let message: { store: number; op: string; id: string | null };
    try { message = JSON.parse(params.payload); } catch { return; }
    const store = byIndex.get(message.store);
    if (!store) return;
    const change = toChange(message.op, message.id);
    if (change) listener(store, change);
  });
  const install = async () => {
    for (const store of stores) {
      const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
        objectId: store.objectId, functionDeclaration: INSTALL, arguments: [{ value: bindingName }, { value: leaseMs }, { value: store.kind === 'store' }], returnByValue: true, silent: true,
      });
      if (exceptionDetails) throw new Error(`cannot follow ${store.name}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      byIndex.set(result.value as number, store);
    }
  };
  try {
    await install();
  } catch (err) {
    stop();
    await unsubscribe(client, bindingName).catch(() => undefined);
    throw err;
  }
  const renewTimer = setInterval(() => {
    if (client.closed) { clearInterval(renewTimer); return; }
    const expression = `(${RENEW})(${JSON.stringify(bindingName)}, ${leaseMs})`;
    void client.send('Runtime.evaluate', { expression, returnByValue: true, silent: true }, { timeoutMs: leaseMs / 3 })
      .then(async ({ result }: { result?: { value?: unknown } }) => {
        if (result?.value !== false || client.closed) return;
        await client.send('Runtime.addBinding', { name: bindingName });
        await install();
      })
      .catch(() => undefined);
  }, leaseMs / 3);
  renewTimer.unref?.();
  return {
    dispose: async () => {
      clearInterval(renewTimer);
      stop();
      await unsubscribe(client, bindingName);
    },
  };
}

async function unsubscribe(client: CdpClient, bindingName: string): Promise<void> {
  if (client.closed) return;
  await client.send('Runtime.evaluate', { expression: `(${UNINSTALL})(${JSON.stringify(bindingName)})`, returnByValue: true, silent: true });
  await client.send('Runtime.removeBinding', { name: bindingName }).catch(() => undefined);
}

function toChange(op: string, id: string | null): SessionChange | undefined {
  if (op === 'clear') return { kind: 'reset' };
  if (id === null) return undefined;
  if (op === 'set') return { kind: 'set', id };
  if (op === 'destroy') return { kind: 'destroy', id };
  if (op === 'touch') return { kind: 'touch', id };
  return undefined;
}
