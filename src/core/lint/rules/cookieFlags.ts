// Flags of the session cookie itself: secure, httpOnly, sameSite, name, lifetime, domain and path.
import type * as t from '@babel/types';
import { insertProperty, quoted, replaceNode } from '../edits';
import type { FileModel } from '../model';
import { CookieEntryTarget, FixBuilder, Rule, RuleContext, addCookieEntry, cookieAnchor, cookieEntryTarget, fix, productionTest } from '../rule';
import { LIBRARY_LABEL } from '../sites';
import type { Library, SessionSite } from '../sites';
import { ObjectInfo, Value, allLeaves, knownString, leaves, truthy } from '../values';

/** What each library does when `secure` is not set: false, true, or decided per request (undefined). */
const SECURE_DEFAULT: Record<Library, boolean | undefined> = {
  'express-session': false, 'secure-session': false, 'fastify-session': true, 'iron-session': true,
  'cookie-session': undefined, 'koa-session': undefined,
};

function sitesWithCookie(model: FileModel): (SessionSite & { cookie: ObjectInfo })[] {
  return model.sites.filter((s): s is SessionSite & { cookie: ObjectInfo } => s.cookie !== undefined);
}

/** The value of `v` when the conditions in `assume` (test text -> outcome) hold; `multi` stays as is. */
function under(v: Value, assume: Map<string, boolean>): Value[] {
  if (v.k === 'cond') {
    const known = assume.get(v.test);
    if (known === true) return under(v.then, assume);
    if (known === false) return under(v.else, assume);
    return [...under(v.then, assume), ...under(v.else, assume)];
  }
  return [v];
}

function truthUnder(v: Value, written: t.Node | undefined, assume: Map<string, boolean>, model: FileModel): boolean | undefined {
  for (const text of [written ? model.evaluator.conditionText(written) : undefined, model.evaluator.conditionText(v.node)]) {
    if (text === undefined) continue;
    if (assume.has(text)) return assume.get(text);
    if (text.startsWith('!') && assume.has(text.slice(1))) return !assume.get(text.slice(1));
  }
  const options = under(v, assume).map(truthy);
  return options.every((x) => x === options[0]) ? options[0] : undefined;
}

function tests(v: Value | undefined, out: Set<string>): Set<string> {
  if (v?.k === 'cond') { out.add(v.test); tests(v.then, out); tests(v.else, out); }
  return out;
}

function isNone(v: Value): boolean {
  return v.k === 'str' && v.v.toLowerCase() === 'none';
}

/** True when some path sets sameSite 'none' while secure is surely off on that same path. */
function noneWithoutSecure(model: FileModel, site: SessionSite & { cookie: ObjectInfo }): boolean {
  const sameSite = site.cookie.value('sameSite');
  if (!sameSite) return false;
  const secure = site.cookie.value('secure');
  const conditions = [...tests(secure, tests(sameSite, new Set()))].slice(0, 6);
  for (let mask = 0; mask < 1 << conditions.length; mask++) {
    const assume = new Map(conditions.map((c, i) => [c, (mask & (1 << i)) !== 0]));
    if (!allLeaves(under(sameSite, assume)).some(isNone)) continue;
    const secureProp = site.cookie.get('secure')?.prop;
    const secureOn = secure ? truthUnder(secure, secureProp?.type === 'ObjectProperty' ? secureProp.value : undefined, assume, model) : (site.cookie.complete ? SECURE_DEFAULT[site.library] : undefined);
    if (secureOn === false) return true;
  }
  return false;
}

const setSecureTrue: FixBuilder<t.Node> = (_file, node) => [fix('Set secure: true', [replaceNode(node, 'true')])];
const addSecureTrue: FixBuilder<CookieEntryTarget> = ({ source }, target) => [fix('Add secure: true', [addCookieEntry(source, target, 'secure: true')])];

const sameSiteNoneInsecure: Rule = {
  id: 'cookie-samesite-none-insecure',
  defaultLevel: 'error',
  description: "The session cookie sets sameSite 'none' while secure is off on the same path.",
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      if (!noneWithoutSecure(model, site)) continue;
      const node = site.cookie.get('sameSite')?.value.node ?? site.anchor;
      const secureProp = site.cookie.get('secure');
      const message = "sameSite 'none' without secure is rejected by browsers and, where accepted, sends the session cookie cross-site over plain HTTP.";
      const target = secureProp ? undefined : cookieEntryTarget(site);
      if (secureProp?.prop && secureProp.assigned.length === 0 && secureProp.value.k === 'bool') report(node, message, setSecureTrue, secureProp.value.node);
      else if (target) report(node, message, addSecureTrue, target);
      else report(node, message);
    }
  },
};

const sameSiteNone: Rule = {
  id: 'cookie-samesite-none',
  defaultLevel: 'info',
  description: "The session cookie is always sent on cross-site requests (sameSite 'none' on every path).",
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      const sameSite = site.cookie.value('sameSite');
      // A conditional 'none' (`prod ? 'none' : 'lax'`) is a deliberate cross-site deployment; a branch where it
      // comes without secure is cookie-samesite-none-insecure's.
      if (!sameSite || !leaves(sameSite).every(isNone) || noneWithoutSecure(model, site)) continue;
      report(sameSite.node, "sameSite 'none' sends the session cookie with cross-site requests, so CSRF protection must come from somewhere else.");
    }
  },
};

/** A flag written as a literal `false` and never assigned again. */
function literalFalse(cookie: ObjectInfo, key: string): Value | undefined {
  const p = cookie.get(key);
  if (!p?.prop || p.assigned.length > 0) return undefined;
  return p.value.k === 'bool' && !p.value.v ? p.value : undefined;
}

const secureInProduction: FixBuilder<t.Node> = ({ style }, node) => [fix(`Set secure in production (${productionTest(style)})`, [replaceNode(node, productionTest(style))])];

const secureDisabled: Rule = {
  id: 'cookie-secure-disabled',
  defaultLevel: 'warning',
  description: 'The session cookie has secure: false and nothing turns it on later.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      const value = literalFalse(site.cookie, 'secure');
      if (!value) continue;
      report(value.node, 'secure: false lets the session cookie travel over plain HTTP, where anyone on the network can steal the session.', secureInProduction, value.node);
    }
  },
};

const addSecureInProduction: FixBuilder<CookieEntryTarget> = ({ source, style }, target) => [fix('Add secure in production', [addCookieEntry(source, target, `secure: ${productionTest(style)}`)])];

const secureMissing: Rule = {
  id: 'cookie-secure-missing',
  defaultLevel: 'warning',
  description: 'The session cookie does not set secure, and this library defaults to insecure.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      if (SECURE_DEFAULT[site.library] !== false || !site.cookie.missing('secure')) continue;
      if (site.library === 'express-session' && site.options?.get('secure')) continue;
      const target = cookieEntryTarget(site);
      const message = `${LIBRARY_LABEL[site.library]} sends its cookie over plain HTTP unless secure is set, exposing the session to anyone on the network.`;
      if (target) report(cookieAnchor(site), message, addSecureInProduction, target); else report(cookieAnchor(site), message);
    }
  },
};

const setHttpOnlyTrue: FixBuilder<t.Node> = (_file, node) => [fix('Set httpOnly: true', [replaceNode(node, 'true')])];

const httpOnlyDisabled: Rule = {
  id: 'cookie-httponly-disabled',
  defaultLevel: 'warning',
  description: 'The session cookie has httpOnly: false.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      const value = literalFalse(site.cookie, 'httpOnly');
      if (value) report(value.node, 'httpOnly: false lets any script on the page, including injected ones, read the session cookie.', setHttpOnlyTrue, value.node);
    }
  },
};

const addSameSiteLax: FixBuilder<CookieEntryTarget> = ({ source, style }, target) => [fix("Add sameSite: 'lax'", [addCookieEntry(source, target, `sameSite: ${quoted('lax', style)}`)])];

const sameSiteMissing: Rule = {
  id: 'cookie-samesite-missing',
  defaultLevel: 'info',
  description: 'The session cookie does not set sameSite.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      if (site.library === 'iron-session' || !site.cookie.missing('sameSite')) continue;
      const target = cookieEntryTarget(site);
      const message = 'The session cookie does not set sameSite, so its cross-site behaviour depends on the browser; lax blocks most CSRF.';
      if (target) report(cookieAnchor(site), message, addSameSiteLax, target); else report(cookieAnchor(site), message);
    }
  },
};

const DEFAULT_NAME: Partial<Record<Library, { keys: string[]; value: string; fixKey: string }>> = {
  'express-session': { keys: ['name', 'key'], value: 'connect.sid', fixKey: 'name' },
  'cookie-session': { keys: ['name'], value: 'session', fixKey: 'name' },
  'fastify-session': { keys: ['cookieName'], value: 'sessionId', fixKey: 'cookieName' },
  'secure-session': { keys: ['cookieName'], value: 'session', fixKey: 'cookieName' },
  'koa-session': { keys: ['key'], value: 'koa.sess', fixKey: 'key' },
};

const renameToSid: FixBuilder<t.Node> = ({ style }, node) => [fix("Rename the cookie to 'sid'", [replaceNode(node, quoted('sid', style))], { safe: false, preferred: true })];
const nameCookieSid: FixBuilder<{ obj: t.ObjectExpression; key: string }> = ({ source, style }, { obj, key }) =>
  [fix("Name the cookie 'sid'", [insertProperty(source, obj, `${key}: ${quoted('sid', style)}`)], { safe: false, preferred: true })];

const defaultCookieName: Rule = {
  id: 'default-cookie-name',
  defaultLevel: 'info',
  description: "The session cookie keeps its library's default name.",
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      const spec = DEFAULT_NAME[site.library];
      const options = site.options;
      if (!spec || !options) continue;
      const message = `The cookie keeps ${LIBRARY_LABEL[site.library]}'s default name '${spec.value}', which tells attackers which framework and session library to target.`;
      const written = spec.keys.map((k) => options.value(k)).find((v) => v !== undefined);
      if (written) {
        if (knownString(written) === spec.value && written.k === 'str') report(written.node, message, renameToSid, written.node);
        continue;
      }
      if (!spec.keys.every((k) => options.missing(k))) continue;
      if (options.node) report(site.anchor, message, nameCookieSid, { obj: options.node, key: spec.fixKey }); else report(site.anchor, message);
    }
  },
};

/** Libraries whose cookie lives until the browser closes unless maxAge/expires is set. */
const NO_EXPIRY_DEFAULT: Library[] = ['express-session', 'cookie-session', 'fastify-session'];

const addMaxAge: FixBuilder<CookieEntryTarget> = ({ source }, target) => [fix('Add maxAge of one day', [addCookieEntry(source, target, 'maxAge: 24 * 60 * 60 * 1000')])];

const noExpiry: Rule = {
  id: 'cookie-no-expiry',
  defaultLevel: 'info',
  description: 'The session cookie has neither maxAge nor expires.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      if (!NO_EXPIRY_DEFAULT.includes(site.library) || !site.cookie.missing('maxAge') || !site.cookie.missing('expires')) continue;
      const target = cookieEntryTarget(site);
      const message = 'The session cookie has no maxAge or expires, so browsers that restore sessions may keep it indefinitely.';
      if (target) report(cookieAnchor(site), message, addMaxAge, target); else report(cookieAnchor(site), message);
    }
  },
};

const DAY_MS = 24 * 60 * 60 * 1000;

const longExpiry: Rule = {
  id: 'cookie-long-expiry',
  defaultLevel: 'info',
  description: 'The session cookie or session lives longer than 30 days.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      const checks: [ObjectInfo | undefined, string, number][] = [];
      if (site.library === 'secure-session') checks.push([site.cookie, 'maxAge', 1000], [site.options, 'expiry', 1000]);
      else if (site.library === 'iron-session') checks.push([site.cookie, 'maxAge', 1000], [site.options, 'ttl', 1000]);
      else checks.push([site.cookie, 'maxAge', 1]);
      for (const [obj, key, unitMs] of checks) {
        const v = obj?.value(key);
        if (v?.k !== 'num' || v.v * unitMs <= 30 * DAY_MS || !Number.isFinite(v.v)) continue;
        report(v.node, `${key} keeps the session for ${Math.round((v.v * unitMs) / DAY_MS)} days, giving a stolen cookie a long life; prefer 30 days or less.`);
      }
    }
  },
};

const noDomain: Rule = {
  id: 'cookie-no-domain',
  defaultLevel: 'off',
  description: 'The session cookie does not set domain explicitly.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      if (site.cookie.missing('domain')) report(cookieAnchor(site), 'The session cookie does not set domain; state it explicitly so the cookie scope is reviewed.');
    }
  },
};

const noPath: Rule = {
  id: 'cookie-no-path',
  defaultLevel: 'off',
  description: 'The session cookie does not set path explicitly.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = sitesWithCookie(model); si < siteList.length; si++) {
      const site = siteList[si];
      if (site.cookie.missing('path')) report(cookieAnchor(site), 'The session cookie does not set path; state it explicitly so the cookie scope is reviewed.');
    }
  },
};

export const cookieFlagRules: Rule[] = [sameSiteNoneInsecure, secureDisabled, secureMissing, httpOnlyDisabled, sameSiteNone, sameSiteMissing, defaultCookieName, noExpiry, longExpiry, noDomain, noPath];
