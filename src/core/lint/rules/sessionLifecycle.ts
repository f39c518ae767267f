// Login and logout handlers: a new session id at login (session fixation) and an ended session at logout.
import type * as t from '@babel/types';
import { containsCall, findNode, isChain, memberChain, memberName, propertyName, unwrap } from '../ast';
import { lineIndent } from '../edits';
import { Handler, fileHandlers, requestName } from '../handlers';
import { declaresNoSessionLibrary, nullingEndsSession, passportRegenerates, sessionStorage, usesIronSession } from '../libraries';
import type { FileModel } from '../model';
import { FixBuilder, Rule, RuleContext, fix } from '../rule';

function callsPassport(fn: t.Function, req: string, methods: string[]): t.CallExpression | undefined {
  return findNode(fn.body, (c) => (c.type === 'CallExpression' || c.type === 'OptionalCallExpression') && isMethodOf((c as t.CallExpression).callee, req, methods)) as t.CallExpression | undefined;
}

/** Whether `callee` is `req.method` for one of `methods` (the member chain [req, method]), without building the chain. */
function isMethodOf(callee: t.Node, req: string, methods: readonly string[]): boolean {
  const n = unwrap(callee);
  if (n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') return false;
  const o = unwrap(n.object);
  if ((o.type === 'Identifier' ? o.name : o.type === 'ThisExpression' ? 'this' : undefined) !== req) return false;
  const name = propertyName(n.property, n.computed);
  return name !== undefined && methods.includes(name);
}

/** The name at the root of a member chain (`req` of `req.session.user`, `this` of `this.x`), without building the chain. */
function chainRoot(node: t.Node): string | undefined {
  let n = unwrap(node);
  while (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') n = unwrap(n.object);
  return n.type === 'Identifier' ? n.name : n.type === 'ThisExpression' ? 'this' : undefined;
}

const AUTH_KEY = /user|account|auth|logged|login|uid|role|email|admin|profile|member|identity|principal|passport|token/i;
/**
 * On a `GET /login` (usually the form) only the identity itself counts: `loginAttempts`, `authError` or a
 * `returnTo` are what a form stores.
 */
const IDENTITY_KEY = /user|account|uid|email|profile|member|identity|principal|passport|logged_?in|is_?logged|is_?auth|authenticated/i;

const REGENERATE = new Set(['regenerate', 'regenerateSession']);

const sessionFixation: Rule = {
  id: 'session-fixation',
  defaultLevel: 'warning',
  description: 'A login handler stores the user in a server-side session without regenerating the session first.',
  check({ model, report }: RuleContext) {
    // Sealed cookies (cookie-session, iron-session, koa-session without a store, ...) carry no id to plant.
    const storage = sessionStorage(model);
    if (storage === 'sealed') return;
    // `req.session` from a library the project does not declare: nothing to say what it keeps.
    if (storage === 'unknown' && declaresNoSessionLibrary(model)) return;
    const { handlers, passportLogins } = fileHandlers(model);
    const regenerates = passportRegenerates(model);
    const oldPassport = 'passport before 0.6 keeps the session id when it logs the user in, so an attacker who planted a session id before login shares the logged-in session; upgrade passport or regenerate the session first.';
    if (regenerates === false) for (const call of passportLogins) report(call, oldPassport);
    for (const { fn, kind, route } of handlers) {
      const req = requestName(fn);
      if (kind !== 'login' || !req) continue;
      const keys = route?.method === 'get' ? IDENTITY_KEY : AUTH_KEY;
      const login = callsPassport(fn, req, ['login', 'logIn']);
      if (login) {
        // passport >= 0.6 regenerates in req.login(); an unknown version is given the benefit of the doubt.
        if (regenerates === false && !insideRegenerate(model, login, fn)) report(login, oldPassport);
        continue;
      }
      const write = firstAuthWrite(model, fn, req, keys);
      if (!write) continue;
      const message = 'The login handler stores the user in the existing session without regenerate(), so an attacker who planted a session id before login shares the logged-in session.';
      const stmt = fn.body.type === 'BlockStatement' ? model.statementOf(write) : undefined;
      if (stmt) report(write, message, regenerateFix, { fn, req, stmt }); else report(write, message);
    }
  },
};

function firstAuthWrite(model: FileModel, fn: t.Function, req: string, keys: RegExp): t.Node | undefined {
  return findNode(fn.body, (node) => {
    let target: t.Node | undefined;
    if (node.type === 'AssignmentExpression') target = node.left;
    else if (node.type === 'CallExpression' && isChain(node.callee, 'Object', 'assign')) target = node.arguments[0];
    else if (node.type === 'CallExpression' && memberName(node.callee) === 'set' && node.arguments[0]?.type === 'StringLiteral' && keys.test(node.arguments[0].value)) {
      // `request.session.set('user', user)` (@fastify/session)
      target = (node.callee as t.MemberExpression).object;
    }
    if (!target || chainRoot(target) !== req) return false;
    const chain = memberChain(target);
    if (!chain || chain[0] !== req || chain[1] !== 'session') return false;
    if (chain.length >= 3 ? !keys.test(chain.slice(2).join('.')) : node.type !== 'CallExpression') return false;
    return !insideRegenerate(model, node, fn);
  });
}

/** True when `node` sits in a callback of `*.session.regenerate(...)` (or after an awaited regenerate). */
function insideRegenerate(model: FileModel, node: t.Node, fn: t.Function): boolean {
  for (let p = model.index.parents.get(node); p && p !== fn; p = model.index.parents.get(p)) {
    if (p.type === 'CallExpression' && REGENERATE.has(memberName(p.callee) ?? '')) return true;
  }
  // `await req.session.regenerate()` / a promisified regenerate earlier in the handler.
  return containsCall(fn.body, (c) => REGENERATE.has(memberName(c.callee) ?? '') && (c.end ?? 0) <= (node.start ?? 0));
}

/** Wraps the statements from the first write (in `stmt`) to the end of the handler body in `regenerate(...)`. */
const regenerateFix: FixBuilder<{ fn: t.Function; req: string; stmt: t.Node }> = ({ source, style }, { fn, req, stmt }) => {
  if (fn.body.type !== 'BlockStatement') return [];
  const body = fn.body.body;
  const i = body.indexOf(stmt as t.Statement);
  if (i < 0) return [];
  const last = body[body.length - 1];
  const start = stmt.start ?? 0;
  const end = last.end ?? 0;
  const indent = lineIndent(source, start);
  const unit = indent.startsWith('\t') ? '\t' : '  ';
  const moved = source.slice(start, end).split('\n').map((line, n) => (n === 0 ? `${indent}${unit}${line}` : line.length ? `${unit}${line}` : line)).join('\n');
  const next = fn.params[2]?.type === 'Identifier' ? fn.params[2].name : undefined;
  const res = fn.params[1]?.type === 'Identifier' ? fn.params[1].name : undefined;
  if (!next && !res) return [];
  const semi = style.semicolons ? ';' : '';
  const onError = next ? `if (err) return ${next}(err)${semi}` : `if (err) return ${res}.sendStatus(500)${semi}`;
  const isAsync = findNode(fn.body, (n) => n.type === 'AwaitExpression' && (n.start ?? 0) >= start) !== undefined;
  const text = `${req}.session.regenerate(${isAsync ? 'async ' : ''}(err) => {\n${indent}${unit}${onError}\n${moved}\n${indent}})${semi}`;
  return [fix('Regenerate the session before storing the user', [{ start, end, text }], { safe: false, preferred: false })];
};

/** Whether the handler ends the session the way its library does. */
function endsSession(model: FileModel, fn: t.Function, req: string, passportOk: boolean): boolean {
  if (containsCall(fn.body, (c) => ENDS.has(memberName(c.callee) ?? ''))) return true;
  // `req.session = null`: the logout of cookie sessions and koa-session; express-session keeps the stored session.
  if (nullingEndsSession(model) && findNode(fn.body, (n) => n.type === 'AssignmentExpression' && memberName(n.left) === 'session' && isEmptyValue(n.right)) !== undefined) return true;
  // `req.session.destroy` handed over as a callback.
  if (findNode(fn.body, (n) => n.type === 'MemberExpression' && (memberName(n) === 'destroy' || memberName(n) === 'regenerate') && memberName(n.object) === 'session') !== undefined) return true;
  if (passportOk && callsPassport(fn, req, ['logout', 'logOut'])) return true;
  // Sealed cookies have no server-side session to destroy: clearing the user is the logout (iron-session also
  // needs save() to write the cookie).
  if (sessionStorage(model) === 'sealed' && clearsUser(fn)) return !usesIronSession(model) || containsCall(fn.body, (c) => memberName(c.callee) === 'save');
  return false;
}

const ENDS = new Set(['destroy', 'regenerate', 'regenerateSession', 'delete']);

function isEmptyValue(node: t.Node): boolean {
  return node.type === 'NullLiteral' || (node.type === 'Identifier' && node.name === 'undefined') || (node.type === 'UnaryExpression' && node.operator === 'void');
}

/** `delete session.user`, `req.session.user = undefined`, `session.isLoggedIn = false`. */
function clearsUser(fn: t.Function): boolean {
  return findNode(fn.body, (n) => {
    let target: t.Node | undefined;
    if (n.type === 'UnaryExpression' && n.operator === 'delete') target = n.argument;
    else if (n.type === 'AssignmentExpression' && n.operator === '=' && (isEmptyValue(n.right) || (n.right.type === 'BooleanLiteral' && !n.right.value)
      || (n.right.type === 'StringLiteral' && n.right.value === '') || (n.right.type === 'ObjectExpression' && n.right.properties.length === 0))) target = n.left;
    const chain = target ? memberChain(target) : undefined;
    if (!chain || chain.length < 2) return false;
    const at = chain.indexOf('session');
    return at >= 0 && at < chain.length - 1 && AUTH_KEY.test(chain.slice(at + 1).join('.'));
  }) !== undefined;
}

function mentionsSession(fn: t.Function): boolean {
  return findNode(fn.body, (n) => (n.type === 'MemberExpression' && memberName(n) === 'session') || (n.type === 'Identifier' && n.name === 'session')) !== undefined;
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => p.replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

const logoutWithoutDestroy: Rule = {
  id: 'logout-without-destroy',
  defaultLevel: 'warning',
  description: 'A logout handler neither destroys nor regenerates the session.',
  check({ model, report }: RuleContext) {
    if (sessionStorage(model) === 'unknown' && declaresNoSessionLibrary(model)) return;
    const logouts: { h: Handler; req: string; ends: boolean }[] = [];
    const passportOk = passportRegenerates(model) !== false;
    for (const h of fileHandlers(model).handlers) {
      // A handler may take no request at all (a Next.js `POST()` that reads the session from cookies()).
      const req = requestName(h.fn) ?? '';
      if (h.kind === 'logout') logouts.push({ h, req, ends: endsSession(model, h.fn, req, passportOk) });
    }
    if (logouts.length === 0) return;
    const sessionsHere = model.usesModule('express-session', 'cookie-session', '@fastify/session', 'fastify-session', 'koa-session', 'iron-session', '@fastify/secure-session');
    for (const { h, req, ends } of logouts) {
      if (ends) continue;
      const touches = mentionsSession(h.fn) || callsPassport(h.fn, req, ['logout', 'logOut']) !== undefined;
      if (!sessionsHere && !touches) continue;
      // `GET /logout` that only shows a confirmation page next to the POST (or DELETE) of the same path: the
      // handler that acts is the one judged.
      const route = h.route;
      if (route?.method === 'get' && !touches && logouts.some((o) => o.h.route && o.h.route.method !== 'get' && o.h.route.method !== 'use' && samePath(o.h.route.path, route.path))) continue;
      report(h.anchor, 'The logout handler leaves the session alive, so a stolen or shared session id stays logged in; call req.session.destroy() or regenerate().');
    }
  },
};

export const sessionLifecycleRules: Rule[] = [sessionFixation, logoutWithoutDestroy];
