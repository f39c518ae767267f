// Options of the session middleware other than cookie flags: genid, signing, stores, save behaviour and
// options placed where the library ignores them.
import type * as t from '@babel/types';
import { isNamedExport } from '../bindings';
import { descendants, memberChain } from '../ast';
import { insertProperty, removeProperty, replaceNode } from '../edits';
import type { FileModel } from '../model';
import { FixBuilder, Rule, RuleContext, fix } from '../rule';
import { LIBRARY_MODULES, LIBRARY_LABEL } from '../sites';
import type { TextEdit } from '../types';
import { ObjectInfo, leaves } from '../values';

/** Why a genid function is predictable, or undefined when it is not seen to be. */
function weakGenidReason(model: FileModel, fn: t.Function): string | undefined {
  const locals = new Set<string>();
  for (const node of descendants(fn.body)) {
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier') locals.add(node.id.name);
  }
  for (const node of descendants(fn.body)) {
    if (node.type === 'CallExpression') {
      const callee = memberChain(node.callee)?.join('.');
      if (callee === 'Math.random') return 'Math.random';
      if (callee === 'Date.now' || callee === 'performance.now') return callee;
    }
    if (node.type === 'NewExpression' && memberChain(node.callee)?.join('.') === 'Date') return 'the current time';
    const counter = node.type === 'UpdateExpression' ? node.argument : node.type === 'AssignmentExpression' && (node.operator === '+=' || node.operator === '-=') ? node.left : undefined;
    if (counter) {
      const chain = memberChain(counter);
      if (chain && !locals.has(chain[0])) return 'a counter';
    }
  }
  void model;
  return undefined;
}

function functionNamed(model: FileModel, name: string): t.Function | undefined {
  return model.index.functions.find((f) => f.type === 'FunctionDeclaration' && f.id?.name === name);
}

const randomUUIDGenid: FixBuilder<t.Node> = (_file, target) =>
  [fix('Generate ids with crypto.randomUUID()', [target.type === 'ObjectMethod' ? replaceNode(target, 'genid: () => crypto.randomUUID()') : replaceNode(target, '() => crypto.randomUUID()')])];

const weakGenid: Rule = {
  id: 'weak-genid',
  defaultLevel: 'error',
  description: 'Session ids come from a genid built on Math.random, the clock or a counter.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (site.library !== 'express-session' && site.library !== 'fastify-session') continue;
      const prop = site.options?.get('genid');
      if (!prop) continue;
      const v = prop.value;
      const fn = v.k === 'fn' ? v.fn : v.node.type === 'Identifier' ? functionNamed(model, v.node.name) : undefined;
      if (!fn) continue;
      const reason = weakGenidReason(model, fn);
      if (!reason) continue;
      const target = prop.prop?.type === 'ObjectProperty' ? prop.prop.value : prop.prop;
      const message = `genid derives session ids from ${reason}, so they can be predicted and sessions hijacked.`;
      if (target && prop.assigned.length === 0) report(target, message, randomUUIDGenid, target); else report(target ?? v.node, message);
    }
  },
};

const setSignedTrue: FixBuilder<t.Node> = (_file, node) => [fix('Set signed: true', [replaceNode(node, 'true')])];

const unsignedCookieSession: Rule = {
  id: 'unsigned-cookie-session',
  defaultLevel: 'error',
  description: 'cookie-session or koa-session is configured with signed: false.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (site.library !== 'cookie-session' && site.library !== 'koa-session') continue;
      const prop = site.options?.get('signed');
      if (!prop?.prop || prop.value.k !== 'bool' || prop.value.v || prop.assigned.length > 0) continue;
      report(prop.value.node, `signed: false stores the whole session in an unsigned cookie, so any user can edit their own session data.`,
        setSignedTrue, prop.value.node);
    }
  },
};

const COOKIE_FLAGS = ['secure', 'httpOnly', 'maxAge', 'sameSite', 'domain', 'path', 'expires', 'partitioned', 'priority'];

interface MoveCookieFlag {
  key: string;
  options: t.ObjectExpression;
  prop: t.ObjectProperty;
  /** The cookie object literal to add the flag to (none when it already sets it: the fix only removes it). */
  cookie?: t.ObjectExpression;
  /** No cookie object yet: wrap the flag in a new `cookie: { ... }` in place. */
  wrap?: boolean;
}

const moveIntoCookie: FixBuilder<MoveCookieFlag> = ({ source }, { key, options, prop, cookie, wrap }) => {
  const entry = `${key}: ${source.slice(prop.value.start ?? 0, prop.value.end ?? 0)}`;
  const edits: TextEdit[] = [removeProperty(source, options, prop)];
  if (cookie) edits.push(insertProperty(source, cookie, entry));
  else if (wrap) edits.push({ start: prop.start ?? 0, end: prop.start ?? 0, text: `cookie: { ${entry} }, ` });
  return [fix(`Move ${key} into cookie`, edits, { safe: key !== 'secure' })];
};
const renameKey: FixBuilder<{ key: t.Node; title: string }> = (_file, { key, title }) => [fix(title, [replaceNode(key, 'name')])];
const removeOption: FixBuilder<{ name: string; options: t.ObjectExpression; prop: t.ObjectProperty }> = ({ source }, { name, options, prop }) =>
  [fix(`Remove ${name}`, [removeProperty(source, options, prop)])];

/** The property `key` as written in the options literal itself (not brought in by a spread). */
function ownProperty(options: ObjectInfo, literal: t.ObjectExpression, key: string): t.ObjectProperty | undefined {
  const p = options.props.get(key);
  return p?.prop?.type === 'ObjectProperty' && literal.properties.includes(p.prop) ? p.prop : undefined;
}

const misplacedCookieOption: Rule = {
  id: 'misplaced-cookie-option',
  defaultLevel: 'warning',
  description: 'An option sits where the session library ignores it.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      const options = site.options;
      const literal = options?.node;
      if (!options || !literal) continue;
      if (site.library === 'express-session') {
        for (const key of COOKIE_FLAGS) {
          const prop = ownProperty(options, literal, key);
          if (!prop) continue;
          const cookie = site.cookie;
          const message = `express-session ignores a top-level ${key}; cookie flags belong in the cookie object.`;
          // Into the cookie literal (the fix only removes the flag when the cookie already sets it), or a new one.
          if (cookie?.node) report(prop.key, message, moveIntoCookie, { key, options: literal, prop, cookie: cookie.get(key) ? undefined : cookie.node });
          else if (options.missing('cookie')) report(prop.key, message, moveIntoCookie, { key, options: literal, prop, wrap: true });
          else report(prop.key, message);
        }
        const cookieName = ownProperty(options, literal, 'cookieName');
        if (cookieName) {
          const message = "express-session ignores cookieName; the cookie's name is set with name.";
          if (options.missing('name') && options.missing('key')) report(cookieName.key, message, renameKey, { key: cookieName.key, title: 'Rename cookieName to name' });
          else report(cookieName.key, message);
        }
      }
      if (site.library === 'cookie-session') {
        const key = ownProperty(options, literal, 'key');
        const keyMessage = "cookie-session ignores key; the cookie's name is set with name.";
        if (key && options.missing('name')) report(key.key, keyMessage, renameKey, { key: key.key, title: 'Rename key to name' });
        else if (key) report(key.key, keyMessage);
        for (const name of ['resave', 'saveUninitialized']) {
          const prop = ownProperty(options, literal, name);
          if (prop) report(prop.key, `cookie-session has no ${name} option; it belongs to express-session and does nothing here.`, removeOption, { name, options: literal, prop });
        }
        const cookie = ownProperty(options, literal, 'cookie');
        if (cookie) report(cookie.key, 'cookie-session ignores a nested cookie object; its cookie flags go at the top level of the options.');
      }
    }
  },
};

const memoryStore: Rule = {
  id: 'memory-store',
  defaultLevel: 'warning',
  description: 'Sessions are kept in the built-in MemoryStore.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if ((site.library !== 'express-session' && site.library !== 'fastify-session') || !site.options) continue;
      const message = `${LIBRARY_LABEL[site.library]} falls back to its MemoryStore, which leaks memory, loses every session on restart and does not scale past one process.`;
      const store = site.options.value('store');
      if (!store) {
        if (site.options.complete) report(site.anchor, message);
        continue;
      }
      const builtIn = (v: (typeof store)) => v.k === 'new' && isNamedExport(v.callee, LIBRARY_MODULES[site.library], 'MemoryStore');
      const bad = leaves(store).find((v) => v.k === 'null' || v.k === 'undef' || builtIn(v));
      if (bad) report(bad.node, message);
    }
  },
};

const addSaveOptions: FixBuilder<{ obj: t.ObjectExpression; missing: string[] }> = ({ source }, { obj, missing }) => {
  const entry = missing.map((k) => `${k}: false`).join(', ');
  return [fix(`Add ${entry}`, [insertProperty(source, obj, entry)])];
};

const unsetSaveOptions: Rule = {
  id: 'unset-save-options',
  defaultLevel: 'info',
  description: 'express-session is configured without resave or saveUninitialized.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      const options = site.options;
      if (site.library !== 'express-session' || !options?.complete) continue;
      const missing = ['resave', 'saveUninitialized'].filter((k) => options.missing(k));
      if (missing.length === 0) continue;
      const message = `express-session is missing ${missing.join(' and ')}, whose deprecated defaults rewrite the store on every request and save empty sessions.`;
      if (options.node) report(site.anchor, message, addSaveOptions, { obj: options.node, missing }); else report(site.anchor, message);
    }
  },
};

const setSaveUninitializedFalse: FixBuilder<t.Node> = (_file, node) => [fix('Set saveUninitialized: false', [replaceNode(node, 'false')])];

const saveUninitializedTrue: Rule = {
  id: 'save-uninitialized-true',
  defaultLevel: 'info',
  description: 'saveUninitialized: true stores a session for every visitor.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (site.library !== 'express-session' && site.library !== 'fastify-session') continue;
      const prop = site.options?.get('saveUninitialized');
      if (!prop?.prop || prop.value.k !== 'bool' || !prop.value.v || prop.assigned.length > 0) continue;
      report(prop.value.node, 'saveUninitialized: true stores a session and sets a cookie for every visitor, filling the store and complicating cookie-consent rules.',
        setSaveUninitializedFalse, prop.value.node);
    }
  },
};

export const sessionOptionRules: Rule[] = [weakGenid, unsignedCookieSession, misplacedCookieOption, memoryStore, unsetSaveOptions, saveUninitializedTrue];
