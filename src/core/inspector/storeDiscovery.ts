// Finding express-session stores in a running Node process without scanning its heap: listening servers →
// request listeners → Express/connect router stacks → the closure scopes of each layer's handle, where
// the session middleware keeps its `store`. Stores are recognized by shape (get/set/destroy), so minified
// bundles and the implicit default MemoryStore are found; mounted sub-apps are descended into.
import { CdpConnectionError, type CdpClient } from './cdpClient';

/** Remote objects created during discovery live in this group; released when the source closes. */
export const OBJECT_GROUP = 'session-lens';

/**
 * `memory` and `memorystore` are read directly from their data; `store` is any other express-session store,
 * used through its own methods inside the app (see storeAccess.ts).
 */
export type StoreKind = 'memory' | 'memorystore' | 'store';

/**
 * How a `store` lists its sessions: `all()`; connect-pg-simple's own `query` on its own table; `list()` of
 * session-file-store (its file names); or not at all (then a session is reached by its id, from a cookie).
 */
export type StoreListing = 'all' | 'pg' | 'list' | 'none';

export interface DiscoveredStore {
  /** Remote object id of the store instance (valid while the connection and the object group live). */
  objectId: string;
  kind: StoreKind;
  /** `MemoryStore#1`, `RedisStore#1`: stable within one discovery, used as the record's `store`. */
  name: string;
  /** For `store`: how it lists. */
  listing?: StoreListing;
}

export interface DiscoveryResult {
  stores: DiscoveredStore[];
  /** How many request listeners (apps) and layers were walked. */
  apps: number;
  layers: number;
  /** Whether the heap scan (`Runtime.queryObjects`) was used. */
  heapScan: boolean;
}

export class NoNodeProcessError extends Error {}

const ROOT_LISTENERS = `(() => {
  const roots = [];
  const handles = typeof process === 'object' && process && typeof process._getActiveHandles === 'function' ? process._getActiveHandles() : [];
  for (const h of handles) {
    if (!h || typeof h.listeners !== 'function' || typeof h.address !== 'function') continue;
    let listeners = [];
    try { listeners = h.listeners('request'); } catch (e) { continue; }
    for (const l of listeners) if (typeof l === 'function' && !roots.includes(l)) roots.push(l);
  }
  return roots;
})()`;

/** Runs on a WeakSet of visited apps; returns the new apps' middleware handles, then null, then route handles. */
const LAYER_HANDLES = `function (root) {
  const middleware = [];
  const routes = [];
  const stackOf = (app) => {
    try {
      const router = app._router || (Object.getOwnPropertyDescriptor(app, 'router') ? app.router : undefined);
      if (router && Array.isArray(router.stack)) return router.stack;
      if (Array.isArray(app.stack)) return app.stack;
    } catch (e) { /* a getter that throws: not an app */ }
    return null;
  };
  const visit = (app, depth) => {
    if (!app || (typeof app !== 'function' && typeof app !== 'object') || this.has(app) || depth > 32) return;
    this.add(app);
    const stack = stackOf(app);
    if (!stack) return;
    for (const layer of stack) {
      const handle = layer && layer.handle;
      if (layer && layer.route && Array.isArray(layer.route.stack)) {
        for (const r of layer.route.stack) if (r && typeof r.handle === 'function') routes.push(r.handle);
        continue;
      }
      if (typeof handle !== 'function') continue;
      if (stackOf(handle)) visit(handle, depth + 1);
      else middleware.push(handle);
    }
  };
  visit(root, 0);
  return [...middleware, null, ...routes];
}`;

/** Classifies candidate values: a memory store kind, `store:<listing>:<Name>` for another store, `app`, or null. */
const CLASSIFY = `function (...candidates) {
  return candidates.map((c) => {
    try {
      if (!c || (typeof c !== 'object' && typeof c !== 'function')) return null;
      if (typeof c === 'object' && typeof c.get === 'function' && typeof c.set === 'function' && typeof c.destroy === 'function') {
        const own = (k) => Object.prototype.hasOwnProperty.call(c, k);
        if (own('sessions') && c.sessions && typeof c.sessions === 'object' && !Array.isArray(c.sessions)) return 'memory';
        if (own('store') && c.store && typeof c.store.dump === 'function' && typeof c.store.keys === 'function') return 'memorystore';
        // Any other store extends express-session's Store, whose prototype brings createSession and regenerate
        // (a response object also has get/set/destroy).
        if (typeof c.createSession !== 'function' || typeof c.regenerate !== 'function') return null;
        const ctor = c.constructor && typeof c.constructor.name === 'string' && c.constructor.name ? c.constructor.name : 'Store';
        const listing = typeof c.all === 'function' ? 'all'
          : typeof c.query === 'function' && typeof c.quotedTable === 'function' ? 'pg'
          : typeof c.list === 'function' ? 'list' : 'none';
        return 'store:' + listing + ':' + ctor;
      }
      if (typeof c === 'function' && (Object.prototype.hasOwnProperty.call(c, '_router') || Object.getOwnPropertyDescriptor(c, 'router') || Array.isArray(c.stack))) return 'app';
    } catch (e) { /* proxies and throwing getters are not stores */ }
    return null;
  });
}`;

const FIRST_INDEX = 'function (...items) { return items.map((x, i) => items.indexOf(x)); }';

interface RemoteObject { type: string; subtype?: string; objectId?: string; description?: string; className?: string }
interface PropertyDescriptor { name: string; value?: RemoteObject }

export interface DiscoverOptions {
  /** Also scan the heap with `Runtime.queryObjects` when the walk finds nothing (pauses the app on large heaps). */
  heapScan?: boolean;
}

/** Finds the session stores of the Node process on the other end of `client`. */
export async function discoverStores(client: CdpClient, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  await assertNode(client);
  const roots = await evaluateObject(client, ROOT_LISTENERS);
  const rootIds = roots ? await arrayElements(client, roots) : [];
  const visited = await evaluateObject(client, 'new WeakSet()');
  const found: { objectId: string; label: string }[] = [];
  let layers = 0;

  const pendingApps = [...rootIds];
  const routeHandles: string[] = [];
  const scanHandles = async (handles: string[]) => {
    for (const handle of handles) {
      const candidates = await closureCandidates(client, handle);
      if (candidates.length === 0) continue;
      const kinds = await classify(client, handle, candidates);
      kinds.forEach((kind, i) => {
        if (kind === 'memory' || kind === 'memorystore') found.push({ objectId: candidates[i], label: kind });
        else if (kind?.startsWith('store:')) found.push({ objectId: candidates[i], label: kind });
        else if (kind === 'app') pendingApps.push(candidates[i]);
      });
    }
  };
  while (pendingApps.length > 0) {
    const app = pendingApps.shift()!;
    const result = await client.send('Runtime.callFunctionOn', { objectId: visited!, functionDeclaration: LAYER_HANDLES, arguments: [{ objectId: app }], objectGroup: OBJECT_GROUP });
    const elements = await arrayElementsWithNull(client, (result.result as RemoteObject).objectId);
    const separator = elements.indexOf(null);
    const middleware = elements.slice(0, separator).filter((x): x is string => x !== null);
    routeHandles.push(...elements.slice(separator + 1).filter((x): x is string => x !== null));
    layers += middleware.length;
    await scanHandles(middleware);
  }
  // Route handlers are scanned only when no middleware closure held a store (per-route session middleware).
  if (found.length === 0 && routeHandles.length > 0) {
    layers += routeHandles.length;
    await scanHandles(routeHandles);
    while (pendingApps.length > 0) {
      const app = pendingApps.shift()!;
      const result = await client.send('Runtime.callFunctionOn', { objectId: visited!, functionDeclaration: LAYER_HANDLES, arguments: [{ objectId: app }], objectGroup: OBJECT_GROUP });
      const elements = await arrayElementsWithNull(client, (result.result as RemoteObject).objectId);
      await scanHandles(elements.filter((x): x is string => x !== null));
    }
  }
  let heapScan = false;
  if (found.length === 0 && options.heapScan) {
    heapScan = true;
    found.push(...await heapScanStores(client));
  }
  const stores = await dedupe(client, found);
  return { stores, apps: rootIds.length, layers, heapScan };
}

async function assertNode(client: CdpClient): Promise<void> {
  let answer: { result?: { value?: unknown }; exceptionDetails?: unknown };
  try {
    answer = await client.send('Runtime.evaluate', {
      expression: "typeof process === 'object' && process && process.versions ? String(process.versions.node || '') : ''",
      returnByValue: true,
    });
  } catch (err) {
    if (err instanceof CdpConnectionError && !client.closed) {
      throw new NoNodeProcessError(`the WebSocket does not speak the inspector protocol: ${err.message.replace(/^Runtime\.evaluate: /, '')}`);
    }
    throw err;
  }
  const { result, exceptionDetails } = answer;
  if (exceptionDetails || typeof result?.value !== 'string' || result.value === '') {
    throw new NoNodeProcessError('the inspector does not belong to a Node process (no `process.versions.node`)');
  }
}

async function evaluateObject(client: CdpClient, expression: string): Promise<string | undefined> {
  const { result, exceptionDetails } = await client.send('Runtime.evaluate', { expression, objectGroup: OBJECT_GROUP, silent: true });
  if (exceptionDetails) throw new Error(`evaluation failed in the process: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return (result as RemoteObject).objectId;
}

async function arrayElements(client: CdpClient, arrayId: string): Promise<string[]> {
  return (await arrayElementsWithNull(client, arrayId)).filter((x): x is string => x !== null);
}

/** The object ids of an array's elements in order; null for elements that are not objects. */
async function arrayElementsWithNull(client: CdpClient, arrayId: string | undefined): Promise<(string | null)[]> {
  if (!arrayId) return [];
  const { result } = await client.send('Runtime.getProperties', { objectId: arrayId, ownProperties: true, objectGroup: OBJECT_GROUP });
  return (result as PropertyDescriptor[])
    .filter((p) => /^\d+$/.test(p.name))
    .sort((a, b) => Number(a.name) - Number(b.name))
    .map((p) => p.value?.objectId ?? null);
}

/** Object and function values of every non-global closure scope of `fn`. */
async function closureCandidates(client: CdpClient, fn: string): Promise<string[]> {
  const { internalProperties } = await client.send('Runtime.getProperties', { objectId: fn, ownProperties: true, objectGroup: OBJECT_GROUP });
  const scopesId = (internalProperties as PropertyDescriptor[] | undefined)?.find((p) => p.name === '[[Scopes]]')?.value?.objectId;
  if (!scopesId) return [];
  const { result: scopes } = await client.send('Runtime.getProperties', { objectId: scopesId, ownProperties: true, objectGroup: OBJECT_GROUP });
  const candidates: string[] = [];
  for (const scope of scopes as PropertyDescriptor[]) {
    const value = scope.value;
    if (!value?.objectId || !/^\d+$/.test(scope.name)) continue;
    if (/^Global\b/.test(value.description ?? '')) continue;
    const { result: variables } = await client.send('Runtime.getProperties', { objectId: value.objectId, ownProperties: true, objectGroup: OBJECT_GROUP });
    for (const variable of variables as PropertyDescriptor[]) {
      const v = variable.value;
      if (!v?.objectId) continue;
      if (v.type === 'function' || (v.type === 'object' && (v.subtype === undefined || v.subtype === 'proxy'))) candidates.push(v.objectId);
    }
  }
  return candidates;
}

async function classify(client: CdpClient, thisId: string, candidates: string[]): Promise<(string | null)[]> {
  const kinds: (string | null)[] = [];
  // Keep each call's argument list reasonably small for huge bundle scopes.
  for (let i = 0; i < candidates.length; i += 500) {
    const chunk = candidates.slice(i, i + 500);
    const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
      objectId: thisId, functionDeclaration: CLASSIFY, arguments: chunk.map((objectId) => ({ objectId })), returnByValue: true, silent: true,
    });
    if (exceptionDetails || !Array.isArray(result?.value)) kinds.push(...chunk.map(() => null));
    else kinds.push(...(result.value as (string | null)[]));
  }
  return kinds;
}

async function dedupe(client: CdpClient, found: { objectId: string; label: string }[]): Promise<DiscoveredStore[]> {
  if (found.length === 0) return [];
  const { result } = await client.send('Runtime.callFunctionOn', {
    objectId: found[0].objectId, functionDeclaration: FIRST_INDEX, arguments: found.map((f) => ({ objectId: f.objectId })), returnByValue: true,
  });
  const first = result.value as number[];
  const unique = found.filter((_, i) => first[i] === i);
  const counts = new Map<string, number>();
  return unique.map((f) => {
    const [kind, listing, ctor] = f.label.startsWith('store:') ? f.label.split(':') : [f.label, undefined, f.label === 'memory' ? 'MemoryStore' : 'memorystore'];
    const n = (counts.get(ctor) ?? 0) + 1;
    counts.set(ctor, n);
    return { objectId: f.objectId, kind: kind as StoreKind, name: `${ctor}#${n}`, ...(listing ? { listing: listing as StoreListing } : {}) };
  });
}

/**
 * The slow fallback: every instance of express-session's `Store` (or, in bundles where it cannot be
 * required, of `EventEmitter`) from a heap scan. Pauses the app while V8 walks the heap.
 */
async function heapScanStores(client: CdpClient): Promise<{ objectId: string; label: string }[]> {
  const prototypeExpression = `(() => {
    const req = (typeof process === 'object' && process.mainModule && process.mainModule.require) || (typeof require === 'function' ? require : null);
    try { if (req) return req('express-session').Store.prototype; } catch (e) { /* bundled or ESM */ }
    return (req ? req('events') : process.constructor.__proto__).EventEmitter.prototype;
  })()`;
  const { result, exceptionDetails } = await client.send('Runtime.evaluate', { expression: prototypeExpression, includeCommandLineAPI: true, objectGroup: OBJECT_GROUP, silent: true });
  if (exceptionDetails || !result?.objectId) return [];
  const { objects } = await client.send('Runtime.queryObjects', { prototypeObjectId: result.objectId, objectGroup: OBJECT_GROUP }, { timeoutMs: 120_000 });
  const instances = await arrayElements(client, objects.objectId);
  const found: { objectId: string; label: string }[] = [];
  for (let i = 0; i < instances.length; i += 500) {
    const chunk = instances.slice(i, i + 500);
    // Prototypes (objects with an own `constructor`) are not instances.
    const kinds = await classify(client, chunk[0], chunk);
    const { result: protoFlags } = await client.send('Runtime.callFunctionOn', {
      objectId: chunk[0], functionDeclaration: "function (...xs) { return xs.map((x) => Object.prototype.hasOwnProperty.call(x, 'constructor')); }",
      arguments: chunk.map((objectId) => ({ objectId })), returnByValue: true,
    });
    kinds.forEach((kind, j) => {
      if ((protoFlags.value as boolean[])[j]) return;
      if (kind === 'memory' || kind === 'memorystore' || kind?.startsWith('store:')) found.push({ objectId: chunk[j], label: kind });
    });
  }
  return found;
}
