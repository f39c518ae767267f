// Options of the session middleware other than cookie flags: genid, signing, stores, save behaviour and
// options placed where the library ignores them.
import type * as t from '@babel/types';
import { isNamedExport } from '../bindings';
import { descendants, memberChain } from '../ast';
import { insertProperty, removeProperty, replaceNode } from '../edits';
import type { FileModel } from '../model';
import { Rule, RuleContext, fix } from '../rule';
import { LIBRARY_MODULES, LIBRARY_LABEL } from '../sites';
import type { TextEdit } from '../types';
import { leaves } from '../values';

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

const weakGenid: Rule = {
  id: 'weak-genid',
  defaultLevel: 'error',
  description: 'Session ids come from a genid built on Math.random, the clock or a counter.',
  check({ model, report }: RuleContext) {
    for (const site of model.sites) {
      if (site.library !== 'express-session' && site.library !== 'fastify-session') continue;
      const prop = site.options?.get('genid');
      if (!prop) continue;
      const v = prop.value;
      const fn = v.k === 'fn' ? v.fn : v.node.type === 'Identifier' ? functionNamed(model, v.node.name) : undefined;
      if (!fn) continue;
      const reason = weakGenidReason(model, fn);
      if (!reason) continue;
      const target = prop.prop?.type === 'ObjectProperty' ? prop.prop.value : prop.prop;
      const fixes = target && prop.assigned.length === 0
        ? [fix('Generate ids with crypto.randomUUID()', [target.type === 'ObjectMethod' ? replaceNode(target, 'genid: () => crypto.randomUUID()') : replaceNode(target, '() => crypto.randomUUID()')])]
        : [];
      report(target ?? v.node, `genid derives session ids from ${reason}, so they can be predicted and sessions hijacked.`, fixes);
    }
  },
};

const unsignedCookieSession: Rule = {
  id: 'unsigned-cookie-session',
  defaultLevel: 'error',
  description: 'cookie-session or koa-session is configured with signed: false.',
  check({ model, report }: RuleContext) {
    for (const site of model.sites) {
      if (site.library !== 'cookie-session' && site.library !== 'koa-session') continue;
      const prop = site.options?.get('signed');
      if (!prop?.prop || prop.value.k !== 'bool' || prop.value.v || prop.assigned.length > 0) continue;
      report(prop.value.node, `signed: false stores the whole session in an unsigned cookie, so any user can edit their own session data.`,
        [fix('Set signed: true', [replaceNode(prop.value.node, 'true')])]);
    }
  },
};

const COOKIE_FLAGS = ['secure', 'httpOnly', 'maxAge', 'sameSite', 'domain', 'path', 'expires', 'partitioned', 'priority'];

const misplacedCookieOption: Rule = {
  id: 'misplaced-cookie-option',
  defaultLevel: 'warning',
  description: 'An option sits where the session library ignores it.',
  check({ model, report }: RuleContext) {
    for (const site of model.sites) {
      const options = site.options;
      const literal = options?.node;
      if (!options || !literal) continue;
      const own = (key: string) => { const p = options.props.get(key); return p?.prop?.type === 'ObjectProperty' && literal.properties.includes(p.prop) ? p.prop : undefined; };
      if (site.library === 'express-session') {
        for (const key of COOKIE_FLAGS) {
          const prop = own(key);
          if (!prop) continue;
          const edits: TextEdit[] = [removeProperty(model.source, literal, prop)];
          const cookie = site.cookie;
          const entry = `${key}: ${model.text(prop.value)}`;
          if (cookie?.node && !cookie.get(key)) edits.push(insertProperty(model.source, cookie.node, entry));
          else if (!cookie?.node && options.missing('cookie')) edits.push({ start: prop.start ?? 0, end: prop.start ?? 0, text: `cookie: { ${entry} }, ` });
          else if (!cookie?.node) edits.length = 0;
          report(prop.key, `express-session ignores a top-level ${key}; cookie flags belong in the cookie object.`,
            edits.length ? [fix(`Move ${key} into cookie`, edits, { safe: key !== 'secure' })] : []);
        }
        const cookieName = own('cookieName');
        if (cookieName) {
          report(cookieName.key, "express-session ignores cookieName; the cookie's name is set with name.",
            options.missing('name') && options.missing('key') ? [fix('Rename cookieName to name', [replaceNode(cookieName.key, 'name')])] : []);
        }
      }
      if (site.library === 'cookie-session') {
        const key = own('key');
        if (key) report(key.key, "cookie-session ignores key; the cookie's name is set with name.", options.missing('name') ? [fix('Rename key to name', [replaceNode(key.key, 'name')])] : []);
        for (const name of ['resave', 'saveUninitialized']) {
          const prop = own(name);
          if (prop) report(prop.key, `cookie-session has no ${name} option; it belongs to express-session and does nothing here.`, [fix(`Remove ${name}`, [removeProperty(model.source, literal, prop)])]);
        }
        const cookie = own('cookie');
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
    for (const site of model.sites) {
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

const unsetSaveOptions: Rule = {
  id: 'unset-save-options',
  defaultLevel: 'info',
  description: 'express-session is configured without resave or saveUninitialized.',
  check({ model, report }: RuleContext) {
    for (const site of model.sites) {
      const options = site.options;
      if (site.library !== 'express-session' || !options?.complete) continue;
      const missing = ['resave', 'saveUninitialized'].filter((k) => options.missing(k));
      if (missing.length === 0) continue;
      const entry = missing.map((k) => `${k}: false`).join(', ');
      report(site.anchor, `express-session is missing ${missing.join(' and ')}, whose deprecated defaults rewrite the store on every request and save empty sessions.`,
        options.node ? [fix(`Add ${entry}`, [insertProperty(model.source, options.node, entry)])] : []);
    }
  },
};

const saveUninitializedTrue: Rule = {
  id: 'save-uninitialized-true',
  defaultLevel: 'info',
  description: 'saveUninitialized: true stores a session for every visitor.',
  check({ model, report }: RuleContext) {
    for (const site of model.sites) {
      if (site.library !== 'express-session' && site.library !== 'fastify-session') continue;
      const prop = site.options?.get('saveUninitialized');
      if (!prop?.prop || prop.value.k !== 'bool' || !prop.value.v || prop.assigned.length > 0) continue;
      report(prop.value.node, 'saveUninitialized: true stores a session and sets a cookie for every visitor, filling the store and complicating cookie-consent rules.',
        [fix('Set saveUninitialized: false', [replaceNode(prop.value.node, 'false')])]);
    }
  },
};

export const sessionOptionRules: Rule[] = [weakGenid, unsignedCookieSession, misplacedCookieOption, memoryStore, unsetSaveOptions, saveUninitializedTrue];
