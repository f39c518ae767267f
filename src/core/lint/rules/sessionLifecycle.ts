// Login and logout handlers: a new session id at login (session fixation) and an ended session at logout.
import type * as t from '@babel/types';
import { containsCall, findNode, isChain, isFunctionNode, memberChain, memberName, unwrap } from '../ast';
import { lineIndent } from '../edits';
import type { FileModel } from '../model';
import { FixBuilder, Rule, RuleContext, fix } from '../rule';
import { knownString } from '../values';

type HandlerKind = 'login' | 'logout';

const LOGIN_PATH = /(^|\/)(login|log-in|signin|sign-in|sign_in|authenticate)(\/|$|\?)/i;
const LOGOUT_PATH = /(^|\/)(logout|log-out|signout|sign-out|sign_out)(\/|$|\?)/i;
const LOGIN_NAME = /^(handle)?(log_?in|sign_?in|authenticate)(handler|user|route)?$/i;
const LOGOUT_NAME = /^(handle)?(log_?out|sign_?out)(handler|user|route)?$/i;
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'all', 'use', 'route']);

interface Handler { fn: t.Function; kind: HandlerKind; anchor: t.Node }

const handlerCache = new WeakMap<FileModel, Handler[]>();

function handlers(model: FileModel): Handler[] {
  const cached = handlerCache.get(model);
  if (cached) return cached;
  const out: Handler[] = [];
  handlerCache.set(model, out);
  const seen = new Set<t.Node>();
  const add = (fn: t.Function | undefined, kind: HandlerKind, anchor: t.Node) => { if (fn && !seen.has(fn)) { seen.add(fn); out.push({ fn, kind, anchor }); } };
  const resolveFn = (node: t.Node): t.Function | undefined => {
    const n = unwrap(node);
    if (isFunctionNode(n)) return n;
    if (n.type === 'Identifier') {
      const decl = model.index.functions.find((f) => f.type === 'FunctionDeclaration' && f.id?.name === n.name);
      if (decl) return decl;
      const init = model.evaluator.declaration(n.name, n)?.init;
      return init && isFunctionNode(unwrap(init)) ? (unwrap(init) as t.Function) : undefined;
    }
    return undefined;
  };
  for (const call of model.index.calls) {
    const method = memberName(call.callee);
    if (!method || !ROUTE_METHODS.has(method) || call.arguments.length < 2) continue;
    const first = call.arguments[0];
    const path = first.type === 'StringLiteral' || first.type === 'TemplateLiteral' ? knownString(model.evaluator.evaluate(first)) : undefined;
    if (path === undefined) continue;
    const kind: HandlerKind | undefined = LOGOUT_PATH.test(path) ? 'logout' : LOGIN_PATH.test(path) && method !== 'get' ? 'login' : undefined;
    if (!kind) continue;
    const last = call.arguments[call.arguments.length - 1];
    add(resolveFn(last), kind, first);
  }
  for (const fn of model.index.functions) {
    let id: t.Identifier | undefined;
    if (fn.type === 'FunctionDeclaration') id = fn.id ?? undefined;
    else if ((fn.type === 'ObjectMethod' || fn.type === 'ClassMethod') && fn.key.type === 'Identifier') id = fn.key;
    else id = model.index.functionNames.get(fn);
    if (!id) continue;
    if (LOGIN_NAME.test(id.name)) add(fn, 'login', id);
    else if (LOGOUT_NAME.test(id.name)) add(fn, 'logout', id);
  }
  return out;
}

function requestName(fn: t.Function): string | undefined {
  const p = fn.params[0];
  return p?.type === 'Identifier' ? p.name : undefined;
}

/** passport >= 0.6 regenerates on login and logout; undefined when the version is not known. */
function passportRegenerates(model: FileModel): boolean | undefined {
  const v = model.dependencyVersion('passport');
  if (!v) return undefined;
  return v[0] > 0 || v[1] >= 6;
}

function callsPassport(fn: t.Function, req: string, methods: string[]): boolean {
  return containsCall(fn.body, (c) => { const chain = memberChain(c.callee); return chain?.length === 2 && chain[0] === req && methods.includes(chain[1]); });
}

const AUTH_KEY = /user|account|auth|logged|login|uid|role|email|admin|profile|member|identity|principal|passport|token/i;

const sessionFixation: Rule = {
  id: 'session-fixation',
  defaultLevel: 'warning',
  description: 'A login handler writes to req.session without regenerating the session first.',
  check({ model, report }: RuleContext) {
    if (model.usesModule('cookie-session') && !model.usesModule('express-session')) return;
    const deps = model.environment.dependencies;
    if (deps && deps['cookie-session'] && !deps['express-session'] && !deps['@fastify/session']) return;
    for (const { fn, kind } of handlers(model)) {
      const req = requestName(fn);
      if (kind !== 'login' || !req) continue;
      if (callsPassport(fn, req, ['login', 'logIn']) && passportRegenerates(model) !== false) continue;
      const write = firstAuthWrite(model, fn, req);
      if (!write) continue;
      const message = 'The login handler stores the user in the existing session without regenerate(), so an attacker who planted a session id before login shares the logged-in session.';
      const stmt = fn.body.type === 'BlockStatement' ? model.statementOf(write) : undefined;
      if (stmt) report(write, message, regenerateFix, { fn, req, stmt }); else report(write, message);
    }
  },
};

function firstAuthWrite(model: FileModel, fn: t.Function, req: string): t.Node | undefined {
  return findNode(fn.body, (node) => {
    let target: t.Node | undefined;
    if (node.type === 'AssignmentExpression') target = node.left;
    else if (node.type === 'CallExpression' && isChain(node.callee, 'Object', 'assign')) target = node.arguments[0];
    if (!target) return false;
    const chain = memberChain(target);
    if (!chain || chain[0] !== req || chain[1] !== 'session') return false;
    if (chain.length >= 3 ? !AUTH_KEY.test(chain.slice(2).join('.')) : node.type !== 'CallExpression') return false;
    return !insideRegenerate(model, node, fn);
  });
}

/** True when `node` sits in a callback of `*.session.regenerate(...)` (or after an awaited regenerate). */
function insideRegenerate(model: FileModel, node: t.Node, fn: t.Function): boolean {
  for (let p = model.index.parents.get(node); p && p !== fn; p = model.index.parents.get(p)) {
    if (p.type === 'CallExpression' && memberName(p.callee) === 'regenerate') return true;
  }
  // `await req.session.regenerate()` / a promisified regenerate earlier in the handler.
  return containsCall(fn.body, (c) => memberName(c.callee) === 'regenerate' && (c.end ?? 0) <= (node.start ?? 0));
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

const logoutWithoutDestroy: Rule = {
  id: 'logout-without-destroy',
  defaultLevel: 'warning',
  description: 'A logout handler neither destroys nor regenerates the session.',
  check({ model, report }: RuleContext) {
    const sessionsHere = model.usesModule('express-session', 'cookie-session', '@fastify/session', 'fastify-session', 'koa-session', 'iron-session');
    for (const { fn, kind, anchor } of handlers(model)) {
      const req = requestName(fn);
      if (kind !== 'logout' || !req) continue;
      const mentionsSession = findNode(fn.body, (n) => (n.type === 'MemberExpression' && memberName(n) === 'session') || (n.type === 'Identifier' && n.name === 'session')) !== undefined;
      if (!sessionsHere && !mentionsSession) continue;
      const ends = containsCall(fn.body, (c) => ['destroy', 'regenerate', 'delete'].includes(memberName(c.callee) ?? ''))
        || findNode(fn.body, (n) => n.type === 'AssignmentExpression' && memberName(n.left) === 'session' && (n.right.type === 'NullLiteral' || (n.right.type === 'Identifier' && n.right.name === 'undefined'))) !== undefined
        || findNode(fn.body, (n) => n.type === 'MemberExpression' && (memberName(n) === 'destroy' || memberName(n) === 'regenerate') && memberName(n.object) === 'session') !== undefined;
      if (ends) continue;
      if (callsPassport(fn, req, ['logout', 'logOut']) && passportRegenerates(model) !== false) continue;
      report(anchor, 'The logout handler leaves the session alive, so a stolen or shared session id stays logged in; call req.session.destroy() or regenerate().');
    }
  },
};

export const sessionLifecycleRules: Rule[] = [sessionFixation, logoutWithoutDestroy];
