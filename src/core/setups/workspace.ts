// Values across the files of a workspace: the linter's one-file evaluator (FileModel, Evaluator) plus module
// resolution between the given files, so an option imported from a config module, a store created in another
// file or a helper that returns the options is followed to where it is written.
import { posix } from 'node:path';
import type * as t from '@babel/types';
import { memberChain, propertyName, unwrap } from '../lint/ast';
import type { ModuleRef } from '../lint/bindings';
import { FileModel } from '../lint/model';
import { parseSource } from '../lint/parse';
import { leaves, type Value } from '../lint/values';
import type { SetupSourceFile } from './types';

/** A value and the file it was evaluated in (its nodes belong to that file's tree). */
export interface Located {
  model: FileModel;
  value: Value;
}

/** How many modules, calls and aliases a value is followed through before it is called unknown. */
const MAX_HOPS = 10;
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export function normalizePath(p: string): string {
  return posix.normalize(p.replace(/\\/g, '/'));
}

export class SetupWorkspace {
  private readonly texts = new Map<string, string>();
  private readonly models = new Map<string, FileModel | null>();

  constructor(files: readonly SetupSourceFile[]) {
    for (const f of files) this.texts.set(normalizePath(f.path), f.text);
  }

  get paths(): string[] {
    return [...this.texts.keys()];
  }

  text(path: string): string | undefined {
    return this.texts.get(path);
  }

  /** The analyzer's model of a file, parsed on first use; undefined when the file is unknown or does not parse. */
  model(path: string): FileModel | undefined {
    if (this.models.has(path)) return this.models.get(path) ?? undefined;
    const text = this.texts.get(path);
    let model: FileModel | null = null;
    if (text !== undefined) {
      try {
        model = new FileModel(text, parseSource(text, path), path, {});
      } catch {
        model = null;
      }
    }
    this.models.set(path, model);
    return model ?? undefined;
  }

  /**
   * The file a specifier names from `from`: relative paths (with or without extension, `./x.js` for `x.ts`,
   * `dir/index.*`) and the usual root aliases (`@/x`, `~/x`, `src/x`). Packages are not files of the app.
   */
  resolveModule(from: string, specifier: string): string | undefined {
    let bases: string[];
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      bases = [posix.join(posix.dirname(from), specifier)];
    } else if (/^[@~#]\//.test(specifier)) {
      const rest = specifier.slice(2);
      bases = this.roots(from).flatMap((root) => [posix.join(root, rest), posix.join(root, 'src', rest)]);
    } else if (/^(src|app|lib|server|config)\//.test(specifier)) {
      bases = this.roots(from).map((root) => posix.join(root, specifier));
    } else {
      return undefined;
    }
    for (const base of bases) {
      const stripped = base.replace(/\.(c|m)?js$/, '');
      const candidates = [base, ...EXTENSIONS.map((e) => stripped + e), ...EXTENSIONS.map((e) => `${base}/index${e}`)];
      for (const c of candidates) if (this.texts.has(normalizePath(c))) return normalizePath(c);
    }
    return undefined;
  }

  /** The directories above `from`, nearest first, up to the workspace root. */
  private roots(from: string): string[] {
    const out: string[] = [];
    for (let dir = posix.dirname(from); ; dir = posix.dirname(dir)) {
      out.push(dir);
      if (dir === '.' || dir === '/' || dir === posix.dirname(dir)) break;
    }
    return out;
  }

  /** The value `ref` names, when its module is a file of the workspace. */
  resolveRef(from: FileModel, ref: ModuleRef, hops = 0): Located | undefined {
    if (hops > MAX_HOPS) return undefined;
    const path = this.resolveModule(from.fileName, ref.module);
    const model = path === undefined ? undefined : this.model(path);
    if (!model) return undefined;
    let rest: string[];
    let start: Located | undefined;
    if (ref.path.length === 0) {
      start = this.moduleObject(model, hops);
      rest = [];
    } else if (ref.path[0] === 'default') {
      start = this.exported(model, 'default', hops);
      rest = ref.path.slice(1);
    } else {
      start = this.exported(model, ref.path[0], hops);
      rest = ref.path.slice(1);
    }
    for (const key of rest) {
      if (!start) return undefined;
      start = this.member(start, key, hops + 1);
    }
    return start;
  }

  /** `module.exports = X` / `export = X`. */
  private moduleObject(model: FileModel, hops: number): Located | undefined {
    for (const s of model.file.program.body) {
      if (s.type === 'TSExportAssignment') return { model, value: model.evaluator.evaluate(s.expression) };
    }
    for (const a of model.index.assignments) {
      if (a.operator === '=' && memberChain(a.left)?.join('.') === 'module.exports') {
        return { model, value: model.evaluator.evaluate(a.right, [{ name: 'module', path: ['exports'] }]) };
      }
    }
    void hops;
    return undefined;
  }

  /** An export by name (`default` included), ESM first, then CommonJS (`exports.x`, `module.exports.x`, `module.exports = {x}`). */
  exported(model: FileModel, name: string, hops = 0): Located | undefined {
    if (hops > MAX_HOPS) return undefined;
    const ev = model.evaluator;
    for (const s of model.file.program.body) {
      if (s.type === 'ExportDefaultDeclaration' && name === 'default') {
        const d = s.declaration;
        if (d.type === 'FunctionDeclaration') return { model, value: { k: 'fn', fn: d, node: d } };
        if (d.type === 'ClassDeclaration' || d.type === 'TSDeclareFunction') return undefined;
        return { model, value: ev.evaluate(d) };
      }
      if (s.type === 'ExportNamedDeclaration') {
        const d = s.declaration;
        if (d?.type === 'VariableDeclaration') {
          for (const decl of d.declarations) {
            if (decl.id.type === 'Identifier' && decl.id.name === name && decl.init) return { model, value: ev.evaluate(decl.init, [{ name, path: [] }]) };
          }
        } else if (d?.type === 'FunctionDeclaration' && d.id?.name === name) {
          return { model, value: { k: 'fn', fn: d, node: d } };
        }
        for (const spec of s.specifiers) {
          if (spec.type !== 'ExportSpecifier') continue;
          const exportedName = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
          if (exportedName !== name) continue;
          if (s.source) return this.resolveRef(model, { module: s.source.value, path: [spec.local.name] }, hops + 1);
          return { model, value: this.localValue(model, spec.local) };
        }
      }
    }
    for (const a of model.index.assignments) {
      if (a.operator !== '=') continue;
      const chain = memberChain(a.left)?.join('.');
      if (chain === `exports.${name}` || chain === `module.exports.${name}`) return { model, value: ev.evaluate(a.right) };
    }
    const whole = this.moduleObject(model, hops);
    if (whole) {
      if (name === 'default') return whole;
      const found = this.member(whole, name, hops + 1);
      if (found) return found;
    }
    for (const s of model.file.program.body) {
      if (s.type === 'ExportAllDeclaration' && name !== 'default') {
        const found = this.resolveRef(model, { module: s.source.value, path: [name] }, hops + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** A local name's value, also for functions declared with `function name() {}` (not variables). */
  private localValue(model: FileModel, id: t.Identifier): Value {
    const fn = functionDeclaration(model, id.name);
    if (fn) return { k: 'fn', fn, node: fn };
    const v = model.evaluator.evaluate(id);
    if (v.k !== 'unknown') return v;
    const decl = model.index.declarators.get(id.name);
    if (decl?.length === 1 && decl[0].init) return model.evaluator.evaluate(decl[0].init, [{ name: id.name, path: [] }]);
    return v;
  }

  /**
   * Follows a value to where it is written: imports of workspace files, calls of functions that return a
   * value (`createSessionOptions()`), `Buffer.from(x)`, aliases of `process.env` (`const env = process.env`,
   * `const { X } = process.env`, `schema.parse(process.env)`).
   */
  deref(loc: Located, hops = 0): Located {
    let cur = loc;
    for (let i = hops; i <= MAX_HOPS; i++) {
      const next = this.step(cur, i);
      if (!next) return cur;
      cur = next;
    }
    return cur;
  }

  private step(loc: Located, hops: number): Located | undefined {
    const { model, value } = loc;
    if (value.k === 'module') return this.resolveRef(model, value.ref, hops + 1);
    if (value.k !== 'unknown') return undefined;
    const n = unwrap(value.node);
    if (n.type === 'AwaitExpression' && n.argument) return { model, value: model.evaluator.evaluate(n.argument) };
    if (n.type === 'Identifier') {
      const fn = functionDeclaration(model, n.name);
      if (fn) return { model, value: { k: 'fn', fn, node: fn } };
      // `const { SESSION_SECRET } = process.env` / `= env` (an env object)
      for (const d of model.index.patternDeclarators) {
        if (d.id.type !== 'ObjectPattern' || !d.init) continue;
        for (const p of d.id.properties) {
          if (p.type !== 'ObjectProperty') continue;
          const target = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
          if (target.type !== 'Identifier' || target.name !== n.name) continue;
          const key = propertyName(p.key, p.computed);
          if (key === undefined) return undefined;
          return this.member({ model, value: model.evaluator.evaluate(d.init) }, key, hops + 1);
        }
      }
      return undefined;
    }
    if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
      const key = propertyName(n.property, n.computed);
      if (key === undefined) return undefined;
      return this.member({ model, value: model.evaluator.evaluate(n.object) }, key, hops + 1);
    }
    if (n.type === 'CallExpression') {
      const callee = memberChain(n.callee)?.join('.');
      const first = n.arguments[0];
      if (callee === 'Buffer.from' && first && first.type !== 'SpreadElement' && first.type !== 'ArgumentPlaceholder') return undefined;
      // `envSchema.parse(process.env)`, `cleanEnv(process.env, …)`: an object of env variables.
      if (first && first.type !== 'SpreadElement' && first.type !== 'ArgumentPlaceholder') {
        const arg = model.evaluator.evaluate(first);
        if (arg.k === 'env' && arg.name === undefined) return { model, value: arg };
      }
      const fn = this.deref({ model, value: model.evaluator.evaluate(n.callee) }, hops + 1);
      if (fn.value.k === 'fn') return returned(fn.model, fn.value.fn);
    }
    return undefined;
  }

  /** `obj.key` of a value, across files; spreads of imported objects included. */
  member(loc: Located, key: string, hops = 0): Located | undefined {
    if (hops > MAX_HOPS) return undefined;
    const d = this.deref(loc, hops);
    const v = d.value;
    if (v.k === 'obj') {
      const own = v.obj.value(key);
      if (own) return { model: d.model, value: own };
      if (!v.obj.complete && v.obj.node) {
        const props = v.obj.node.properties;
        for (let i = props.length - 1; i >= 0; i--) {
          const p = props[i];
          if (p.type !== 'SpreadElement') continue;
          const found = this.member({ model: d.model, value: d.model.evaluator.evaluate(p.argument) }, key, hops + 1);
          if (found) return found;
        }
      }
      return undefined;
    }
    if (v.k === 'env' && v.name === undefined) return { model: d.model, value: { k: 'env', name: key, node: v.node } };
    if (v.k === 'module') return { model: d.model, value: { k: 'module', ref: { module: v.ref.module, path: [...v.ref.path, key] }, node: v.node } };
    return undefined;
  }

  /** Every value a located value may take (conditionals, fallbacks, later assignments), each followed. */
  leaves(loc: Located): Located[] {
    const d = this.deref(loc);
    const all = leaves(d.value);
    if (all.length === 1 && all[0] === d.value) return [d];
    return all.flatMap((v) => this.leaves({ model: d.model, value: v }));
  }
}

/** A top-level `function name() {}` (exported or not). */
function functionDeclaration(model: FileModel, name: string): t.FunctionDeclaration | undefined {
  for (const s of model.file.program.body) {
    const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : s;
    if (d?.type === 'FunctionDeclaration' && d.id?.name === name) return d;
  }
  return undefined;
}

/** The value a function returns: an arrow's expression body, or its only (or last) `return`. */
function returned(model: FileModel, fn: t.Function): Located | undefined {
  if (fn.body.type !== 'BlockStatement') return { model, value: model.evaluator.evaluate(fn.body) };
  for (let i = fn.body.body.length - 1; i >= 0; i--) {
    const s = fn.body.body[i];
    if (s.type === 'ReturnStatement' && s.argument) return { model, value: model.evaluator.evaluate(s.argument) };
  }
  return undefined;
}
