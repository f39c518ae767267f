// Which local names stand for which module: every import form (ESM default/named/namespace, require in any
// position, destructured require, `import x = require()`, dynamic import) resolved to a module and a path.
import type * as t from '@babel/types';
import { FileIndex, propertyName, unwrap } from './ast';

/** A module reference: `path` [] is the module object (CommonJS export or ESM namespace). */
export interface ModuleRef {
  module: string;
  path: string[];
}

export class Bindings {
  private readonly names = new Map<string, ModuleRef>();
  readonly modules = new Set<string>();

  constructor(private readonly index: FileIndex) {
    for (const decl of index.imports) {
      const module = decl.source.value;
      this.modules.add(module);
      if (decl.importKind === 'type') continue;
      for (const spec of decl.specifiers) {
        if (spec.type === 'ImportDefaultSpecifier') this.names.set(spec.local.name, { module, path: ['default'] });
        else if (spec.type === 'ImportNamespaceSpecifier') this.names.set(spec.local.name, { module, path: [] });
        else if (spec.importKind !== 'type') {
          const imported = spec.imported.type === 'Identifier' ? spec.imported.name : spec.imported.value;
          this.names.set(spec.local.name, { module, path: [imported] });
        }
      }
    }
    for (const decl of index.tsImportEquals) {
      if (decl.moduleReference.type === 'TSExternalModuleReference') {
        const module = decl.moduleReference.expression.value;
        this.modules.add(module);
        this.names.set(decl.id.name, { module, path: [] });
      }
    }
    for (const call of index.calls) {
      const module = requiredModule(call);
      if (module !== undefined) this.modules.add(module);
    }
    for (const list of index.declarators.values()) {
      for (const d of list) if (d.init && mayReferToModule(d.init)) this.bindPattern(d.id, d.init);
    }
    // Destructuring patterns are not in `declarators` (indexed by identifier name only).
    for (const d of index.patternDeclarators) this.bindPattern(d.id, d.init);
    for (const a of index.assignments) {
      if (a.operator === '=' && a.left.type === 'Identifier' && !this.names.has(a.left.name)) {
        const ref = this.resolve(a.right);
        if (ref) this.names.set(a.left.name, ref);
      }
    }
  }

  private bindPattern(id: t.LVal | t.VoidPattern, init: t.Expression | null | undefined): void {
    if (!init) return;
    if (id.type === 'Identifier') {
      const ref = this.resolveDirect(init);
      if (ref) this.names.set(id.name, ref);
      return;
    }
    if (id.type !== 'ObjectPattern') return;
    const base = this.resolveDirect(init);
    if (!base) return;
    for (const prop of id.properties) {
      if (prop.type !== 'ObjectProperty') continue;
      const key = propertyName(prop.key, prop.computed);
      const value = prop.value.type === 'AssignmentPattern' ? prop.value.left : prop.value;
      if (key !== undefined && value.type === 'Identifier') this.names.set(value.name, { module: base.module, path: [...base.path, key] });
    }
  }

  /** A module reference for `node` without following local variables (used while building the table). */
  private resolveDirect(node: t.Node): ModuleRef | undefined {
    const n = unwrap(node);
    if (n.type === 'AwaitExpression' && n.argument) return this.resolveDirect(n.argument);
    if (n.type === 'CallExpression') {
      const module = requiredModule(n) ?? (isDynamicImport(n) ? stringArg(n) : undefined);
      if (module !== undefined) return { module, path: [] };
      return undefined;
    }
    if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
      const name = propertyName(n.property, n.computed);
      const base = name === undefined ? undefined : this.resolveDirect(n.object);
      return base && name !== undefined ? { module: base.module, path: [...base.path, name] } : undefined;
    }
    return undefined;
  }

  /** The module an expression refers to: a bound name, `require('m')`, `ns.member`, aliases of those. */
  resolve(node: t.Node, depth = 0): ModuleRef | undefined {
    if (depth > 6) return undefined;
    const n = unwrap(node);
    if (n.type === 'Identifier') {
      const bound = this.names.get(n.name);
      if (bound) return bound;
      const decls = this.index.declarators.get(n.name);
      if (decls?.length === 1 && decls[0].init && !this.index.reassigned.has(n.name)) return this.resolve(decls[0].init, depth + 1);
      return undefined;
    }
    if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
      const name = propertyName(n.property, n.computed);
      const base = name === undefined ? undefined : this.resolve(n.object, depth + 1);
      return base && name !== undefined ? { module: base.module, path: [...base.path, name] } : undefined;
    }
    if (n.type === 'SequenceExpression') return this.resolve(n.expressions[n.expressions.length - 1], depth + 1);
    return this.resolveDirect(n);
  }
}

/** Cheap test before `resolveDirect`: only calls, awaits, member accesses and TypeScript wrappers can be a module. */
function mayReferToModule(init: t.Node): boolean {
  const n = unwrap(init);
  return n.type === 'CallExpression' || n.type === 'AwaitExpression' || n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression';
}

/** The module name of `require('m')` (also `module.require`), else undefined. */
export function requiredModule(call: t.CallExpression): string | undefined {
  const callee = unwrap(call.callee);
  const isRequire = (callee.type === 'Identifier' && callee.name === 'require')
    || (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && callee.object.name === 'module' && propertyName(callee.property, callee.computed) === 'require');
  return isRequire ? stringArg(call) : undefined;
}

function isDynamicImport(call: t.CallExpression): boolean {
  return call.callee.type === 'Import';
}

function stringArg(call: t.CallExpression): string | undefined {
  const arg = call.arguments[0];
  if (!arg) return undefined;
  if (arg.type === 'StringLiteral') return arg.value;
  if (arg.type === 'TemplateLiteral' && arg.expressions.length === 0) return arg.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** True when `ref` is the module's main export: the CommonJS export, the ESM default, or `.default` of either. */
export function isDefaultExport(ref: ModuleRef | undefined, modules: readonly string[]): boolean {
  if (!ref || !modules.includes(ref.module)) return false;
  return ref.path.length === 0 || (ref.path.length === 1 && ref.path[0] === 'default')
    || (ref.path.length === 2 && ref.path[0] === 'default' && ref.path[1] === 'default');
}

/** True when `ref` is the named export `name` of one of `modules` (`m.name`, `{ name }`, `m.default.name`). */
export function isNamedExport(ref: ModuleRef | undefined, modules: readonly string[], name: string): boolean {
  if (!ref || !modules.includes(ref.module)) return false;
  const path = ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
  return path.length === 1 && path[0] === name;
}
