// Login and logout handlers of one file, found the way apps write them: route registrations (`app.post('/login',
// fn)`, `router.route('/logout').post(fn)`, `fastify.route({ method, url, handler })`, Nest's `@Post('login')`),
// handlers passed by reference (`authController.login`, `this.handleLogin`, `asyncHandler(fn)`, an arrow that
// only delegates), and functions named like a login or logout that the file exports, registers or calls. A
// function that nothing reaches is not a handler.
import type * as t from '@babel/types';
import { isFunctionNode, memberName, propertyName, unwrap, walk } from './ast';
import { memoKey } from './memo';
import type { FileModel } from './model';
import { knownString } from './values';

export type HandlerKind = 'login' | 'logout';

export interface Route {
  /** Lower-case HTTP method (`get`, `post`, ..., `all`, `use`). */
  method: string;
  path: string;
}

export interface Handler {
  fn: t.Function;
  kind: HandlerKind;
  /** Where a finding about the whole handler points: the route's path, or the function's name. */
  anchor: t.Node;
  /** The route it is registered on in this file, if any. */
  route?: Route;
}

export interface FileHandlers {
  handlers: Handler[];
  /** `passport.authenticate(...)` middleware mounted on login routes (and OAuth callbacks), unless `session: false`. */
  passportLogins: t.CallExpression[];
}

const LOGIN_PATH = /(^|\/)(login|log-in|signin|sign-in|sign_in|authenticate)(\/|$|\?)/i;
const LOGOUT_PATH = /(^|\/)(logout|log-out|signout|sign-out|sign_out)(\/|$|\?)/i;
const CALLBACK_PATH = /(^|\/)callback(\/|$|\?)/i;
// `login`, `handleLogin`, `handleUserLogin`, `userLoginHandler`, `postLogin`, `loginUser`, `do_sign_in`.
const LOGIN_NAME = /^(handle|do|process|post|submit|perform|user|api)?_?(user|admin|local|api)?_?(log_?in|sign_?in|authenticate)(_?(handler|user|route|controller|action|post|submit))?$/i;
const LOGOUT_NAME = /^(handle|do|process|post|submit|perform|user|api)?_?(user|admin|local|api)?_?(log_?out|sign_?out)(_?(handler|user|route|controller|action|post|submit))?$/i;
/** A router file named after its route (`routes/logout.js`, `login.router.ts`) whose routes sit at `/`. */
const LOGIN_FILE = /(^|[/\\])(login|signin|sign-in)(\.(route|routes|router|controller))?\.[cm]?[jt]sx?$/i;
const LOGOUT_FILE = /(^|[/\\])(logout|signout|sign-out)(\.(route|routes|router|controller))?\.[cm]?[jt]sx?$/i;
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'any']);
const DECORATOR_METHODS = new Set(['Get', 'Post', 'Put', 'Patch', 'Delete', 'All']);

const HANDLERS = memoKey<FileHandlers>('handlers');

export function fileHandlers(model: FileModel): FileHandlers {
  return model.memo(HANDLERS, (m) => new HandlerFinder(m).find());
}

function routeKind(route: Route, fileName: string): HandlerKind | undefined {
  if (LOGOUT_PATH.test(route.path)) return 'logout';
  // A `GET /login` is usually the form, but a magic link or an SSO return logs in there too: the rules judge
  // what it writes (see `isLoginForm`).
  if (LOGIN_PATH.test(route.path)) return 'login';
  if (route.path === '/' || route.path === '') {
    if (LOGOUT_FILE.test(fileName)) return 'logout';
    if (LOGIN_FILE.test(fileName) && route.method !== 'get') return 'login';
  }
  return undefined;
}

function nameKind(name: string): HandlerKind | undefined {
  return LOGIN_NAME.test(name) ? 'login' : LOGOUT_NAME.test(name) ? 'logout' : undefined;
}

/** A class, not an object literal: handlers are kept with the model (see `indexFile` in ast.ts). */
class FoundHandler implements Handler {
  constructor(readonly fn: t.Function, readonly kind: HandlerKind, readonly anchor: t.Node, readonly route: Route | undefined) {}
}

interface Registration { route: Route; anchor: t.Node; args: t.Node[] }

class HandlerFinder {
  private readonly out: Handler[] = [];
  private readonly seen = new Set<t.Node>();
  private declarations?: Map<string, t.FunctionDeclaration>;
  private classes?: Map<string, t.Class>;
  private references?: { names: Map<string, number>; thisNames: Set<string> };

  constructor(private readonly model: FileModel) {}

  find(): FileHandlers {
    const passportLogins: t.CallExpression[] = [];
    const { model } = this;
    for (const call of model.index.calls) {
      const reg = this.registration(call);
      if (!reg) continue;
      const kind = routeKind(reg.route, model.fileName);
      const last = reg.args[reg.args.length - 1];
      const fn = last ? this.resolveFn(last, 0) : undefined;
      if (kind && fn) this.add(fn, kind, reg.anchor, reg.route);
      // passport.authenticate() on `GET /login` starts an OAuth redirect; the login happens on the callback.
      if ((kind === 'login' && reg.route.method !== 'get') || CALLBACK_PATH.test(reg.route.path)) {
        for (const arg of reg.args) {
          const a = unwrap(arg);
          if (a.type === 'CallExpression' && this.isPassportAuthenticate(a)) passportLogins.push(a);
        }
      }
    }
    this.decoratedMethods();
    this.nextRouteFile();
    this.namedFunctions();
    return { handlers: this.out, passportLogins };
  }

  private add(fn: t.Function, kind: HandlerKind, anchor: t.Node, route?: Route): void {
    if (this.seen.has(fn)) return;
    this.seen.add(fn);
    this.out.push(new FoundHandler(fn, kind, anchor, route));
  }

  /** `x.post('/login', ...)`, `x.route('/login').post(...)`, `x.route({ method, url, handler })`. */
  private registration(call: t.CallExpression): Registration | undefined {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
    const method = memberName(callee)?.toLowerCase();
    if (!method) return undefined;
    const args = call.arguments as t.Node[];
    if (ROUTE_METHODS.has(method)) {
      // `router.route('/login').get(a).post(b)`: the path is on the `route()` call below the chain.
      let object = unwrap(callee.object);
      while (object.type === 'CallExpression' && ROUTE_METHODS.has(memberName(object.callee)?.toLowerCase() ?? '')) object = unwrap((object.callee as t.MemberExpression).object);
      if (object.type === 'CallExpression' && memberName(object.callee) === 'route' && object.arguments[0]) {
        const path = this.pathOf(object.arguments[0]);
        if (path !== undefined && args.length >= 1) return { route: { method, path }, anchor: object.arguments[0], args };
      }
      if (args.length < 2) return undefined;
      let pathIndex = 0;
      // koa-router's named routes: `router.post('login', '/login', handler)`.
      if (args.length >= 3 && this.pathOf(args[1]) !== undefined && this.pathOf(args[0]) !== undefined) pathIndex = 1;
      const path = this.pathOf(args[pathIndex]);
      if (path === undefined) return undefined;
      return { route: { method, path }, anchor: args[pathIndex], args: args.slice(pathIndex + 1) };
    }
    if (method === 'route' && args.length === 1 && unwrap(args[0]).type === 'ObjectExpression') {
      const v = this.model.evaluator.evaluate(args[0]);
      if (v.k !== 'obj') return undefined;
      const pathValue = v.obj.value('url') ?? v.obj.value('path');
      const path = pathValue ? knownString(pathValue) : undefined;
      const handler = v.obj.get('handler');
      if (path === undefined || !handler) return undefined;
      const m = v.obj.value('method');
      const methods = m?.k === 'arr' ? m.elements.map(knownString) : [m ? knownString(m) : 'all'];
      const post = methods.find((x) => x && x.toLowerCase() !== 'get');
      const routeMethod = (post ?? methods[0] ?? 'all').toLowerCase();
      const handlerNode = handler.prop?.type === 'ObjectMethod' ? handler.prop : handler.value.node;
      return { route: { method: routeMethod, path }, anchor: pathValue!.node, args: [handlerNode] };
    }
    return undefined;
  }

  private pathOf(node: t.Node): string | undefined {
    const n = unwrap(node);
    if (n.type !== 'StringLiteral' && n.type !== 'TemplateLiteral' && n.type !== 'Identifier') return undefined;
    const path = knownString(this.model.evaluator.evaluate(n));
    return path !== undefined && (path === '' || path.startsWith('/') || /^[\w-]+(\/|$)/.test(path)) ? path : undefined;
  }

  private isPassportAuthenticate(call: t.CallExpression): boolean {
    const callee = unwrap(call.callee);
    if (memberName(callee) !== 'authenticate') return false;
    const object = unwrap((callee as t.MemberExpression).object);
    const ref = this.model.bindings.resolve(object);
    if (!(ref?.module === 'passport' || (object.type === 'Identifier' && object.name === 'passport'))) return false;
    const options = call.arguments[1];
    if (options && options.type !== 'SpreadElement' && options.type !== 'ArgumentPlaceholder') {
      const v = this.model.evaluator.evaluate(options);
      const session = v.k === 'obj' ? v.obj.value('session') : undefined;
      if (session?.k === 'bool' && !session.v) return false;
    }
    return true;
  }

  /** The function a route argument stands for, following references, wrappers and delegating arrows. */
  private resolveFn(node: t.Node, depth: number): t.Function | undefined {
    if (depth > 4) return undefined;
    const n = unwrap(node);
    if (isFunctionNode(n)) return this.delegate(n, depth) ?? n;
    if (n.type === 'Identifier') {
      const decl = this.functionDeclarations().get(n.name);
      if (decl) return decl;
      const init = this.model.evaluator.declaration(n.name, n)?.init;
      if (!init) return undefined;
      const value = unwrap(init);
      return isFunctionNode(value) ? this.resolveFn(value, depth + 1) : value.type === 'CallExpression' ? this.resolveFn(value, depth + 1) : undefined;
    }
    if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') return this.member(n, depth);
    if (n.type === 'CallExpression') {
      // `this.login.bind(this)`
      if (memberName(n.callee) === 'bind') return this.resolveFn((unwrap(n.callee) as t.MemberExpression).object, depth + 1);
      if (this.isPassportAuthenticate(n)) return undefined;
      // `asyncHandler(async (req, res) => { ... })`, `catchAsync(controller.login)`
      for (const a of n.arguments) {
        if (a.type === 'SpreadElement' || a.type === 'ArgumentPlaceholder') continue;
        const u = unwrap(a);
        if (isFunctionNode(u) || u.type === 'Identifier' || u.type === 'MemberExpression') {
          const fn = this.resolveFn(u, depth + 1);
          if (fn) return fn;
        }
      }
    }
    return undefined;
  }

  /** `(req, res) => this.handleLogin(req, res)`: the method it only calls. */
  private delegate(fn: t.Function, depth: number): t.Function | undefined {
    let body: t.Node = fn.body;
    if (body.type === 'BlockStatement') {
      if (body.body.length !== 1) return undefined;
      const only = body.body[0];
      if (only.type === 'ExpressionStatement') body = only.expression;
      else if (only.type === 'ReturnStatement' && only.argument) body = only.argument;
      else return undefined;
    }
    body = unwrap(body);
    if (body.type === 'AwaitExpression') body = unwrap(body.argument);
    if (body.type !== 'CallExpression') return undefined;
    const callee = unwrap(body.callee);
    if (callee.type !== 'Identifier' && callee.type !== 'MemberExpression') return undefined;
    // Only calls that pass the request on: `this.login(req, res)`.
    const first = fn.params[0];
    if (first?.type !== 'Identifier' || !body.arguments.some((a) => a.type === 'Identifier' && a.name === first.name)) return undefined;
    const target = this.resolveFn(callee, depth + 1);
    return target && target !== fn ? target : undefined;
  }

  /** `this.login`, `controller.login` (an object literal, a `new Class()` or a class of this file). */
  private member(n: t.MemberExpression | t.OptionalMemberExpression, depth: number): t.Function | undefined {
    const name = propertyName(n.property, n.computed);
    if (name === undefined) return undefined;
    const object = unwrap(n.object);
    if (object.type === 'ThisExpression') {
      const cls = this.enclosingClass(n);
      return cls ? classMember(cls, name) : undefined;
    }
    if (object.type !== 'Identifier') return undefined;
    const cls = this.classNamed(object.name);
    if (cls) return classMember(cls, name);
    const v = this.model.evaluator.evaluate(object);
    if (v.k === 'obj') {
      const p = v.obj.get(name);
      if (p?.prop?.type === 'ObjectMethod') return p.prop;
      return p ? this.resolveFn(p.value.node, depth + 1) : undefined;
    }
    if (v.k === 'new' && v.node.callee.type === 'Identifier') {
      const created = this.classNamed(v.node.callee.name);
      return created ? classMember(created, name) : undefined;
    }
    return undefined;
  }

  private enclosingClass(node: t.Node): t.Class | undefined {
    for (let p = this.model.index.parents.get(node); p; p = this.model.index.parents.get(p)) {
      if (p.type === 'ClassDeclaration' || p.type === 'ClassExpression') return p;
    }
    return undefined;
  }

  private classNamed(name: string): t.Class | undefined {
    if (!this.classes) {
      this.classes = new Map();
      for (const fn of this.model.index.functions) {
        if (fn.type !== 'ClassMethod' && this.model.index.parents.get(fn)?.type !== 'ClassProperty') continue;
        const cls = this.enclosingClass(fn);
        const id = cls && className(this.model, cls);
        if (cls && id && !this.classes.has(id)) this.classes.set(id, cls);
      }
    }
    return this.classes.get(name);
  }

  private functionDeclarations(): Map<string, t.FunctionDeclaration> {
    if (!this.declarations) {
      this.declarations = new Map();
      for (const f of this.model.index.functions) if (f.type === 'FunctionDeclaration' && f.id && !this.declarations.has(f.id.name)) this.declarations.set(f.id.name, f);
    }
    return this.declarations;
  }

  /**
   * Next.js route files: `app/.../logout/route.ts` exporting `POST`, `GET`, ... (App Router), and
   * `pages/api/.../login.ts` exporting a default handler (Pages Router). The route's path is the file's.
   */
  private nextRouteFile(): void {
    const file = this.model.fileName.replace(/\\/g, '/');
    const app = /(?:^|\/)app(\/.*?)\/route\.[cm]?[jt]sx?$/.exec(file);
    const pages = app ? null : /(?:^|\/)pages(\/api\/.*?)(?:\/index)?\.[cm]?[jt]sx?$/.exec(file);
    if (!app && !pages) return;
    // Route groups `(auth)` do not show in the URL.
    const path = (app ?? pages)![1].replace(/\/\([^/]*\)/g, '') || '/';
    for (const statement of this.model.file.program.body) {
      if (pages && statement.type === 'ExportDefaultDeclaration') {
        const fn = this.resolveFn(statement.declaration, 0);
        const route: Route = { method: 'all', path };
        const kind = routeKind(route, file);
        if (fn && kind) this.add(fn, kind, fn.type === 'FunctionDeclaration' && fn.id ? fn.id : statement, route);
      }
      if (!app || statement.type !== 'ExportNamedDeclaration' || !statement.declaration) continue;
      const d = statement.declaration;
      const named: [t.Identifier, t.Node][] = d.type === 'FunctionDeclaration' && d.id ? [[d.id, d]]
        : d.type === 'VariableDeclaration' ? d.declarations.flatMap((x) => (x.id.type === 'Identifier' && x.init ? [[x.id, x.init] as [t.Identifier, t.Node]] : [])) : [];
      for (const [id, value] of named) {
        if (!/^(GET|POST|PUT|PATCH|DELETE)$/.test(id.name)) continue;
        const fn = this.resolveFn(value, 0);
        const route: Route = { method: id.name.toLowerCase(), path };
        const kind = routeKind(route, file);
        if (fn && kind) this.add(fn, kind, id, route);
      }
    }
  }

  /** Nest controllers: `@Post('login') login(@Req() req) {}`. */
  private decoratedMethods(): void {
    for (const fn of this.model.index.functions) {
      if (fn.type !== 'ClassMethod' || !fn.decorators?.length) continue;
      for (const d of fn.decorators) {
        const e = unwrap(d.expression);
        if (e.type !== 'CallExpression' || e.callee.type !== 'Identifier' || !DECORATOR_METHODS.has(e.callee.name)) continue;
        const arg = e.arguments[0];
        const own = arg ? knownString(this.model.evaluator.evaluate(arg)) ?? '' : '';
        const route: Route = { method: e.callee.name.toLowerCase(), path: `${this.controllerPrefix(fn)}/${own}`.replace(/\/+/g, '/') };
        const kind = routeKind(route, this.model.fileName);
        if (kind) this.add(fn, kind, arg ?? fn.key, route);
      }
    }
  }

  private controllerPrefix(fn: t.ClassMethod): string {
    const cls = this.enclosingClass(fn);
    for (const d of cls?.decorators ?? []) {
      const e = unwrap(d.expression);
      if (e.type === 'CallExpression' && e.callee.type === 'Identifier' && e.callee.name === 'Controller' && e.arguments[0]) {
        return knownString(this.model.evaluator.evaluate(e.arguments[0])) ?? '';
      }
    }
    return '';
  }

  /** Functions named like a login or logout, when the file exports, registers or calls them. */
  private namedFunctions(): void {
    for (const fn of this.model.index.functions) {
      if (this.seen.has(fn) || !this.mayBeNamedHandler(fn)) continue;
      const named = this.nameOf(fn);
      if (!named) continue;
      const kind = nameKind(named.id.name);
      if (!kind) continue;
      if (named.reachable()) this.add(fn, kind, named.id);
    }
  }

  /**
   * Whether any name `fn` has where it is defined reads like a login or logout: the cheap test before `nameOf`,
   * which looks up the function's parent (most functions are callbacks, with no such name).
   */
  private mayBeNamedHandler(fn: t.Function): boolean {
    const own = (fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') ? fn.id
      : (fn.type === 'ObjectMethod' || fn.type === 'ClassMethod') && fn.key.type === 'Identifier' ? fn.key : null;
    if (own && nameKind(own.name)) return true;
    const given = this.model.index.functionNames.get(fn);
    return given !== undefined && nameKind(given.name) !== undefined;
  }

  private nameOf(fn: t.Function): { id: t.Identifier; reachable: () => boolean } | undefined {
    const parents = this.model.index.parents;
    const parent = parents.get(fn);
    if (fn.type === 'FunctionDeclaration') {
      const id = fn.id;
      if (!id) return undefined;
      return { id, reachable: () => isExportStatement(parent) || this.referenced(id.name) };
    }
    if (fn.type === 'ObjectMethod') {
      if (fn.key.type !== 'Identifier' || fn.computed) return undefined;
      const obj = parent;
      return { id: fn.key, reachable: () => obj?.type === 'ObjectExpression' && this.objectReachable(obj, 0) };
    }
    if (fn.type === 'ClassMethod') {
      if (fn.key.type !== 'Identifier' || fn.computed || fn.kind !== 'method') return undefined;
      const id = fn.key;
      return { id, reachable: () => this.classMemberReachable(fn, id.name) };
    }
    if (!parent) return undefined;
    if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') {
      const id = parent.id;
      return { id, reachable: () => isExportStatement(parents.get(parents.get(parent) ?? parent)) || this.referenced(id.name) };
    }
    if (parent.type === 'ObjectProperty' && parent.value === fn && parent.key.type === 'Identifier' && !parent.computed) {
      const obj = parents.get(parent);
      return { id: parent.key, reachable: () => obj?.type === 'ObjectExpression' && this.objectReachable(obj, 0) };
    }
    if ((parent.type === 'ClassProperty' || parent.type === 'ClassPrivateProperty') && parent.value === fn) {
      const key = parent.key;
      if (key.type !== 'Identifier') return undefined;
      return { id: key, reachable: () => this.classMemberReachable(parent, key.name) };
    }
    if (parent.type === 'AssignmentExpression' && parent.right === fn) {
      const left = unwrap(parent.left);
      // `exports.login = ...`, `Controller.prototype.login = ...`, `router.logout = ...`: attached, so reachable.
      if (left.type === 'MemberExpression' && left.property.type === 'Identifier' && !left.computed) return { id: left.property, reachable: () => true };
      if (left.type === 'Identifier') return { id: left, reachable: () => this.referenced(left.name) };
      return undefined;
    }
    // A named function expression passed or exported directly: `withIronSessionApiRoute(function loginRoute() {})`.
    if ((fn.type === 'FunctionExpression') && fn.id) return { id: fn.id, reachable: () => true };
    return undefined;
  }

  private objectReachable(obj: t.ObjectExpression, depth: number): boolean {
    if (depth > 4) return true;
    const parents = this.model.index.parents;
    const parent = parents.get(obj);
    if (parent?.type === 'VariableDeclarator') {
      return parent.id.type !== 'Identifier' || isExportStatement(parents.get(parents.get(parent) ?? parent)) || this.referenced(parent.id.name);
    }
    if (parent?.type === 'ObjectProperty') {
      const outer = parents.get(parent);
      return outer?.type === 'ObjectExpression' ? this.objectReachable(outer, depth + 1) : true;
    }
    // Exported, assigned, passed, returned: reachable. A bare expression statement is not.
    return parent?.type !== 'ExpressionStatement';
  }

  private classMemberReachable(member: t.Node, name: string): boolean {
    if (this.refs().thisNames.has(name)) return true;
    const cls = this.enclosingClass(member);
    if (!cls) return false;
    const parents = this.model.index.parents;
    const parent = parents.get(cls);
    if (isExportStatement(parent)) return true;
    const nameOfClass = className(this.model, cls);
    if (nameOfClass) return this.referenced(nameOfClass) || (parent?.type === 'VariableDeclarator' && isExportStatement(parents.get(parents.get(parent) ?? parent)));
    return parent?.type !== 'ExpressionStatement';
  }

  private referenced(name: string): boolean {
    return (this.refs().names.get(name) ?? 0) > 0;
  }

  /**
   * Identifiers in reference positions (not a declaration's name, a property key or a `.member`), and the
   * members read through `this.`: one walk of the file, on first need.
   */
  private refs(): { names: Map<string, number>; thisNames: Set<string> } {
    if (this.references) return this.references;
    const names = new Map<string, number>();
    const thisNames = new Set<string>();
    const skip = new Set<t.Node>();
    walk(this.model.file.program, (node) => {
      switch (node.type) {
        case 'Identifier':
          if (!skip.has(node)) names.set(node.name, (names.get(node.name) ?? 0) + 1);
          return false;
        case 'MemberExpression': case 'OptionalMemberExpression':
          if (!node.computed) {
            skip.add(node.property);
            if (unwrap(node.object).type === 'ThisExpression' && node.property.type === 'Identifier') thisNames.add(node.property.name);
          }
          return;
        case 'FunctionDeclaration': case 'FunctionExpression': case 'ClassDeclaration': case 'ClassExpression':
          if (node.id) skip.add(node.id);
          if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') for (const p of node.params) if (p.type === 'Identifier') skip.add(p);
          return;
        case 'ArrowFunctionExpression':
          for (const p of node.params) if (p.type === 'Identifier') skip.add(p);
          return;
        case 'VariableDeclarator':
          if (node.id.type === 'Identifier') skip.add(node.id);
          return;
        case 'ObjectProperty':
          if (!node.computed && !node.shorthand) skip.add(node.key);
          else if (node.shorthand && node.key !== node.value) skip.add(node.key);
          return;
        case 'ObjectMethod': case 'ClassMethod': case 'ClassProperty': case 'ClassPrivateProperty': case 'ClassPrivateMethod':
          if (!('computed' in node) || !node.computed) skip.add(node.key);
          if (node.type === 'ObjectMethod' || node.type === 'ClassMethod') for (const p of node.params) if (p.type === 'Identifier') skip.add(p);
          return;
        case 'ImportSpecifier': case 'ImportDefaultSpecifier': case 'ImportNamespaceSpecifier':
          return false;
        case 'ExportSpecifier':
          skip.add(node.exported);
          return;
        default:
          return;
      }
    });
    this.references = { names, thisNames };
    return this.references;
  }
}

function isExportStatement(node: t.Node | undefined): boolean {
  return node?.type === 'ExportNamedDeclaration' || node?.type === 'ExportDefaultDeclaration';
}

function className(model: FileModel, cls: t.Class): string | undefined {
  if (cls.id) return cls.id.name;
  const parent = model.index.parents.get(cls);
  return parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : undefined;
}

/** A method, or a property holding a function, named `name` in the class body. */
function classMember(cls: t.Class, name: string): t.Function | undefined {
  for (const m of cls.body.body) {
    if (m.type === 'ClassMethod' && !m.computed && propertyName(m.key, false) === name) return m;
    if ((m.type === 'ClassProperty') && !m.computed && propertyName(m.key, false) === name && m.value) {
      const v = unwrap(m.value);
      if (isFunctionNode(v)) return v;
    }
  }
  return undefined;
}

/** The request parameter's name (`req`, `request`, `ctx`), when the handler's first parameter is a plain name. */
export function requestName(fn: t.Function): string | undefined {
  const p = fn.params[0];
  return p?.type === 'Identifier' ? p.name : undefined;
}

