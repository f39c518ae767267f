// The session store of a setup: which package, its prefix / table / path, and the env variable of its
// client's URL, followed across files like the other options.
import { posix } from 'node:path';
import type * as t from '@babel/types';
import { unwrap } from '../lint/ast';
import type { FileModel } from '../lint/model';
import type { SetupStore } from './types';
import type { Located, SetupWorkspace } from './workspace';

/** How many factories and aliases a store's class or client is followed through. */
const MAX_DEPTH = 6;

/**
 * The store an option names. `fallback` is what the library uses without one (express-session's MemoryStore),
 * or null for libraries that then keep the session in the cookie.
 */
export function findStore(ws: SetupWorkspace, loc: Located | undefined, fallback: 'MemoryStore' | null): SetupStore | null {
  const none = fallback ? { kind: fallback, urlVariable: null } : null;
  if (!loc) return none;
  const d = ws.deref(loc);
  const v = d.value;
  if (v.k === 'undef' || v.k === 'null') return none;
  let kind: string | undefined;
  let options: Located | undefined;
  if (v.k === 'new') {
    kind = classModule(ws, d.model, v.node.callee, 0);
    options = argument(d.model, v.node, 0);
  } else if (v.k === 'unknown' && unwrap(v.node).type === 'CallExpression') {
    // `MongoStore.create({...})`, `redisStore({...})` (koa-redis), `new RedisStore(...)` returned by a helper
    const call = unwrap(v.node) as t.CallExpression;
    const callee = unwrap(call.callee);
    kind = classModule(ws, d.model, callee.type === 'MemberExpression' ? callee.object : callee, 0);
    options = argument(d.model, call, 0);
  } else if (v.k === 'module') {
    kind = v.ref.module;
  }
  return describe(ws, kind ?? 'unknown', options);
}

function describe(ws: SetupWorkspace, kind: string, o: Located | undefined): SetupStore {
  const get = (key: string) => (o ? ws.member(o, key) : undefined);
  const str = (key: string) => stringIn(ws, get(key));
  const absent = (key: string) => get(key) === undefined;
  switch (kind) {
    case 'connect-redis':
      return { kind, prefix: absent('prefix') ? 'sess:' : str('prefix'), urlVariable: envIn(ws, get('url')) ?? clientUrl(ws, get('client'), 0) };
    case 'connect-pg-simple': {
      const table = absent('tableName') ? 'session' : str('tableName');
      const schema = str('schemaName');
      const conObject = get('conObject');
      return {
        kind, table: table !== null && schema ? `${schema}.${table}` : table,
        urlVariable: envIn(ws, get('conString')) ?? (conObject ? envIn(ws, ws.member(conObject, 'connectionString')) : null) ?? clientUrl(ws, get('pool'), 0),
      };
    }
    case 'session-file-store':
      return { kind, path: absent('path') ? './sessions' : str('path'), urlVariable: null };
    case 'connect-sqlite3': {
      const dir = absent('dir') ? '.' : str('dir');
      const db = absent('db') ? (absent('table') ? 'sessions' : str('table')) : str('db');
      return { kind, path: dir !== null && db !== null ? posix.join(dir, db) : null, urlVariable: null };
    }
    case 'better-sqlite3-session-store':
      return { kind, path: databaseFile(ws, get('client')), urlVariable: null };
    case 'connect-mongo':
      return { kind, table: absent('collectionName') ? 'sessions' : str('collectionName'), urlVariable: envIn(ws, get('mongoUrl')) ?? clientUrl(ws, get('client'), 0) ?? clientUrl(ws, get('clientPromise'), 0) };
    case 'connect-mongodb-session':
      return { kind, table: absent('collection') ? 'sessions' : str('collection'), urlVariable: envIn(ws, get('uri')) };
    default:
      return { kind, urlVariable: o ? envIn(ws, get('url')) ?? clientUrl(ws, get('client'), 0) : null };
  }
}

/** The package a store class comes from: an import, `require('x')(session)` / `connectRedis(session)` factories, express-session's `MemoryStore`. */
function classModule(ws: SetupWorkspace, model: FileModel, callee: t.Node, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = unwrap(callee);
  const ref = model.bindings.resolve(n);
  if (ref) {
    if (ref.module === 'express-session' || ref.module === '@fastify/session') return ref.path.includes('MemoryStore') ? 'MemoryStore' : ref.module;
    const file = ws.resolveModule(model.fileName, ref.module);
    if (file === undefined) return ref.module;
    const there = ws.resolveRef(model, ref);
    return there ? classOf(ws, there, depth + 1) : undefined;
  }
  if (n.type === 'CallExpression') return classModule(ws, model, n.callee, depth + 1);
  if (n.type === 'Identifier') {
    const init = model.evaluator.declaration(n.name, n)?.init;
    if (init) return classOf(ws, { model, value: model.evaluator.evaluate(init) }, depth + 1);
  }
  return undefined;
}

/** The package of a class value (a factory's result, or an import). */
function classOf(ws: SetupWorkspace, loc: Located, depth: number): string | undefined {
  const d = ws.deref(loc);
  const v = d.value;
  if (v.k === 'module') return ws.resolveModule(d.model.fileName, v.ref.module) === undefined ? v.ref.module : undefined;
  const n = unwrap(v.node);
  if (n.type === 'CallExpression') return classModule(ws, d.model, n.callee, depth + 1);
  return undefined;
}

function argument(model: FileModel, call: t.CallExpression | t.NewExpression, i: number): Located | undefined {
  const a = call.arguments[i];
  if (!a || a.type === 'SpreadElement' || a.type === 'ArgumentPlaceholder') return undefined;
  return { model, value: model.evaluator.evaluate(a) };
}

function stringIn(ws: SetupWorkspace, loc: Located | undefined): string | null {
  if (!loc) return null;
  const all = ws.leaves(loc);
  const first = all[0]?.value;
  return first?.k === 'str' && all.every((l) => l.value.k === 'str' && l.value.v === first.v) ? first.v : null;
}

/** The first env variable among a value's possible values (`process.env.REDIS_URL ?? 'redis://localhost'`). */
export function envIn(ws: SetupWorkspace, loc: Located | undefined): string | null {
  if (!loc) return null;
  for (const l of ws.leaves(loc)) if (l.value.k === 'env' && l.value.name) return l.value.name;
  return null;
}

/**
 * The env variable of a client's URL: `new Redis(process.env.X)`, `createClient({ url: process.env.X })`,
 * `new Pool({ connectionString: process.env.X })`, `MongoClient.connect(process.env.X)`, `createClient(...).connect()`,
 * the client made in another file and imported.
 */
function clientUrl(ws: SetupWorkspace, loc: Located | undefined, depth: number): string | null {
  if (!loc || depth > MAX_DEPTH) return null;
  const d = ws.deref(loc);
  const v = d.value;
  let call: t.CallExpression | t.NewExpression | undefined;
  if (v.k === 'new') call = v.node;
  else if (v.k === 'obj') return urlOf(ws, d);
  else {
    const n = unwrap(v.node);
    if (n.type === 'CallExpression') call = n;
  }
  if (!call) return null;
  const first = argument(d.model, call, 0);
  if (first) return urlOf(ws, first);
  // `createClient({...}).connect()`, `client.connect()`: the client the method is called on.
  const callee = unwrap(call.callee);
  if (callee.type === 'MemberExpression') return clientUrl(ws, { model: d.model, value: d.model.evaluator.evaluate(callee.object) }, depth + 1);
  return null;
}

function urlOf(ws: SetupWorkspace, loc: Located): string | null {
  const direct = envIn(ws, loc);
  if (direct) return direct;
  const d = ws.deref(loc);
  if (d.value.k !== 'obj') return null;
  for (const key of ['url', 'connectionString', 'uri', 'mongoUrl']) {
    const found = envIn(ws, ws.member(d, key));
    if (found) return found;
  }
  return null;
}

/** better-sqlite3's `new Database('sessions.db')`. */
function databaseFile(ws: SetupWorkspace, loc: Located | undefined): string | null {
  if (!loc) return null;
  const d = ws.deref(loc);
  if (d.value.k !== 'new') return null;
  return stringIn(ws, argument(d.model, d.value.node, 0));
}
