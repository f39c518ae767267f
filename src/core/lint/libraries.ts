// What the session libraries do, as far as the handler rules care: whether a session has a server-side id
// (that an attacker could plant before login) or is a sealed cookie, and whether passport regenerates the
// session on login and logout.
import { memoKey } from './memo';
import type { FileModel } from './model';

/** Packages whose installed version (node_modules/<name>/package.json) the adapters look up for the rules. */
export const INSTALLED_PACKAGES: readonly string[] = ['passport'];

/**
 * Libraries that keep the session in a store under an id carried by the cookie. koa-session is one only with an
 * external `store` (see `sessionStorage`).
 */
const SERVER_SIDE_MODULES = ['express-session', '@fastify/session', 'fastify-session', 'koa-generic-session', 'koa-session-minimal', '@hapi/yar', 'hapi-server-session'];

/** Libraries that keep the whole session in a signed or encrypted cookie: no id to fix. */
const SEALED_MODULES = [
  'cookie-session', 'client-sessions', 'iron-session', 'iron-session/edge', 'iron-session/express', 'iron-session/next', 'next-iron-session',
  '@fastify/secure-session', 'fastify-secure-session', 'next-auth', 'next-auth/next', 'next-auth/react', '@auth/core', '@auth/express', '@auth/sveltekit',
];

/** Stores for koa-session (`store` option) among a project's dependencies. */
const KOA_STORE_DEP = /^(koa-redis|koa-session-.+|koa-.+-store|@.+\/koa-session-store)$/;

export type SessionStorage = 'server' | 'sealed' | 'unknown';

const STORAGE = memoKey<SessionStorage>('session storage');

/**
 * How the sessions of this file's app are kept: from the session setup in the file (sites), else from the session
 * libraries the file imports, else from the project's dependencies. A mix counts as server-side.
 */
export function sessionStorage(model: FileModel): SessionStorage {
  return model.memo(STORAGE, findStorage);
}

function findStorage(model: FileModel): SessionStorage {
  let server = false;
  let sealed = false;
  let koaUnseen = false;
  for (const site of model.sites) {
    if (site.library === 'express-session' || site.library === 'fastify-session') server = true;
    else if (site.library === 'koa-session') {
      const store = site.options?.value('store');
      if (store && store.k !== 'undef' && store.k !== 'null') server = true;
      else if (site.options?.complete) sealed = true;
      else koaUnseen = true; // options not visible here: the dependencies decide
    } else sealed = true;
  }
  if (server) return 'server';
  if (sealed && !koaUnseen) return 'sealed';
  for (const m of SERVER_SIDE_MODULES) if (model.bindings.modules.has(m)) return 'server';
  const deps = model.environment.dependencies ?? {};
  const names = Object.keys(deps);
  const koaStore = !!deps['koa-session'] && names.some((d) => KOA_STORE_DEP.test(d));
  if (koaUnseen || model.bindings.modules.has('koa-session')) {
    if (koaStore) return 'server';
    sealed = true;
  }
  for (const m of SEALED_MODULES) if (model.bindings.modules.has(m)) sealed = true;
  if (sealed) return 'sealed';
  if (names.some((d) => SERVER_SIDE_MODULES.includes(d)) || koaStore) return 'server';
  if (deps['koa-session'] || names.some((d) => SEALED_MODULES.includes(d))) return 'sealed';
  return 'unknown';
}

/** Whether the file's sessions are iron-session's (logout is clearing the data and `save()`, or `destroy()`). */
export function usesIronSession(model: FileModel): boolean {
  if (model.sites.some((s) => s.library === 'iron-session')) return true;
  for (const m of model.bindings.modules) if (m === 'iron-session' || m.startsWith('iron-session/') || m === 'next-iron-session') return true;
  if (model.sites.length > 0) return false;
  const deps = model.environment.dependencies;
  return !!deps && (!!deps['iron-session'] || !!deps['next-iron-session']) && sessionStorage(model) === 'sealed';
}

/**
 * passport >= 0.6 regenerates the session in `req.login()` and `req.logout()`; older versions keep the session
 * (and its id). Read from the installed version when known, else the lowest version the declared range allows;
 * undefined when the project does not say.
 */
export function passportRegenerates(model: FileModel): boolean | undefined {
  const v = model.dependencyVersion('passport');
  if (!v) return undefined;
  return v[0] > 0 || v[1] >= 6;
}

/** A dependency name that says the project has sessions or logins: a session library, a store, passport, an auth kit. */
const SESSION_DEP = /session|passport|(^|[-/@])iron|auth|grant|lucia|keycloak|oidc/i;

/**
 * The nearest package.json lists no session library, store or auth kit: `req.session` comes from something the
 * project does not declare (a framework, a hand-rolled middleware), so whether it is a cookie or a server-side
 * session is not known. False when there is no package.json.
 */
export function declaresNoSessionLibrary(model: FileModel): boolean {
  const deps = model.environment.dependencies;
  if (!deps) return false;
  return !Object.keys(deps).some((d) => SESSION_DEP.test(d));
}

/** Server-side session libraries whose `ctx.session = null` removes the stored session (koa-session calls the store's destroy). */
const KOA_SERVER_MODULES = ['koa-session', 'koa-generic-session', 'koa-session-minimal'];
const EXPRESS_LIKE_MODULES = ['express-session', '@fastify/session', 'fastify-session'];

/**
 * Whether `req.session = null` ends the session: it does for sealed cookies (the cookie is cleared) and for the koa
 * session libraries (the stored session is destroyed); express-session and @fastify/session only stop saving, and the
 * stored session stays valid under its id. With a sealed-cookie library in the file or project too, it may be that
 * library's logout.
 */
export function nullingEndsSession(model: FileModel): boolean {
  if (sessionStorage(model) !== 'server') return true;
  const deps = model.environment.dependencies ?? {};
  const has = (names: string[]) => names.some((m) => model.bindings.modules.has(m) || !!deps[m]);
  const expressLike = model.sites.some((s) => s.library === 'express-session' || s.library === 'fastify-session') || has(EXPRESS_LIKE_MODULES);
  const koa = model.sites.some((s) => s.library === 'koa-session') || has(KOA_SERVER_MODULES);
  // A cookie-session next to express-session: `req.session = null` may be the cookie's logout.
  const sealedToo = model.sites.some((s) => s.library !== 'express-session' && s.library !== 'fastify-session' && s.library !== 'koa-session') || has(SEALED_MODULES);
  return (koa && !expressLike) || sealedToo;
}
