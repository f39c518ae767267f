// Reading and writing one in-process store through `Runtime.callFunctionOn`. Reads go straight to the
// store's data (MemoryStore's `sessions` map, memorystore's LRU entries), never through `get`/`all`, which
// delete expired sessions as a side effect. Writes call the store's own `set`/`destroy` and check the
// result synchronously: nothing here awaits a promise, so it works while the process is paused at a
// breakpoint (callbacks would not run then).
import { cookieExpiry, expiresAt, parseSessionValue, sessionUser } from '../sessions/describe';
import type { SessionRecord } from '../sessions/types';
import type { CdpClient } from './cdpClient';
import type { DiscoveredStore } from './storeDiscovery';

/** Ids of live sessions. memorystore's stale entries (expired, not yet pruned) are left out. */
const READ_IDS = `function (kind) {
  if (kind === 'memory') return Object.keys(this.sessions);
  const lru = this.store;
  if (typeof lru.dumpLru === 'function') {
    const now = Date.now();
    const out = [];
    lru.dumpLru().forEach((hit) => { if (!(hit.maxAge && now - hit.now > hit.maxAge)) out.push(String(hit.key)); });
    return out;
  }
  return lru.keys().map(String);
}`;

/**
 * Entries [id, stored text, expiry epoch ms or null] for the given ids (null: all). The stored text is the
 * store's serialized value; a value that is not a string is serialized here.
 */
const READ_VALUES = `function (kind, ids) {
  const text = (v) => { if (typeof v === 'string') return v; try { return JSON.stringify(v); } catch (e) { return String(v); } };
  const out = [];
  if (kind === 'memory') {
    const map = this.sessions;
    const keys = ids || Object.keys(map);
    for (const id of keys) if (Object.prototype.hasOwnProperty.call(map, id)) out.push([id, text(map[id]), null]);
    return out;
  }
  const lru = this.store;
  const now = Date.now();
  const cacheSymbol = Object.getOwnPropertySymbols(lru).find((s) => s.description === 'cache');
  const cache = cacheSymbol ? lru[cacheSymbol] : lru._cache;
  const push = (hit) => {
    if (!hit || (hit.maxAge && now - hit.now > hit.maxAge)) return;
    out.push([String(hit.key), text(hit.value), hit.maxAge ? hit.now + hit.maxAge : null]);
  };
  if (ids && cache && typeof cache.get === 'function') {
    for (const id of ids) { const node = cache.get(id); if (node) push(node.value); }
    return out;
  }
  const wanted = ids ? new Set(ids) : null;
  if (typeof lru.dumpLru === 'function') lru.dumpLru().forEach((hit) => { if (!wanted || wanted.has(String(hit.key))) push(hit); });
  return out;
}`;

/** Destroys through the store's own `destroy`; returns whether the session existed and is gone now. */
const DESTROY = `function (kind, id) {
  const has = () => kind === 'memory' ? Object.prototype.hasOwnProperty.call(this.sessions, id) : this.store.has(id);
  const existed = has();
  this.destroy(id, () => {});
  return existed && !has();
}`;

/**
 * Writes through the store's own \`set\` when the stored text is still \`expect\` (or \`expect\` is null).
 * Keeps memorystore's remaining time to live. Returns 'ok', 'gone' or 'changed'.
 */
const WRITE = `function (kind, id, json, expect, extendMs) {
  const lru = kind === 'memorystore' ? this.store : null;
  const cacheSymbol = lru ? Object.getOwnPropertySymbols(lru).find((s) => s.description === 'cache') : null;
  const node = lru ? (cacheSymbol ? lru[cacheSymbol] : lru._cache).get(id) : null;
  const current = kind === 'memory'
    ? (Object.prototype.hasOwnProperty.call(this.sessions, id) ? this.sessions[id] : undefined)
    : (node && !(node.value.maxAge && Date.now() - node.value.now > node.value.maxAge) ? node.value.value : undefined);
  if (current === undefined) return 'gone';
  if (expect !== null && current !== expect) return 'changed';
  const remaining = node && node.value.maxAge ? node.value.now + node.value.maxAge - Date.now() : null;
  const session = JSON.parse(json);
  if (extendMs !== null && session && typeof session === 'object') {
    if (!session.cookie || typeof session.cookie !== 'object') session.cookie = {};
    session.cookie.expires = new Date(Date.now() + extendMs).toISOString();
    session.cookie.originalMaxAge = extendMs;
  }
  this.set(id, session, () => {});
  if (lru) {
    const written = (cacheSymbol ? lru[cacheSymbol] : lru._cache).get(id);
    const ttl = extendMs !== null ? extendMs : remaining;
    if (written && ttl !== null && ttl > 0) lru.set(id, written.value.value, ttl);
  }
  return 'ok';
}`;

export interface StoreEntry {
  id: string;
  /** The stored (serialized) text. */
  text: string;
  /** When the store drops it (epoch ms), when the store keeps its own expiry. */
  expiresMs: number | null;
}

export async function readIds(client: CdpClient, store: DiscoveredStore): Promise<string[]> {
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: READ_IDS, arguments: [{ value: store.kind }], returnByValue: true, silent: true,
  });
  if (exceptionDetails) throw new Error(`reading ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as string[];
}

/** Values of `ids` (all when omitted). Ids that are gone meanwhile are left out. */
export async function readEntries(client: CdpClient, store: DiscoveredStore, ids?: string[]): Promise<StoreEntry[]> {
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: READ_VALUES, arguments: [{ value: store.kind }, { value: ids ?? null }], returnByValue: true, silent: true,
  }, { timeoutMs: 60_000 });
  if (exceptionDetails) throw new Error(`reading ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return (result.value as [string, string, number | null][]).map(([id, text, expiresMs]) => ({ id, text, expiresMs }));
}

export async function destroyEntry(client: CdpClient, store: DiscoveredStore, id: string): Promise<boolean> {
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: DESTROY, arguments: [{ value: store.kind }, { value: id }], returnByValue: true, silent: true,
  });
  if (exceptionDetails) throw new Error(`destroy in ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value === true;
}

export type WriteOutcome = 'ok' | 'gone' | 'changed';

/** Writes `data` through the store's `set` when the stored text is still `expectText` (null: unconditionally). */
export async function writeEntry(client: CdpClient, store: DiscoveredStore, id: string, data: unknown, expectText: string | null, extendMs: number | null = null): Promise<WriteOutcome> {
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId,
    functionDeclaration: WRITE,
    arguments: [{ value: store.kind }, { value: id }, { value: JSON.stringify(data) }, { value: expectText }, { value: extendMs }],
    returnByValue: true,
    silent: true,
  });
  if (exceptionDetails) throw new Error(`writing to ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as WriteOutcome;
}

/** A listing record from a stored entry: parsed value, user label, time to live and expiry. */
export function toRecord(store: DiscoveredStore, entry: StoreEntry, now = Date.now()): SessionRecord {
  const parsed = parseSessionValue(entry.text);
  let ttl: number | null;
  if (entry.expiresMs !== null) {
    ttl = Math.max(0, Math.round((entry.expiresMs - now) / 1000));
  } else if (store.kind === 'memory') {
    // express-session's MemoryStore drops a session when its cookie expires, and keeps it forever without one.
    const cookie = cookieExpiry(parsed.data);
    ttl = cookie === null ? -1 : Math.max(0, Math.round((cookie - now) / 1000));
  } else {
    ttl = null;
  }
  const record: SessionRecord = {
    id: entry.id,
    key: entry.id,
    ttl,
    expiresAt: expiresAt(ttl, parsed.data, now),
    user: sessionUser(parsed.data),
    data: parsed.data,
    size: parsed.size,
    store: store.name,
  };
  if (parsed.raw !== undefined) record.raw = parsed.raw;
  return record;
}
