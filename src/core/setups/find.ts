// Finds the session setups of an app in its source files: the linter's session sites (express-session,
// cookie-session, @fastify/session, @fastify/secure-session, koa-session, iron-session) plus Auth.js / next-auth,
// with their options followed across files (SetupWorkspace) and the library defaults filled in.
import type * as t from '@babel/types';
import { isDefaultExport, isNamedExport } from '../lint/bindings';
import { memberChain, unwrap } from '../lint/ast';
import type { FileModel } from '../lint/model';
import type { SessionSite } from '../lint/sites';
import { recordSources, type SecretCandidate } from './sources';
import { findStore } from './store';
import type { FindSetupsOptions, SessionSetup, SetupLibrary, SetupSecret, SetupSourceFile } from './types';
import { SetupWorkspace, type Located } from './workspace';

/** Files that mention none of these are not parsed. */
const MENTIONS_SESSION = /session|next-auth|@auth\//i;
/** Larger files are skipped: generated bundles, not app code. */
const MAX_FILE_CHARS = 512 * 1024;

const SITE_LIBRARY: Record<SessionSite['library'], SetupLibrary> = {
  'express-session': 'express-session', 'cookie-session': 'cookie-session', 'fastify-session': '@fastify/session',
  'secure-session': '@fastify/secure-session', 'koa-session': 'koa-session', 'iron-session': 'iron-session',
};

/** Library defaults (see each library's README). */
export const DEFAULT_COOKIE_NAMES: Record<SetupLibrary, string | null> = {
  'express-session': 'connect.sid', 'cookie-session': 'session', '@fastify/session': 'sessionId',
  '@fastify/secure-session': 'session', 'koa-session': 'koa.sess', 'iron-session': null,
  'next-auth': 'next-auth.session-token', '@auth/core': 'authjs.session-token',
};
export const SECURE_SESSION_DEFAULT_EXPIRY_SECONDS = 86401;
const KOA_DEFAULT_MAX_AGE_MS = 86_400_000;
const IRON_DEFAULT_TTL_SECONDS = 14 * 24 * 3600;
const AUTH_DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 3600;

const AUTH_FUNCTIONS = ['ExpressAuth', 'SvelteKitAuth', 'Auth', 'QwikAuth', 'SolidAuth'];

/**
 * The session setups in `files` (JavaScript and TypeScript sources; other files are only read when imported
 * by one). Options, secrets and stores are followed through constants, imports of other given files, config
 * modules and helper functions; what cannot be known is null or `unknown`. Never throws. Secret values never
 * appear in the result (see `setupSecretSources` for the decoder's internal use).
 */
export function findSessionSetups(files: readonly SetupSourceFile[], options: FindSetupsOptions = {}): SessionSetup[] {
  const ws = new SetupWorkspace(files);
  const out: SessionSetup[] = [];
  for (const path of ws.paths) {
    const text = ws.text(path) ?? '';
    if (!/\.[cm]?[jt]sx?$/i.test(path) || /\.d\.[cm]?ts$/i.test(path) || text.length > MAX_FILE_CHARS || !MENTIONS_SESSION.test(text)) continue;
    const model = ws.model(path);
    if (!model) continue;
    try {
      for (const site of model.sites) out.push(fromSite(ws, model, site));
      out.push(...authSetups(ws, model, options));
    } catch {
      // Unusual code that trips the reader leaves this file's setups out; the others still count.
    }
  }
  return dedupe(out).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

/** iron-session and Auth.js are set up once and called in every route: the same setup is listed once. */
function dedupe(setups: SessionSetup[]): SessionSetup[] {
  const seen = new Set<string>();
  return setups.filter((s) => {
    if (s.library !== 'iron-session' && s.library !== 'next-auth' && s.library !== '@auth/core') return true;
    const key = JSON.stringify({ ...s, file: '', line: 0 });
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function lineOf(node: t.Node): number {
  return node.loc?.start.line ?? 1;
}

function fromSite(ws: SetupWorkspace, model: FileModel, site: SessionSite): SessionSetup {
  const library = SITE_LIBRARY[site.library];
  const opts: Located | undefined = site.optionsValue ? { model, value: site.optionsValue } : undefined;
  const get = (...keys: string[]) => path(ws, opts, keys);
  let cookieName: string | null = DEFAULT_COOKIE_NAMES[library];
  let secretLocs: (Located | undefined)[] = [];
  let salt: string | null = null;
  let expirySeconds: number | null = null;
  let maxAgeMs: number | null = null;
  let store = null as SessionSetup['store'];
  switch (library) {
    case 'express-session':
      cookieName = nameOr(ws, get('name'), cookieName);
      secretLocs = [get('secret')];
      maxAgeMs = numberOf(ws, get('cookie', 'maxAge'));
      store = findStore(ws, get('store'), 'MemoryStore');
      break;
    case 'cookie-session':
      cookieName = nameOr(ws, get('name'), cookieName);
      secretLocs = [get('keys'), get('secret')];
      maxAgeMs = numberOf(ws, get('maxAge'));
      break;
    case '@fastify/session':
      cookieName = nameOr(ws, get('cookieName'), cookieName);
      secretLocs = [get('secret')];
      maxAgeMs = numberOf(ws, get('cookie', 'maxAge'));
      store = findStore(ws, get('store'), 'MemoryStore');
      break;
    case '@fastify/secure-session': {
      cookieName = nameOr(ws, get('cookieName'), cookieName);
      secretLocs = [get('key'), get('secret')];
      salt = stringOf(ws, get('salt'));
      expirySeconds = numberOf(ws, get('expiry')) ?? SECURE_SESSION_DEFAULT_EXPIRY_SECONDS;
      const seconds = numberOf(ws, get('cookie', 'maxAge'));
      maxAgeMs = seconds === null ? null : seconds * 1000;
      break;
    }
    case 'koa-session': {
      cookieName = nameOr(ws, get('key'), cookieName);
      secretLocs = koaKeys(model, site);
      const maxAge = get('maxAge');
      maxAgeMs = maxAge === undefined ? KOA_DEFAULT_MAX_AGE_MS : numberOf(ws, maxAge);
      const s = get('store');
      store = s ? findStore(ws, s, null) : null;
      break;
    }
    case 'iron-session': {
      cookieName = nameOr(ws, get('cookieName'), null);
      secretLocs = [get('password')];
      const ttl = get('ttl');
      const ttlSeconds = ttl === undefined ? IRON_DEFAULT_TTL_SECONDS : numberOf(ws, ttl);
      const cookieMaxAge = numberOf(ws, get('cookieOptions', 'maxAge'));
      maxAgeMs = cookieMaxAge !== null ? cookieMaxAge * 1000 : ttlSeconds === null || ttlSeconds === 0 ? null : (ttlSeconds - 60) * 1000;
      break;
    }
    default: break;
  }
  const setup: SessionSetup = {
    file: model.fileName, line: lineOf(site.call), library, cookieName,
    secret: { kind: 'unknown', name: null }, salt, expirySeconds, maxAgeMs, store,
  };
  return withSecret(ws, setup, secretLocs.flatMap((l) => (l ? secretCandidates(ws, l) : [])), []);
}

/** Fills `secret` from the candidates (the first env variable, else the first literal) and records them. */
function withSecret(ws: SetupWorkspace, setup: SessionSetup, candidates: SecretCandidate[], defaults: string[]): SessionSetup {
  void ws;
  const all = candidates.length === 0 ? defaults.map((name): SecretCandidate => ({ kind: 'env', name })) : candidates;
  const env = all.find((c) => c.kind === 'env');
  const literal = all.find((c) => c.kind === 'literal');
  const secret: SetupSecret = env ? { kind: 'env', name: env.name } : literal?.kind === 'literal' ? { kind: 'literal', name: literal.where } : { kind: 'unknown', name: null };
  setup.secret = secret;
  recordSources(setup, all);
  return setup;
}

/** Where a secret may come from, in order: env variables (name), literals (value and file:line). */
export function secretCandidates(ws: SetupWorkspace, loc: Located, depth = 0): SecretCandidate[] {
  if (depth > 4) return [];
  const out: SecretCandidate[] = [];
  for (const leaf of ws.leaves(loc)) {
    const v = leaf.value;
    if (v.k === 'env' && v.name) out.push({ kind: 'env', name: v.name });
    else if (v.k === 'str') { if (v.v) out.push({ kind: 'literal', value: v.v, where: `${leaf.model.fileName}:${lineOf(v.node)}` }); }
    else if (v.k === 'arr') for (const el of v.elements) out.push(...secretCandidates(ws, { model: leaf.model, value: el }, depth + 1));
    else if (v.k === 'obj') {
      // iron-session's `password: { 2: '…', 1: '…' }`: the highest id seals new cookies.
      const ids = [...v.obj.props.keys()].filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(b) - Number(a));
      for (const id of ids) { const pv = v.obj.value(id); if (pv) out.push(...secretCandidates(ws, { model: leaf.model, value: pv }, depth + 1)); }
    } else if (v.k === 'unknown') {
      const n = unwrap(v.node);
      // `Buffer.from(process.env.KEY, 'hex')`: the variable, read with that encoding.
      if (n.type === 'CallExpression' && memberChain(n.callee)?.join('.') === 'Buffer.from' && n.arguments[0] && n.arguments[0].type !== 'SpreadElement' && n.arguments[0].type !== 'ArgumentPlaceholder') {
        const encArg = n.arguments[1];
        const enc = encArg?.type === 'StringLiteral' && (encArg.value === 'hex' || encArg.value === 'base64') ? encArg.value : undefined;
        for (const c of secretCandidates(ws, { model: leaf.model, value: leaf.model.evaluator.evaluate(n.arguments[0]) }, depth + 1)) {
          out.push(c.kind === 'env' ? { ...c, encoding: enc } : { ...c, value: enc ? `${enc}:${c.value}` : c.value });
        }
      }
    }
  }
  return out;
}

/** `a.b.c` of located options; undefined when absent or not known. */
export function path(ws: SetupWorkspace, loc: Located | undefined, keys: string[]): Located | undefined {
  let cur = loc;
  for (const key of keys) {
    if (!cur) return undefined;
    cur = ws.member(cur, key);
  }
  return cur;
}

/** The string a value surely is; else null. */
export function stringOf(ws: SetupWorkspace, loc: Located | undefined): string | null {
  if (!loc) return null;
  const all = ws.leaves(loc);
  const first = all[0]?.value;
  if (first?.k !== 'str') return null;
  return all.every((l) => l.value.k === 'str' && l.value.v === first.v) ? first.v : null;
}

/** A name option: its known value, else a literal among its values (`process.env.NAME || 'sid'`), else the default when absent. */
function nameOr(ws: SetupWorkspace, loc: Located | undefined, fallback: string | null): string | null {
  if (!loc) return fallback;
  const known = stringOf(ws, loc);
  if (known !== null) return known;
  const literal = ws.leaves(loc).find((l) => l.value.k === 'str');
  if (literal?.value.k === 'str') return literal.value.v;
  const leaves = ws.leaves(loc);
  return leaves.every((l) => l.value.k === 'undef' || l.value.k === 'null') ? fallback : null;
}

/** The number a value surely is; else null. */
export function numberOf(ws: SetupWorkspace, loc: Located | undefined): number | null {
  if (!loc) return null;
  const all = ws.leaves(loc);
  const first = all[0]?.value;
  if (first?.k !== 'num') return null;
  return all.every((l) => l.value.k === 'num' && l.value.v === first.v) ? first.v : null;
}

/** koa-session signs with the app's keys: `app.keys = [...]` (the app passed to `session(opts, app)` when named). */
function koaKeys(model: FileModel, site: SessionSite): Located[] {
  const apps = new Set<string>();
  if (site.mount) apps.add(site.mount.app);
  for (const a of site.call.arguments) if (a.type === 'Identifier' && a !== site.optionsNode) apps.add(a.name);
  const found: Located[] = [];
  for (const a of model.index.assignments) {
    const chain = memberChain(a.left);
    if (a.operator !== '=' || chain?.length !== 2 || chain[1] !== 'keys') continue;
    if (apps.size > 0 && !apps.has(chain[0])) continue;
    found.push({ model, value: model.evaluator.evaluate(a.right) });
  }
  return found;
}

/** NextAuth(...) (next-auth 4 and 5) and the Auth.js framework packages (`ExpressAuth`, `SvelteKitAuth`, `Auth`). */
function authSetups(ws: SetupWorkspace, model: FileModel, options: FindSetupsOptions): SessionSetup[] {
  const { bindings, index } = model;
  const usesAuth = [...bindings.modules].some((m) => m === 'next-auth' || m.startsWith('@auth/'));
  if (!usesAuth) return [];
  const out: SessionSetup[] = [];
  for (const call of index.calls) {
    const ref = bindings.resolve(call.callee);
    if (!ref) continue;
    const args = call.arguments.filter((a): a is t.Expression => a.type !== 'SpreadElement' && a.type !== 'ArgumentPlaceholder');
    let library: SetupLibrary;
    let optionsNode: t.Expression | undefined;
    if (isDefaultExport(ref, ['next-auth']) || isNamedExport(ref, ['next-auth'], 'NextAuth')) {
      library = 'next-auth';
      optionsNode = args.length >= 3 ? args[2] : args[0];
    } else if (ref.module.startsWith('@auth/') && AUTH_FUNCTIONS.some((name) => isNamedExport(ref, [ref.module], name))) {
      library = '@auth/core';
      optionsNode = ref.path[ref.path.length - 1] === 'Auth' ? args[1] : args[0];
    } else {
      continue;
    }
    if (!optionsNode) continue;
    let opts: Located = ws.deref({ model, value: model.evaluator.evaluate(optionsNode) });
    // `NextAuth((req) => ({ ... }))`, `SvelteKitAuth(async (event) => ({ ... }))`
    if (opts.value.k === 'fn') {
      const body = opts.value.fn.body;
      const ret = body.type !== 'BlockStatement' ? body : body.body.find((s): s is t.ReturnStatement => s.type === 'ReturnStatement')?.argument;
      if (ret) opts = { model: opts.model, value: opts.model.evaluator.evaluate(ret) };
    }
    const v5 = library === '@auth/core' || isNextAuth5(model, call, options.dependencies);
    const defaultName = v5 ? DEFAULT_COOKIE_NAMES['@auth/core'] : DEFAULT_COOKIE_NAMES['next-auth'];
    const get = (...keys: string[]) => path(ws, opts, keys);
    const maxAge = get('session', 'maxAge');
    const seconds = maxAge === undefined ? AUTH_DEFAULT_MAX_AGE_SECONDS : numberOf(ws, maxAge);
    const adapter = get('adapter');
    const setup: SessionSetup = {
      file: model.fileName, line: lineOf(call), library, cookieName: nameOr(ws, get('cookies', 'sessionToken', 'name'), defaultName),
      secret: { kind: 'unknown', name: null }, salt: null, expirySeconds: null,
      maxAgeMs: seconds === null ? null : seconds * 1000,
      store: adapter ? findStore(ws, adapter, null) : null,
    };
    const secret = get('secret');
    out.push(withSecret(ws, setup, secret ? secretCandidates(ws, secret) : [], v5 ? ['AUTH_SECRET', 'NEXTAUTH_SECRET'] : ['NEXTAUTH_SECRET']));
  }
  return out;
}

/** next-auth 5 (Auth.js cookie names): the project depends on 5.x, or the call is destructured into `{ handlers, auth }`. */
function isNextAuth5(model: FileModel, call: t.CallExpression, deps: Record<string, string> | undefined): boolean {
  const range = deps?.['next-auth'];
  const major = range ? /(\d+)/.exec(range)?.[1] : undefined;
  if (major !== undefined) return Number(major) >= 5;
  const parent = model.index.parents.get(call);
  return parent?.type === 'VariableDeclarator' && parent.id.type === 'ObjectPattern'
    && parent.id.properties.some((p) => p.type === 'ObjectProperty' && p.key.type === 'Identifier' && (p.key.name === 'handlers' || p.key.name === 'auth'));
}
