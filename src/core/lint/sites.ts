// Finds where session libraries are configured and where cookies are set, in one file.
import type * as t from '@babel/types';
import { isDefaultExport, isNamedExport } from './bindings';
import { memberChain, memberName, unwrap } from './ast';
import type { FileModel } from './model';
import { Evaluator, ObjectInfo, Value, knownString } from './values';

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

export const EMPTY_OPTIONS = (ev: Evaluator): ObjectInfo => new ObjectInfo(new Map(), true, undefined, [], ev);

export function findSessionSites(model: FileModel): SessionSite[] {
  const { bindings, evaluator, index } = model;
  const sites: SessionSite[] = [];
  if (!Object.values(LIBRARY_MODULES).some((modules) => modules.some((m) => bindings.modules.has(m)))) return sites;
  const of = (library: Library) => LIBRARY_MODULES[library];
  const add = (library: Library, call: t.CallExpression, optionsNode: t.Node | undefined) => {
    const optionsValue = optionsNode ? evaluator.evaluate(optionsNode) : undefined;
    const options = optionsNode === undefined ? EMPTY_OPTIONS(evaluator) : optionsValue?.k === 'obj' ? optionsValue.obj : undefined;
    sites.push(withCookie({ library, call, anchor: call.callee, optionsNode, optionsValue, options, mount: findMount(model, call, library) }));
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
    return app ? { app, statement: model.statementOf(call) } : undefined;
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
    return app ? { app, statement: model.statementOf(parent) } : undefined;
  }
  return undefined;
}

const SENSITIVE_COOKIE = /sess|(^|[^a-z])sid|token|auth|jwt|remember|refresh|login|credential/i;

export function isSensitiveCookieName(name: string): boolean {
  return SENSITIVE_COOKIE.test(name);
}

const HEADER_METHODS = ['setHeader', 'header', 'set', 'append', 'appendHeader', 'setHeaders'];
const COOKIE_METHODS = new Set(['cookie', 'setCookie', 'set', ...HEADER_METHODS]);

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
      const optionsNode = call.arguments[2];
      let options: ObjectInfo | undefined;
      let optionsUnknown = false;
      if (optionsNode) {
        const v = evaluator.evaluate(optionsNode);
        if (v.k === 'obj') options = v.obj; else optionsUnknown = true;
      }
      out.push({ kind, node: call, name, optionsNode, options, optionsUnknown, defaultHttpOnly: kind === 'cookies.set' && objectChain?.[0] === 'ctx' });
      continue;
    }
    if (HEADER_METHODS.includes(method) && call.arguments.length >= 2) {
      const headerName = call.arguments[0];
      if (headerName.type === 'StringLiteral' && headerName.value.toLowerCase() === 'set-cookie') out.push(...headerCookies(model, call.arguments[1]));
    }
  }
  for (const prop of index.setCookieProperties) {
    const key = prop.key.type === 'StringLiteral' ? prop.key.value : prop.key.type === 'Identifier' && !prop.computed ? prop.key.name : undefined;
    if (key?.toLowerCase() === 'set-cookie') out.push(...headerCookies(model, prop.value));
  }
  return out;
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
  return [{ kind: 'header', node: n, name, text, defaultHttpOnly: false }];
}
