// Reading and writing one store of the app through `Runtime.callFunctionOn`.
// - The in-memory stores: reads go straight to the store's data (MemoryStore's `sessions` map, memorystore's
//   LRU entries), never through `get`/`all`, which delete expired sessions as a side effect. Writes call the
//   store's own `set`/`destroy` and check the result synchronously: nothing awaits a promise, so it works while
//   the process is paused at a breakpoint (callbacks would not run then).
// - Any other store (connect-redis, connect-pg-simple, connect-mongo, session-file-store, the SQLite stores, a
//   custom `Store`): its own methods, awaited in the app (not while it is paused). Listing uses `all()`;
//   connect-pg-simple, which has none, its own `query` on its own table; session-file-store its `list()`. A
//   listing is kept for a moment in the app so that reading the page's values right after needs no second
//   round of `get`s. Reading uses `all()` or `get()`; of the stores above only session-file-store's `get`
//   changes anything (it deletes a file whose session has expired). Nothing calls `touch`.
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

/** How long (ms) a listing of a `store` kept in the app answers the reads of its values. */
const LISTING_REUSE_MS = 3000;

/**
 * The store's live sessions as [id, text] (text: the session serialized), by its listing method; kept on the
 * store (a symbol) for LISTING_REUSE_MS. connect-redis's \`all()\` adds the id to each session: removed again.
 */
const STORE_LIST = `async function (listing, nowSeconds) {
  const key = Symbol.for('session-lens.listing');
  const kept = this[key];
  if (kept && Date.now() - kept.at < ${LISTING_REUSE_MS}) return kept;
  const text = (v) => { if (typeof v === 'string') return v; try { return JSON.stringify(v); } catch (e) { return String(v); } };
  const call = (method, ...args) => new Promise((resolve, reject) => {
    const result = this[method](...args, (err, value) => (err ? reject(err) : resolve(value)));
    if (result && typeof result.then === 'function') result.then(resolve, reject);
  });
  let entries;
  if (listing === 'all') {
    const all = await call('all');
    const list = Array.isArray(all) ? all : all && typeof all === 'object' ? Object.entries(all).map(([id, s]) => Object.assign({ __sid: id }, { __value: s })) : [];
    entries = list.map((item) => {
      if (item && item.__sid !== undefined) return [String(item.__sid), text(item.__value)];
      if (item && typeof item.sid === 'string' && typeof item.sess === 'string') return [item.sid, item.sess];
      const id = item && (item.id !== undefined ? item.id : item._id !== undefined ? item._id : item.sid);
      let value = item;
      if (item && item.id !== undefined && typeof item === 'object') { value = Object.assign({}, item); delete value.id; }
      if (value && typeof value.session === 'string' && value._id !== undefined) value = value.session;
      return [String(id), text(value)];
    });
  } else if (listing === 'pg') {
    // Ids only (one row: its first row is all the store's query hands back); values are read per page.
    const row = await call('query', 'SELECT coalesce(json_agg(sid ORDER BY sid), ' + "'[]'" + ') AS ids FROM ' + this.quotedTable() + ' WHERE expire >= to_timestamp($1)', [nowSeconds]);
    const ids = row && Array.isArray(row.ids) ? row.ids.map(String) : [];
    const result = { at: Date.now(), ids, entries: null };
    return result;
  } else if (listing === 'list') {
    const files = await call('list');
    const ids = (files || []).map((f) => String(f).replace(/\\.[^.]*$/, ''));
    entries = [];
    for (const id of ids) { const s = await call('get', id); if (s) entries.push([id, text(s)]); }
  } else {
    throw new Error('this store has no way to list its sessions (no all()): a session can still be found from its cookie');
  }
  const result = { at: Date.now(), ids: entries.map((e) => e[0]), entries };
  Object.defineProperty(this, key, { value: result, configurable: true, writable: true, enumerable: false });
  return result;
}`;

/**
 * Values of the given ids: from the listing kept by STORE_LIST when fresh, connect-pg-simple's in one query of
 * its own table, else the store's own \`get\` for each.
 */
const STORE_VALUES = `async function (ids, listing, nowSeconds) {
  const text = (v) => { if (typeof v === 'string') return v; try { return JSON.stringify(v); } catch (e) { return String(v); } };
  if (listing === 'pg') {
    const row = await new Promise((resolve, reject) => this.query('SELECT coalesce(json_agg(json_build_array(sid, sess::text)), ' + "'[]'" + ') AS rows FROM ' + this.quotedTable() + ' WHERE sid = ANY($1) AND expire >= to_timestamp($2)', [ids, nowSeconds], (err, r) => (err ? reject(err) : resolve(r))));
    const found = new Map((row && Array.isArray(row.rows) ? row.rows : []).map((r) => [r[0], r[1]]));
    return ids.filter((id) => found.has(id)).map((id) => [id, found.get(id), null]);
  }
  const kept = this[Symbol.for('session-lens.listing')];
  const fresh = kept && kept.entries && Date.now() - kept.at < ${LISTING_REUSE_MS} ? new Map(kept.entries) : null;
  const out = [];
  for (const id of ids) {
    if (fresh && fresh.has(id)) { out.push([id, fresh.get(id), null]); continue; }
    const value = await new Promise((resolve, reject) => {
      // session-file-store answers a missing session with ENOENT: it is simply not there.
      const r = this.get(id, (err, v) => (err && err.code !== 'ENOENT' ? reject(err) : resolve(err ? null : v)));
      if (r && typeof r.then === 'function') r.then(resolve, reject);
    });
    if (value) out.push([id, text(value), null]);
  }
  return out;
}`;

/**
 * Writes through the store's own \`set\` when the stored text is still \`expect\` (null: unconditionally);
 * \`destroy\` when \`json\` is null. Returns 'ok', 'gone' or 'changed'; forgets the kept listing.
 */
const STORE_WRITE = `async function (id, json, expect, extendMs) {
  const text = (v) => { if (typeof v === 'string') return v; try { return JSON.stringify(v); } catch (e) { return String(v); } };
  const call = (method, ...args) => new Promise((resolve, reject) => {
    const r = this[method](...args, (err, v) => (err ? reject(err) : resolve(v)));
    if (r && typeof r.then === 'function') r.then(resolve, reject);
  });
  delete this[Symbol.for('session-lens.listing')];
  const current = await call('get', id).catch((err) => { if (err && err.code === 'ENOENT') return null; throw err; });
  if (!current) return 'gone';
  // The same session whatever the spacing of its stored text (a jsonb column normalizes it).
  const same = (a, b) => { if (a === b) return true; try { return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b)); } catch (e) { return false; } };
  if (expect !== null && !same(text(current), expect)) return 'changed';
  if (json === null) { await call('destroy', id); return 'ok'; }
  const session = JSON.parse(json);
  if (extendMs !== null && session && typeof session === 'object') {
    if (!session.cookie || typeof session.cookie !== 'object') session.cookie = {};
    session.cookie.expires = new Date(Date.now() + extendMs).toISOString();
    session.cookie.originalMaxAge = extendMs;
  }
  await call('set', id, session);
  return 'ok';
}`;

export interface StoreEntry {
  id: string;
  /** The stored (serialized) text. */
  text: string;
  /** When the store drops it (epoch ms), when the store keeps its own expiry. */
  expiresMs: number | null;
}

/** A failure inside the app's store (its message names the store). */
function storeError(store: DiscoveredStore, what: string, exceptionDetails: { exception?: { description?: string }; text?: string }): Error {
  const description = (exceptionDetails.exception?.description ?? exceptionDetails.text ?? 'failed').split('\n')[0];
  return new Error(`${what} ${store.name} failed: ${description}`);
}

/** For a `store`: its listing, run in the app. Awaited there: not while the app is paused at a breakpoint. */
async function storeListing(client: CdpClient, store: DiscoveredStore): Promise<{ ids: string[] }> {
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: STORE_LIST, arguments: [{ value: store.listing ?? 'none' }, { value: Math.ceil(Date.now() / 1000) }],
    awaitPromise: true, returnByValue: true, silent: true,
  }, { timeoutMs: 60_000 });
  if (exceptionDetails) throw storeError(store, 'listing the sessions of', exceptionDetails);
  const value = result.value as { ids: string[] };
  return { ids: value.ids };
}

export async function readIds(client: CdpClient, store: DiscoveredStore): Promise<string[]> {
  if (store.kind === 'store') return (await storeListing(client, store)).ids;
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: READ_IDS, arguments: [{ value: store.kind }], returnByValue: true, silent: true,
  });
  if (exceptionDetails) throw new Error(`reading ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as string[];
}

/** Values of `ids` (all when omitted). Ids that are gone meanwhile are left out. */
export async function readEntries(client: CdpClient, store: DiscoveredStore, ids?: string[]): Promise<StoreEntry[]> {
  if (store.kind === 'store') {
    const wanted = ids ?? (await storeListing(client, store)).ids;
    const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
      objectId: store.objectId, functionDeclaration: STORE_VALUES, arguments: [{ value: wanted }, { value: store.listing ?? 'none' }, { value: Math.ceil(Date.now() / 1000) }],
      awaitPromise: true, returnByValue: true, silent: true,
    }, { timeoutMs: 60_000 });
    if (exceptionDetails) throw storeError(store, 'reading', exceptionDetails);
    return (result.value as [string, string, null][]).map(([id, text]) => ({ id, text, expiresMs: null }));
  }
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: READ_VALUES, arguments: [{ value: store.kind }, { value: ids ?? null }], returnByValue: true, silent: true,
  }, { timeoutMs: 60_000 });
  if (exceptionDetails) throw new Error(`reading ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return (result.value as [string, string, number | null][]).map(([id, text, expiresMs]) => ({ id, text, expiresMs }));
}

/** For a `store`: a write (or with `data` undefined, a destroy) through its own methods, awaited in the app. */
async function storeWrite(client: CdpClient, store: DiscoveredStore, id: string, json: string | null, expectText: string | null, extendMs: number | null): Promise<WriteOutcome> {
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: STORE_WRITE,
    arguments: [{ value: id }, { value: json }, { value: expectText }, { value: extendMs }], awaitPromise: true, returnByValue: true, silent: true,
  }, { timeoutMs: 30_000 });
  if (exceptionDetails) throw storeError(store, 'writing to', exceptionDetails);
  return result.value as WriteOutcome;
}

export async function destroyEntry(client: CdpClient, store: DiscoveredStore, id: string): Promise<boolean> {
  if (store.kind === 'store') return (await storeWrite(client, store, id, null, null, null)) === 'ok';
  const { result, exceptionDetails } = await client.send('Runtime.callFunctionOn', {
    objectId: store.objectId, functionDeclaration: DESTROY, arguments: [{ value: store.kind }, { value: id }], returnByValue: true, silent: true,
  });
  if (exceptionDetails) throw new Error(`destroy in ${store.name} failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value === true;
}

export type WriteOutcome = 'ok' | 'gone' | 'changed';

/** Writes `data` through the store's `set` when the stored text is still `expectText` (null: unconditionally). */
export async function writeEntry(client: CdpClient, store: DiscoveredStore, id: string, data: unknown, expectText: string | null, extendMs: number | null = null): Promise<WriteOutcome> {
  if (store.kind === 'store') return storeWrite(client, store, id, JSON.stringify(data), expectText, extendMs);
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
  } else if (store.kind === 'memory' || store.kind === 'store') {
    // express-session's MemoryStore drops a session when its cookie expires, and keeps it forever without one;
    // other stores (through the app) expire with the cookie too, as far as Session Lens can tell.
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
