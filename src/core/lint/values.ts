// Static values of expressions: literals, same-file constants, `process.env`, fallbacks, conditionals,
// object literals with spreads, and later member assignments (`opts.cookie.secure = true`). Anything else
// is `unknown`, and rules stay silent on unknown values.
import type * as t from '@babel/types';
import { Bindings, ModuleRef } from './bindings';
import { FileIndex, isChain, isFunctionNode, memberChain, propertyName, unwrap } from './ast';

export type Value =
  | { k: 'str'; v: string; node: t.Node }
  | { k: 'num'; v: number; node: t.Node }
  | { k: 'bool'; v: boolean; node: t.Node }
  | { k: 'null'; node: t.Node }
  | { k: 'undef'; node: t.Node }
  | { k: 'obj'; obj: ObjectInfo; node: t.Node }
  | { k: 'arr'; elements: Value[]; complete: boolean; node: t.Node }
  | { k: 'env'; name?: string; node: t.Node }
  | { k: 'or'; op: '||' | '??'; left: Value; right: Value; node: t.Node }
  | { k: 'cond'; test: string; then: Value; else: Value; node: t.Node }
  | { k: 'fn'; fn: t.Function; node: t.Node }
  | { k: 'new'; callee?: ModuleRef; node: t.NewExpression }
  | { k: 'module'; ref: ModuleRef; node: t.Node }
  /** The initial value and every later assignment: which one holds at run time is not known. */
  | { k: 'multi'; values: Value[]; node: t.Node }
  | { k: 'unknown'; node: t.Node };

// Values and properties are class instances, made by the functions below, not object literals (and lists of values
// are made with `Array.of`, not array literals): V8 pretenures the
// allocation site of a literal whose objects survive young-generation collections, as every value of one large file
// does while it is analyzed. Every value of the files analyzed after it then went straight to the old generation
// and kept their syntax trees alive there until the next full collection. Class instances have no such site.
class LiteralValue<K extends 'str' | 'num' | 'bool', V> { constructor(readonly k: K, readonly v: V, readonly node: t.Node) {} }
class BareValue<K extends 'null' | 'undef' | 'unknown'> { constructor(readonly k: K, readonly node: t.Node) {} }
class EnvValue { readonly k = 'env'; constructor(readonly name: string | undefined, readonly node: t.Node) {} }
class ObjectValue { readonly k = 'obj'; constructor(readonly obj: ObjectInfo, readonly node: t.Node) {} }
class ArrayValue { readonly k = 'arr'; constructor(readonly elements: Value[], readonly complete: boolean, readonly node: t.Node) {} }
class OrValue { readonly k = 'or'; constructor(readonly op: '||' | '??', readonly left: Value, readonly right: Value, readonly node: t.Node) {} }
class CondValue {
  readonly k = 'cond';
  readonly else: Value;
  constructor(readonly test: string, readonly then: Value, otherwise: Value, readonly node: t.Node) { this.else = otherwise; }
}
class FunctionValue { readonly k = 'fn'; constructor(readonly fn: t.Function, readonly node: t.Node) {} }
class NewValue { readonly k = 'new'; constructor(readonly callee: ModuleRef | undefined, readonly node: t.NewExpression) {} }
class ModuleValue { readonly k = 'module'; constructor(readonly ref: ModuleRef, readonly node: t.Node) {} }
class MultiValue { readonly k = 'multi'; constructor(readonly values: Value[], readonly node: t.Node) {} }

const str = (v: string, node: t.Node): Value => new LiteralValue('str', v, node);
const num = (v: number, node: t.Node): Value => new LiteralValue('num', v, node);
const bool = (v: boolean, node: t.Node): Value => new LiteralValue('bool', v, node);
const unknown = (node: t.Node): Value => new BareValue('unknown', node);
const undef = (node: t.Node): Value => new BareValue('undef', node);

/** A property of an object: see `PropInfo`. */
class Prop implements PropInfo {
  constructor(readonly key: string, readonly value: Value, readonly prop: t.ObjectProperty | t.ObjectMethod | undefined, readonly assigned: Value[]) {}
}

export interface PropInfo {
  key: string;
  value: Value;
  /** The property in an object literal, when the key is written in one (not only assigned later). */
  prop?: t.ObjectProperty | t.ObjectMethod;
  /** Values assigned later (`opts.key = value`), in source order. */
  assigned: Value[];
}

export interface Root { name: string; path: string[] }

const NO_ROOTS: Root[] = [];
const NO_VALUES: Value[] = [];
/** Longest chain of nested evaluations; deeper ones are unknown (only generated code gets near it). */
const MAX_ACTIVE = 256;

export class ObjectInfo {
  constructor(
    readonly props: Map<string, PropInfo>,
    /** False when a spread, computed key or mutation hides part of the object. */
    readonly complete: boolean,
    /** The literal where new properties can be inserted. */
    readonly node: t.ObjectExpression | undefined,
    readonly roots: Root[],
    readonly evaluator: Evaluator,
  ) {}

  /**
   * Answers of `get`, and of `value` where it builds a `multi`, kept when asked outside an evaluation (inside
   * one, a cycle may cut them short). Other answers of `value` are the property's own value: nothing to keep.
   */
  private gotten?: Map<string, PropInfo | undefined>;
  private multis?: Map<string, Value>;
  /** `name.path` of each root, the prefix of the member chains assigned to this object's properties. */
  private rootKeys?: string[];

  /** See `rootKeys`; built on first use. */
  get assignmentPrefixes(): string[] {
    return (this.rootKeys ??= this.roots.length === 0 ? [] : this.roots.map((r) => (r.path.length === 0 ? r.name : `${r.name}.${r.path.join('.')}`)));
  }

  get(key: string): PropInfo | undefined {
    // Without roots nothing is assigned later: the answer is the literal's own property, nothing to keep.
    if (this.roots.length === 0) return this.props.get(key);
    if (this.gotten?.has(key)) return this.gotten.get(key);
    const info = this.lookup(key);
    if (this.evaluator.idle) (this.gotten ??= new Map()).set(key, info);
    return info;
  }

  private lookup(key: string): PropInfo | undefined {
    const own = this.props.get(key);
    const assigned = this.roots.length === 0 ? NO_VALUES : this.evaluator.assignedValues(this, key);
    if (!own && assigned.length === 0) return undefined;
    if (assigned.length === 0) return own;
    return new Prop(key, own ? own.value : undef(assigned[0].node), own?.prop, assigned);
  }

  /** The effective value: the literal one, or `multi` when it is also assigned later. */
  value(key: string): Value | undefined {
    const p = this.get(key);
    if (!p) return undefined;
    if (p.assigned.length === 0) return p.value;
    const kept = this.multis?.get(key);
    if (kept) return kept;
    const v: Value = new MultiValue(p.prop ? Array.of(p.value, ...p.assigned) : p.assigned, p.value.node);
    if (this.evaluator.idle) (this.multis ??= new Map()).set(key, v);
    return v;
  }

  /** Known to be absent: the key is neither written nor assigned, and nothing hides part of the object. */
  missing(key: string): boolean {
    return this.complete && this.get(key) === undefined;
  }

  /** The object under `key` (e.g. `cookie`), when it is known. */
  child(key: string): ObjectInfo | undefined {
    const v = this.value(key);
    return v?.k === 'obj' ? v.obj : undefined;
  }
}

export class Evaluator {
  /** Built on first use: most files never ask about later assignments. */
  private assignmentTables?: { members: Map<string, Map<string, t.AssignmentExpression[]>>; mutatedRoots: Set<string> };
  /** The nodes being evaluated (a short stack: searched from the top, no hashing or allocation per step). */
  private readonly active: t.Node[] = [];

  constructor(private readonly index: FileIndex, readonly bindings: Bindings, readonly source: string) {}

  /** `members`: member assignments by the assigned chain's prefix (`a.b` of `a.b.c = v`), then by its last key. */
  private tables(): { members: Map<string, Map<string, t.AssignmentExpression[]>>; mutatedRoots: Set<string> } {
    if (this.assignmentTables) return this.assignmentTables;
    const members = new Map<string, Map<string, t.AssignmentExpression[]>>();
    const mutatedRoots = new Set<string>();
    for (const a of this.index.assignments) {
      if (a.operator !== '=' || (a.left.type !== 'MemberExpression' && a.left.type !== 'OptionalMemberExpression')) continue;
      const chain = memberChain(a.left);
      if (!chain) {
        const head = memberChain(a.left.object);
        if (head) mutatedRoots.add(head.join('.'));
        continue;
      }
      const prefix = chain.length === 2 ? chain[0] : chain.slice(0, -1).join('.');
      const last = chain[chain.length - 1];
      let byKey = members.get(prefix);
      if (!byKey) members.set(prefix, (byKey = new Map()));
      const list = byKey.get(last);
      if (list) list.push(a); else byKey.set(last, Array.of(a));
    }
    for (const call of this.index.calls) {
      if (call.arguments[0] && isChain(call.callee, 'Object', 'assign')) {
        const target = memberChain(call.arguments[0]);
        if (target) mutatedRoots.add(target.join('.'));
      }
    }
    return (this.assignmentTables = { members, mutatedRoots });
  }

  text(node: t.Node): string {
    return this.source.slice(node.start ?? 0, node.end ?? 0);
  }

  /** True when no evaluation is under way (results computed now do not depend on a cycle being cut). */
  get idle(): boolean {
    return this.active.length === 0;
  }

  /** The values assigned later to `key` of `obj` through any of its roots (`opts.cookie.key = v`), in order. */
  assignedValues(obj: ObjectInfo, key: string): Value[] {
    const { members } = this.tables();
    const prefixes = obj.assignmentPrefixes;
    let out: Value[] | undefined;
    for (let i = 0; i < prefixes.length; i++) {
      const list = members.get(prefixes[i])?.get(key);
      if (!list) continue;
      const r = obj.roots[i];
      for (const a of list) (out ??= Array.of<Value>()).push(this.evaluate(a.right, [{ name: r.name, path: [...r.path, key] }]));
    }
    return out ?? NO_VALUES;
  }

  private isMutated(roots: Root[]): boolean {
    if (roots.length === 0) return false;
    const { mutatedRoots } = this.tables();
    if (mutatedRoots.size === 0) return false;
    return roots.some((r) => mutatedRoots.has(r.path.length === 0 ? r.name : `${r.name}.${r.path.join('.')}`));
  }

  /** The one declaration of `name` visible from `use` (same or enclosing function), or undefined. */
  declaration(name: string, use: t.Node): t.VariableDeclarator | undefined {
    if (this.index.reassigned.has(name)) return undefined;
    // No declarator at all: nothing to find, so the parents of `use` are not looked up.
    const declarators = this.index.declarators.get(name);
    if (!declarators) return undefined;
    const scopes: t.Node[] = [];
    for (let p = this.index.parents.get(use); p; p = this.index.parents.get(p)) {
      if (isFunctionNode(p)) {
        for (const param of p.params) if (bindsName(param, name)) return undefined;
        scopes.push(p);
      }
    }
    let visible: t.VariableDeclarator | undefined;
    for (const d of declarators) {
      const scope = this.enclosingFunction(d);
      if (scope !== undefined && !scopes.includes(scope)) continue;
      if (visible) return undefined;
      visible = d;
    }
    return visible;
  }

  private enclosingFunction(node: t.Node): t.Node | undefined {
    for (let p = this.index.parents.get(node); p; p = this.index.parents.get(p)) if (isFunctionNode(p)) return p;
    return undefined;
  }

  evaluate(node: t.Node, roots: Root[] = [], depth = 0): Value {
    const n = unwrap(node);
    const active = this.active;
    if (depth > 12 || active.length >= MAX_ACTIVE) return unknown(n);
    for (let i = active.length - 1; i >= 0; i--) if (active[i] === n) return unknown(n);
    active.push(n);
    try {
      return this.evaluateNode(n, roots, depth);
    } finally {
      active.pop();
    }
  }

  private evaluateNode(n: t.Node, roots: Root[], depth: number): Value {
    switch (n.type) {
      case 'StringLiteral': return str(n.value, n);
      case 'TemplateLiteral':
        if (n.expressions.length === 0) return str(n.quasis[0]?.value.cooked ?? '', n);
        return unknown(n);
      case 'NumericLiteral': return num(n.value, n);
      case 'BooleanLiteral': return bool(n.value, n);
      case 'NullLiteral': return new BareValue('null', n);
      case 'Identifier': {
        if (n.name === 'undefined') return undef(n);
        const ref = this.bindings.resolve(n);
        if (ref) return new ModuleValue(ref, n);
        const decl = this.declaration(n.name, n);
        if (!decl?.init) return unknown(n);
        return this.evaluate(decl.init, [{ name: n.name, path: [] }, ...roots], depth + 1);
      }
      case 'MemberExpression': case 'OptionalMemberExpression': {
        const env = envAccess(n);
        if (env !== undefined) return new EnvValue(env === '' ? undefined : env, n);
        const obj = this.evaluate(n.object, [], depth + 1);
        const name = propertyName(n.property, n.computed);
        if (obj.k === 'obj' && name !== undefined) {
          const v = obj.obj.value(name);
          if (v) return v;
          return obj.obj.complete ? undef(n) : unknown(n);
        }
        if (obj.k === 'arr' && name !== undefined && /^\d+$/.test(name) && obj.complete) return obj.elements[Number(name)] ?? undef(n);
        if (obj.k === 'module' && name !== undefined) return new ModuleValue({ module: obj.ref.module, path: [...obj.ref.path, name] }, n);
        return unknown(n);
      }
      case 'LogicalExpression': {
        if (n.operator === '&&') return unknown(n);
        return new OrValue(n.operator, this.evaluate(n.left, [], depth + 1), this.evaluate(n.right, [], depth + 1), n);
      }
      case 'ConditionalExpression':
        return new CondValue(this.conditionText(n.test), this.evaluate(n.consequent, [], depth + 1), this.evaluate(n.alternate, [], depth + 1), n);
      case 'UnaryExpression': {
        const arg = this.evaluate(n.argument, [], depth + 1);
        if (n.operator === '!') { const truth = truthy(arg); return truth === undefined ? unknown(n) : bool(!truth, n); }
        if (n.operator === '-' && arg.k === 'num') return num(-arg.v, n);
        if (n.operator === 'void') return undef(n);
        return unknown(n);
      }
      case 'BinaryExpression': {
        const left = this.evaluate(n.left, [], depth + 1);
        const right = this.evaluate(n.right, [], depth + 1);
        if (left.k === 'num' && right.k === 'num') {
          const v = n.operator === '*' ? left.v * right.v : n.operator === '+' ? left.v + right.v : n.operator === '-' ? left.v - right.v
            : n.operator === '/' ? left.v / right.v : n.operator === '**' ? left.v ** right.v : undefined;
          if (v !== undefined) return num(v, n);
        }
        if (n.operator === '+' && (left.k === 'str' || left.k === 'num') && (right.k === 'str' || right.k === 'num')) return str(String(left.v) + String(right.v), n);
        return unknown(n);
      }
      case 'ObjectExpression': return new ObjectValue(this.objectInfo(n, roots, depth), n);
      case 'ArrayExpression': {
        let complete = true;
        const elements = Array.of<Value>();
        for (const el of n.elements) {
          if (!el || el.type === 'SpreadElement') { complete = false; continue; }
          elements.push(this.evaluate(el, [], depth + 1));
        }
        return new ArrayValue(elements, complete, n);
      }
      case 'FunctionExpression': case 'ArrowFunctionExpression': return new FunctionValue(n, n);
      case 'NewExpression': return new NewValue(this.bindings.resolve(n.callee), n);
      case 'CallExpression': {
        const callee = memberChain(n.callee)?.join('.');
        const first = n.arguments[0];
        // Buffer.from('literal') and String('literal') carry the literal.
        if ((callee === 'Buffer.from' || callee === 'String') && first && first.type !== 'SpreadElement' && first.type !== 'ArgumentPlaceholder') {
          const v = this.evaluate(first, [], depth + 1);
          if (v.k === 'str') return v;
        }
        const ref = this.bindings.resolve(n);
        if (ref) return new ModuleValue(ref, n);
        return unknown(n);
      }
      case 'AwaitExpression': {
        const ref = this.bindings.resolve(n);
        return ref ? new ModuleValue(ref, n) : unknown(n);
      }
      default: return unknown(n);
    }
  }

  /** A condition's text, through a same-file constant (`isProd` -> `process.env.NODE_ENV==='production'`). */
  conditionText(node: t.Node): string {
    let n = unwrap(node);
    let negate = false;
    if (n.type === 'UnaryExpression' && n.operator === '!') { negate = true; n = unwrap(n.argument); }
    if (n.type === 'Identifier') {
      const init = this.declaration(n.name, n)?.init;
      if (init) n = unwrap(init);
    }
    return (negate ? '!' : '') + normalizeTest(this.text(n));
  }

  private objectInfo(n: t.ObjectExpression, roots: Root[], depth: number): ObjectInfo {
    const props = new Map<string, PropInfo>();
    let complete = !this.isMutated(roots);
    for (let i = 0; i < n.properties.length; i++) {
      const p = n.properties[i];
      if (p.type === 'SpreadElement') {
        const spread = this.evaluate(p.argument, [], depth + 1);
        if (spread.k === 'obj') {
          for (const [key, info] of spread.obj.props) props.set(key, new Prop(info.key, info.value, undefined, info.assigned));
          if (!spread.obj.complete) complete = false;
        } else if (spread.k !== 'null' && spread.k !== 'undef') {
          complete = false;
        }
        continue;
      }
      const key = propertyName(p.key, p.computed);
      if (key === undefined) { complete = false; continue; }
      if (p.type === 'ObjectMethod') {
        props.set(key, new Prop(key, new FunctionValue(p, p), p, NO_VALUES));
        continue;
      }
      const valueNode = p.value.type === 'AssignmentPattern' ? p.value.right : p.value;
      // Roots only reach nested object literals (directly or through a variable); literals do not need them.
      const inner = roots.length === 0 ? undefined : unwrap(valueNode).type;
      const childRoots = inner === 'ObjectExpression' || inner === 'Identifier' ? roots.map((r) => ({ name: r.name, path: [...r.path, key] })) : NO_ROOTS;
      props.set(key, new Prop(key, this.evaluate(valueNode, childRoots, depth + 1), p, NO_VALUES));
    }
    return new ObjectInfo(props, complete, n, roots, this);
  }
}

/** For `process.env.X`: 'X'; for `process.env` or a deeper static chain under it (`process.env.X.y`): ''; else undefined. */
function envAccess(n: t.MemberExpression | t.OptionalMemberExpression): string | undefined {
  if (isChain(n, 'process', 'env')) return '';
  let depth = 0;
  let cur: t.Node = n;
  while (cur.type === 'MemberExpression' || cur.type === 'OptionalMemberExpression') {
    const key = propertyName(cur.property, cur.computed);
    if (key === undefined) return undefined;
    if (isChain(cur.object, 'process', 'env')) return depth === 0 ? key : '';
    depth++;
    cur = unwrap(cur.object);
  }
  return undefined;
}

function bindsName(param: t.Node, name: string): boolean {
  switch (param.type) {
    case 'Identifier': return param.name === name;
    case 'AssignmentPattern': return bindsName(param.left, name);
    case 'RestElement': return bindsName(param.argument, name);
    case 'TSParameterProperty': return bindsName(param.parameter, name);
    case 'ObjectPattern': return param.properties.some((p) => bindsName(p.type === 'RestElement' ? p : p.value, name));
    case 'ArrayPattern': return param.elements.some((e) => e !== null && bindsName(e, name));
    default: return false;
  }
}

/** `a === b` and `a==b` compare equal as texts. */
export function normalizeTest(text: string): string {
  return text.replace(/\s+/g, '').replace(/===/g, '==').replace(/!==/g, '!=');
}

/** Whether a value is truthy at run time: true, false, or undefined when it cannot be known. */
export function truthy(v: Value): boolean | undefined {
  switch (v.k) {
    case 'str': return v.v !== '';
    case 'num': return v.v !== 0 && !Number.isNaN(v.v);
    case 'bool': return v.v;
    case 'null': case 'undef': return false;
    case 'obj': case 'arr': case 'fn': case 'new': case 'module': return true;
    case 'or': {
      const left = truthy(v.left);
      if (left === true) return true;
      if (v.op === '||' && left === false) return truthy(v.right);
      const right = truthy(v.right);
      return right === true && v.op === '||' ? true : undefined;
    }
    case 'cond': case 'multi': {
      const parts = v.k === 'cond' ? [v.then, v.else] : v.values;
      const truths = parts.map(truthy);
      return truths.every((x) => x === truths[0]) ? truths[0] : undefined;
    }
    default: return undefined;
  }
}

/** Every value `v` may take, flattening conditionals, fallbacks and later assignments. */
export function leaves(v: Value): Value[] {
  if (v.k !== 'cond' && v.k !== 'or' && v.k !== 'multi') return [v];
  const out: Value[] = [];
  collectLeaves(v, out);
  return out;
}

/** The leaves of each of `values`, in order (`values.flatMap(leaves)` without an array per value). */
export function allLeaves(values: readonly Value[]): Value[] {
  const out: Value[] = [];
  for (let i = 0; i < values.length; i++) collectLeaves(values[i], out);
  return out;
}

function collectLeaves(v: Value, out: Value[]): void {
  switch (v.k) {
    case 'cond': collectLeaves(v.then, out); collectLeaves(v.else, out); return;
    case 'or': collectLeaves(v.left, out); collectLeaves(v.right, out); return;
    case 'multi': for (let i = 0; i < v.values.length; i++) collectLeaves(v.values[i], out); return;
    default: out.push(v);
  }
}

/** The string the value surely is, else undefined. */
export function knownString(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.k === 'str') return v.v;
  const all = leaves(v);
  if (v.k !== 'or' && all.length > 0 && all.every((x) => x.k === 'str' && x.v === (all[0] as { v: string }).v)) return (all[0] as { v: string }).v;
  return undefined;
}
