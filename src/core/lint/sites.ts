// Finds where session libraries are configured and where cookies are set, in one file.
import type * as t from '@babel/types';
import { isDefaultExport, isNamedExport } from './bindings';
import { isFunctionNode, memberChain, memberName, propertyName, unwrap } from './ast';
import type { FileModel } from './model';
import { Evaluator, ObjectInfo, Value, knownString, leaves } from './values';

export type Library = 'express-session' | 'cookie-session' | 'fastify-session' | 'secure-session' | 'koa-session' | 'iron-session';

export const LIBRARY_MODULES: Record<Library, readonly string[]> = {
  'express-session': ['express-session'],
  'cookie-session': ['cookie-session'],
  'fastify-session': ['@fastify/session', 'fastify-session'],
  'secure-session': ['@fastify/secure-session', 'fastify-secure-session'],
  'koa-session': ['koa-session'],
  'iron-session': ['iron-session', 'iron-session/edge', 'iron-session/express', 'iron-session/next'],
};

/** How messages name each library: its package name. */
export const LIBRARY_LABEL: Record<Library, string> = {
  'express-session': 'express-session', 'cookie-session': 'cookie-session', 'fastify-session': '@fastify/session',
  'secure-session': '@fastify/secure-session', 'koa-session': 'koa-session', 'iron-session': 'iron-session',
};

export interface SessionSite {
  library: Library;
  call: t.CallExpression;
  /** Where findings about missing options point: the callee (`session`, `app.register`). */
  anchor: t.Node;
  /** The options argument as written, and its value. */
  optionsNode?: t.Node;
  optionsValue?: Value;
  /** The resolved options; an empty complete object when the call has no options argument. */
  options?: ObjectInfo;
  /** The object holding the cookie flags: `options.cookie`, `options.cookieOptions`, or the options. */
  cookie?: ObjectInfo;
  /** The key of the nested cookie object, or undefined when the flags sit at the top level. */
  cookieKey?: 'cookie' | 'cookieOptions';
  /** `app.use(session(...))` / `app.register(plugin, ...)` in this file: the app's name and the statement. */
  mount?: { app: string; statement: t.Node };
}

export interface CookieCall {
  kind: 'res.cookie' | 'setCookie' | 'cookies.set' | 'header';
  node: t.Node;
  name: string;
  /** For calls: the options argument (missing = undefined) and its value. */
  optionsNode?: t.Node;
  options?: ObjectInfo;
  optionsUnknown?: boolean;
  /** For raw headers: the string literal or template holding the cookie text. */
  text?: string;
  /** Defaults of the API when a flag is absent. */
  defaultHttpOnly: boolean;
}

// What this file finds is kept until the file's findings are made, so it is made of class instances, not object
// literals (see `indexFile`).
class Site implements SessionSite {
  declare cookie?: ObjectInfo;
  declare cookieKey?: 'cookie' | 'cookieOptions';
  constructor(
    readonly library: Library,
    readonly call: t.CallExpression,
    readonly anchor: t.Node,
    readonly optionsNode: t.Node | undefined,
    readonly optionsValue: Value | undefined,
    readonly options: ObjectInfo | undefined,
    readonly mount: SessionSite['mount'],
  ) {}
}

class Mount {
  constructor(readonly app: string, readonly statement: t.Node) {}
}

class CallCookie implements CookieCall {
  constructor(
    readonly kind: CookieCall['kind'],
    readonly node: t.Node,
    readonly name: string,
    readonly optionsNode: t.Node | undefined,
    readonly options: ObjectInfo | undefined,
    readonly optionsUnknown: boolean,
    readonly defaultHttpOnly: boolean,
  ) {}
}

class HeaderCookie implements CookieCall {
  readonly kind = 'header';
  constructor(readonly node: t.Node, readonly name: string, readonly text: string, readonly defaultHttpOnly: boolean) {}
}

export const EMPTY_OPTIONS = (ev: Evaluator): ObjectInfo => new ObjectInfo(new Map(), true, undefined, [], ev);

export function findSessionSites(model: FileModel): SessionSite[] {
  const { bindings, evaluator, index } = model;
  const sites: SessionSite[] = [];
  if (!Object.values(LIBRARY_MODULES).some((modules) => modules.some((m) => bindings.modules.has(m)))) return sites;
  const of = (library: Library) => LIBRARY_MODULES[library];
  const add = (library: Library, call: t.CallExpression, optionsNode: t.Node | undefined) => {
    const optionsValue = optionsNode ? evaluator.evaluate(optionsNode) : undefined;
    const options = optionsNode === undefined ? EMPTY_OPTIONS(evaluator) : optionsValue?.k === 'obj' ? optionsValue.obj : undefined;
    sites.push(withCookie(new Site(library, call, call.callee, optionsNode, optionsValue, options, findMount(model, call, library))));
  };
  for (const call of index.calls) {
    if (hasSpreadArgument(call)) continue;
    const args = call.arguments as t.Expression[];
    const ref = bindings.resolve(call.callee);
    if (ref) {
      if (isDefaultExport(ref, of('express-session'))) { add('express-session', call, args[0]); continue; }
      if (isDefaultExport(ref, of('cookie-session'))) { add('cookie-session', call, args[0]); continue; }
      if (isDefaultExport(ref, of('koa-session'))) {
        const first = args[0] ? evaluator.evaluate(args[0]) : undefined;
        if (args.length === 1 && first?.k !== 'obj') add('koa-session', call, undefined);
        else add('koa-session', call, first?.k === 'obj' || args.length < 2 ? args[0] : args[1]);
        continue;
      }
      if (['getIronSession', 'sealData', 'unsealData', 'withIronSessionApiRoute', 'withIronSessionSsr', 'ironSession'].some((name) => isNamedExport(ref, of('iron-session'), name))) {
        const path = ref.path[ref.path.length - 1];
        const optionsNode = path === 'getIronSession' ? args[args.length - 1] : path === 'ironSession' ? args[0] : args[1];
        if (optionsNode && (path !== 'getIronSession' || args.length >= 2)) add('iron-session', call, optionsNode);
        continue;
      }
    }
    if (memberName(call.callee) === 'register' && args[0]) {
      const plugin = bindings.resolve(args[0]);
      if (isDefaultExport(plugin, of('fastify-session'))) add('fastify-session', call, args[1]);
      else if (isDefaultExport(plugin, of('secure-session'))) {
        const v = args[1] ? evaluator.evaluate(args[1]) : undefined;
        if (v?.k === 'arr') for (const el of v.elements) add('secure-session', call, el.node); else add('secure-session', call, args[1]);
      }
    }
  }
  return sites;
}

function hasSpreadArgument(call: t.CallExpression): boolean {
  for (const a of call.arguments) if (a.type === 'SpreadElement' || a.type === 'ArgumentPlaceholder') return true;
  return false;
}

/** Sets the site's cookie object (the site is new, so it is filled in place rather than copied). */
function withCookie(site: SessionSite): SessionSite {
  const { library, options } = site;
  if (!options) return site;
  if (library === 'cookie-session' || library === 'koa-session') { site.cookie = options; return site; }
  const cookieKey = library === 'iron-session' ? 'cookieOptions' : 'cookie';
  site.cookieKey = cookieKey;
  site.cookie = options.missing(cookieKey)
    ? new ObjectInfo(new Map(), true, undefined, options.roots.map((r) => ({ name: r.name, path: [...r.path, cookieKey] })), options.evaluator)
    : options.child(cookieKey);
  return site;
}

/** `app.use(session(...))`, `app.use(mw)` with `const mw = session(...)`, or the `register` call itself. */
function findMount(model: FileModel, call: t.CallExpression, library: Library): SessionSite['mount'] {
  const { index } = model;
  if (library === 'fastify-session' || library === 'secure-session') {
    const app = memberChain((call.callee as t.MemberExpression).object)?.join('.');
    return app ? new Mount(app, model.statementOf(call)) : undefined;
  }
  let user: t.Node = call;
  let parent = index.parents.get(call);
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
    const name = parent.id.name;
    const use = index.calls.find((c) => memberName(c.callee) === 'use' && c.arguments.some((a) => a.type === 'Identifier' && a.name === name));
    if (!use) return undefined;
    user = use.arguments.find((a) => a.type === 'Identifier' && a.name === name) as t.Node;
    parent = use;
  }
  if (parent?.type === 'CallExpression' && memberName(parent.callee) === 'use' && parent.arguments.includes(user as t.Expression)) {
    const app = memberChain((parent.callee as t.MemberExpression).object)?.join('.');
    return app ? new Mount(app, model.statementOf(parent)) : undefined;
  }
  return undefined;
}

const SENSITIVE_COOKIE = /sess|(^|[^a-z])sid|token|auth|jwt|remember|refresh|login|credential/i;

export function isSensitiveCookieName(name: string): boolean {
  return SENSITIVE_COOKIE.test(name);
}

const HEADER_METHODS = ['setHeader', 'header', 'set', 'append', 'appendHeader', 'setHeaders'];
const COOKIE_METHODS = new Set(['cookie', 'setCookie', 'set', ...HEADER_METHODS]);
/** Names apps give the response (or the Koa context): `res`, `reply`, `ctx`, `response`, `httpRes`, `nextResponse`. */
const RESPONSE_NAME = /^(_?(res|resp|response|reply|rep|ctx|context)|.*(Res|Resp|Response|Reply))$/;
const REQUEST_NAME = /^_?(req|request|ctx|context|event|r)$/i;

/**
 * Cookies set on a response: `res.cookie(name, value, options)`, `reply.setCookie(...)`, `ctx.cookies.set(...)`,
 * `cookies().set(...)`, and Set-Cookie headers. Left out: cookies being cleared (expired, `maxAge: 0`, an empty or
 * `loggedout` value), values that are no credential (`'1'`, `true`, a short word) and calls on objects that are
 * not a response (a mock object literal, a client cookie jar).
 */
export function findCookieCalls(model: FileModel): CookieCall[] {
  const { index, evaluator } = model;
  const out: CookieCall[] = [];
  for (const call of index.calls) {
    const method = memberName(call.callee);
    if (method === undefined || !COOKIE_METHODS.has(method)) continue;
    const object = unwrap((call.callee as t.MemberExpression).object);
    const objectChain = memberChain(object);
    let kind: CookieCall['kind'] | undefined;
    if (method === 'cookie' && objectChain?.[0] !== 'document' && call.arguments.length >= 2) kind = 'res.cookie';
    else if (method === 'setCookie' && call.arguments.length >= 2) kind = 'setCookie';
    else if (method === 'set' && call.arguments.length >= 2 && (objectChain?.[objectChain.length - 1] === 'cookies'
      || (object.type === 'CallExpression' && memberChain(object.callee)?.join('.') === 'cookies'))) kind = 'cookies.set';
    if (kind) {
      const first = call.arguments[0];
      const name = first && first.type !== 'SpreadElement' && first.type !== 'ArgumentPlaceholder' ? knownString(evaluator.evaluate(first)) : undefined;
      if (name === undefined || !isSensitiveCookieName(name)) continue;
      if (kind === 'cookies.set' ? !isCookieJar(model, object) : !isResponse(model, object)) continue;
      const valueNode = call.arguments[1];
      if (valueNode.type === 'SpreadElement' || valueNode.type === 'ArgumentPlaceholder') continue;
      const value = cookieValue(model, valueNode);
      if (value === 'cleared' || value === 'plain') continue;
      const optionsNode = call.arguments[2];
      let options: ObjectInfo | undefined;
      let optionsUnknown = false;
      if (optionsNode) {
        const v = evaluator.evaluate(optionsNode);
        if (v.k === 'obj') options = v.obj; else optionsUnknown = true;
      }
      if (options && expiresNow(model, options)) continue;
      out.push(new CallCookie(kind, call, name, optionsNode, options, optionsUnknown, kind === 'cookies.set' && objectChain?.[0] === 'ctx'));
      continue;
    }
    if (HEADER_METHODS.includes(method) && call.arguments.length >= 2) {
      const headerName = call.arguments[0];
      if (headerName.type === 'StringLiteral' && headerName.value.toLowerCase() === 'set-cookie' && isResponse(model, object, true)) out.push(...headerCookies(model, call.arguments[1]));
    }
  }
  for (const prop of index.setCookieProperties) {
    const key = prop.key.type === 'StringLiteral' ? prop.key.value : prop.key.type === 'Identifier' && !prop.computed ? prop.key.name : undefined;
    if (key?.toLowerCase() === 'set-cookie' && isResponseHeaders(model, prop)) out.push(...headerCookies(model, prop.value));
  }
  return out;
}

/** Goes down `res.status(200).cookie(...)` to `res`. */
function receiverRoot(node: t.Node): t.Node {
  let n = unwrap(node);
  for (let i = 0; i < 20 && n.type === 'CallExpression'; i++) {
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') break;
    n = unwrap(callee.object);
  }
  return n;
}

/** A response: `res`, `reply`, `ctx.res`, `this.response`, a response parameter of a handler; not a local object literal. */
function isResponse(model: FileModel, node: t.Node, headers = false): boolean {
  const root = receiverRoot(node);
  const chain = memberChain(root);
  if (!chain) return false;
  const last = chain[chain.length - 1];
  // `ctx.res`, `this.response`, `reply.raw`, `event.node.res`, `response.headers`
  if (chain.length > 1) return chain.some((part) => RESPONSE_NAME.test(part)) || (headers && /^headers$/i.test(last));
  if (root.type !== 'Identifier') return false;
  const decl = model.evaluator.declaration(root.name, root);
  if (decl?.init) {
    const init = unwrap(decl.init);
    // `const res = { cookie() {} }`, `const res = mockResponse()`: a stand-in, not a response.
    if (init.type === 'ObjectExpression') return false;
    if (headers && init.type === 'NewExpression' && memberChain(init.callee)?.join('.') === 'Headers') return true;
  }
  if (RESPONSE_NAME.test(root.name) || (headers && /^headers$/i.test(root.name))) return true;
  return isHandlerResponseParam(model, root);
}

/** `(req, r) => r.cookie(...)`: the second parameter of a function whose first is the request. */
function isHandlerResponseParam(model: FileModel, id: t.Identifier): boolean {
  for (let p = model.index.parents.get(id); p; p = model.index.parents.get(p)) {
    if (!isFunctionNode(p)) continue;
    const at = p.params.findIndex((param) => param.type === 'Identifier' && param.name === id.name);
    if (at < 0) continue;
    const first = p.params[0];
    return at >= 1 && first?.type === 'Identifier' && REQUEST_NAME.test(first.name);
  }
  return false;
}

/** `ctx.cookies`, `response.cookies`, `cookies()` (next/headers), `new Cookies(req, res)`; not a browser cookie library. */
function isCookieJar(model: FileModel, node: t.Node): boolean {
  const n = unwrap(node);
  if (n.type === 'CallExpression') return true;
  if (n.type !== 'Identifier') return true;
  const init = model.evaluator.declaration(n.name, n)?.init;
  if (!init) return !model.usesModule('js-cookie', 'universal-cookie', 'react-cookie');
  const value = unwrap(init.type === 'AwaitExpression' ? init.argument : init);
  if (value.type === 'ObjectExpression') return false;
  const ref = value.type === 'NewExpression' || value.type === 'CallExpression' ? model.bindings.resolve(value.callee) : undefined;
  return !ref || !['js-cookie', 'universal-cookie', 'react-cookie'].includes(ref.module);
}

/**
 * An object literal of headers that reaches a response: an argument of `writeHead`/`set`/`new Headers`, or the
 * `headers` of `new Response(...)`, `NextResponse.json(...)` or a returned `{ statusCode, headers }` (Lambda). Not
 * a plain object a test compares against.
 */
function isResponseHeaders(model: FileModel, prop: t.ObjectProperty): boolean {
  const parents = model.index.parents;
  const obj = parents.get(prop);
  if (obj?.type !== 'ObjectExpression') return false;
  const holder = parents.get(obj);
  if (holder?.type === 'CallExpression' && holder.arguments.includes(obj as t.Expression)) {
    const method = memberName(holder.callee);
    return method !== undefined && ['writeHead', 'writeHeader', 'set', 'header', 'headers', 'setHeaders', 'writeHeaders'].includes(method) && isResponse(model, (unwrap(holder.callee) as t.MemberExpression).object, true);
  }
  if (holder?.type === 'NewExpression') return memberChain(holder.callee)?.join('.') === 'Headers';
  if (holder?.type !== 'ObjectProperty' || propertyName(holder.key, holder.computed)?.toLowerCase() !== 'headers') return false;
  const init = parents.get(holder);
  if (init?.type !== 'ObjectExpression') return false;
  const user = parents.get(init);
  if (user?.type === 'NewExpression' || user?.type === 'CallExpression') {
    // `new Response(body, { headers })`, `NextResponse.json(data, { headers })`, `Response.redirect(url, { headers })`
    const callee = memberChain(user.callee);
    return callee !== undefined && /Response$/.test(callee[0]);
  }
  // `return { statusCode: 302, headers: { 'Set-Cookie': ... } }`
  const returned = user?.type === 'ReturnStatement' || (user?.type === 'ArrowFunctionExpression' && user.body === init);
  return returned && init.properties.some((p) => p.type === 'ObjectProperty' && /^(statusCode|status|body)$/.test(propertyName(p.key, p.computed) ?? ''));
}

/** A credential ('secret'), a value that is none ('plain': `1`, `true`, a short word), a cookie being cleared, or unknown. */
type CookieValue = 'secret' | 'plain' | 'cleared' | 'unknown';

const CLEARED_VALUE = /^(|deleted?|logged[-_ ]?out|logout|signed[-_ ]?out|expired|invalid|null|undefined|none|removed?|cleared?)$/i;
/** Token- or id-like: at least 16 characters of a token alphabet (random ids, JWTs, base64, hex, uuids). */
const TOKEN_LIKE = /^[\w.~+/=:-]{16,}$/;
/** A short literal id (`'12345'`, `'abc123'`, `'u_42af9'`): five or more id characters with a digit among them. */
const ID_LIKE = /^(?=[^\d]*\d)[\w-]{5,}$/;

function cookieValue(model: FileModel, node: t.Node): CookieValue {
  const v = model.evaluator.evaluate(node);
  const all = leaves(v);
  let secret = false;
  let unknown = false;
  let cleared = 0;
  for (const leaf of all) {
    switch (leaf.k) {
      case 'null': case 'undef': cleared++; break;
      case 'bool': break;
      case 'num':
        // `res.cookie('session_id', 12345)`: an id; `1`, `0` or a count is not.
        if (Number.isInteger(leaf.v) && leaf.v >= 10000) secret = true;
        break;
      case 'str':
        if (CLEARED_VALUE.test(leaf.v.trim())) cleared++;
        else if (TOKEN_LIKE.test(leaf.v) || ID_LIKE.test(leaf.v)) secret = true;
        break;
      default:
        if (!isPlainExpression(leaf.node)) unknown = true;
    }
  }
  if (cleared === all.length) return 'cleared';
  if (secret) return 'secret';
  return unknown ? 'unknown' : 'plain';
}

/** Expressions whose value is no credential: comparisons, negations, dates and counters. */
function isPlainExpression(node: t.Node): boolean {
  const n = unwrap(node);
  if (n.type === 'UnaryExpression') return n.operator === '!' || n.operator === 'typeof';
  if (n.type === 'BinaryExpression') return ['===', '!==', '==', '!=', '<', '>', '<=', '>='].includes(n.operator);
  if (n.type === 'NewExpression') return memberChain(n.callee)?.join('.') === 'Date';
  if (n.type === 'CallExpression') {
    const callee = memberChain(n.callee)?.join('.');
    return callee === 'Date.now' || callee === 'Boolean' || callee === 'Number' || /\.(toISOString|toUTCString|getTime)$/.test(callee ?? '');
  }
  return false;
}

/** `maxAge: 0` (or less) or an `expires` in the past: the cookie is being deleted. */
function expiresNow(model: FileModel, options: ObjectInfo): boolean {
  const maxAge = options.value('maxAge') ?? options.value('max_age');
  if (maxAge?.k === 'num' && maxAge.v <= 0) return true;
  const expires = options.value('expires');
  return !!expires && isPastDate(model, expires.node);
}

const EPOCH_YEARS = /\b(19[0-9]{2})\b/;

function isPastDate(model: FileModel, node: t.Node): boolean {
  const n = unwrap(node);
  if (n.type === 'StringLiteral') return EPOCH_YEARS.test(n.value);
  if (n.type === 'NumericLiteral') return n.value >= 0 && n.value < 1e11;
  if (n.type === 'BinaryExpression' && n.operator === '-') return isNow(n.left);
  if (n.type === 'NewExpression' && memberChain(n.callee)?.join('.') === 'Date') {
    const arg = n.arguments[0];
    if (!arg || arg.type === 'SpreadElement' || arg.type === 'ArgumentPlaceholder') return false;
    const a = unwrap(arg);
    if (a.type === 'BinaryExpression' && a.operator === '-' && isNow(a.left)) return true;
    const v = model.evaluator.evaluate(a);
    if (v.k === 'num') return v.v >= 0 && v.v < 1e11;
    if (v.k === 'str') return EPOCH_YEARS.test(v.v);
  }
  if (n.type === 'CallExpression') {
    // `new Date(0).toUTCString()`
    const callee = unwrap(n.callee);
    if (callee.type === 'MemberExpression' && /^(toUTCString|toGMTString|toISOString)$/.test(memberName(callee) ?? '')) return isPastDate(model, callee.object);
  }
  return false;
}

function isNow(node: t.Node): boolean {
  const n = unwrap(node);
  if (n.type === 'CallExpression') {
    const callee = memberChain(n.callee)?.join('.');
    if (callee === 'Date.now') return true;
    const c = unwrap(n.callee);
    return c.type === 'MemberExpression' && memberName(c) === 'getTime' && unwrap(c.object).type === 'NewExpression';
  }
  return false;
}

/** The attributes of a Set-Cookie text say it is being deleted: `Max-Age=0`, an `Expires` before 2000, no value. */
function headerClears(text: string, value: string): boolean {
  if (/;\s*max-age\s*=\s*(0|-\d+)\s*(;|$)/i.test(text)) return true;
  const expires = /;\s*expires\s*=\s*([^;]*)/i.exec(text);
  if (expires && EPOCH_YEARS.test(expires[1])) return true;
  return CLEARED_VALUE.test(value.trim());
}

function headerCookies(model: FileModel, node: t.Node): CookieCall[] {
  const n = unwrap(node);
  if (n.type === 'ArrayExpression') return n.elements.flatMap((el) => (el && el.type !== 'SpreadElement' ? headerCookies(model, el) : []));
  let text: string | undefined;
  if (n.type === 'StringLiteral') text = n.value;
  else if (n.type === 'TemplateLiteral') text = n.quasis.map((q) => q.value.cooked ?? q.value.raw).join('${}');
  if (text === undefined) return [];
  const eq = text.indexOf('=');
  if (eq <= 0) return [];
  const name = text.slice(0, eq).trim();
  if (name.includes('${}') || !isSensitiveCookieName(name)) return [];
  const semi = text.indexOf(';', eq);
  const value = text.slice(eq + 1, semi < 0 ? text.length : semi);
  if (headerClears(text, value)) return [];
  // A literal value must look like a token; an interpolated one may be anything.
  if (!value.includes('${}') && !TOKEN_LIKE.test(value.trim()) && !ID_LIKE.test(value.trim())) return [];
  return Array.of<CookieCall>(new HeaderCookie(n, name, text, false));
}
