// One pass over the tree that indexes what the rules look at, lazy parent lookup, and small node helpers.
import type * as t from '@babel/types';
import { CHILD_KEYS, SKIPPED_KEYS } from './visitorKeys';

const CHILD_KEY_TABLE = new Map<string, readonly string[]>(Object.entries(CHILD_KEYS));

/** The parent of a node, found on demand (see `ParentFinder`). */
export interface ParentLookup {
  get(node: t.Node): t.Node | undefined;
}

export interface FileIndex {
  parents: ParentLookup;
  calls: t.CallExpression[];
  news: t.NewExpression[];
  assignments: t.AssignmentExpression[];
  /** Variable declarators by the bound identifier's name (destructuring patterns are indexed by `bindings`). */
  declarators: Map<string, t.VariableDeclarator[]>;
  /** Declarators that destructure (`const { a } = require('m')`). */
  patternDeclarators: t.VariableDeclarator[];
  /**
   * The name a function expression is given where it is defined: `const name = ...`, `{ name: ... }`,
   * `x.name = ...` / `name = ...`, or a class property `name = ...`.
   */
  functionNames: Map<t.Node, t.Identifier>;
  /** Names written to after their declaration (`x = ...`, `x++`): their initial value is not the value. */
  reassigned: Set<string>;
  functions: t.Function[];
  imports: t.ImportDeclaration[];
  tsImportEquals: t.TSImportEqualsDeclaration[];
  /** Object properties whose key reads `set-cookie` (any case): header objects. */
  setCookieProperties: t.ObjectProperty[];
  /** How many string literals use each quote character. */
  quotes: { single: number; double: number };
}

export function isNode(value: unknown): value is t.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Pushes the child nodes of `node` onto `stack` so that they pop in source order. Node types the table does
 * not know (a newer parser) are walked through every own key that is not a position, comment or type.
 */
function pushChildren(node: t.Node, stack: t.Node[]): void {
  const record = node as unknown as Record<string, unknown>;
  const keys = CHILD_KEY_TABLE.get(node.type) ?? Object.keys(record).filter((k) => !SKIPPED_KEYS.has(k));
  for (let k = keys.length - 1; k >= 0; k--) {
    const child = record[keys[k]];
    if (child === null || typeof child !== 'object') continue;
    if (Array.isArray(child)) {
      for (let i = child.length - 1; i >= 0; i--) {
        const c: unknown = child[i];
        if (isNode(c)) stack.push(c);
      }
    } else if (isNode(child)) {
      stack.push(child);
    }
  }
}

/** Pushes the nodes of a child list (holes skipped) so that they pop in source order. */
function pushList(list: readonly (t.Node | null | undefined)[] | null | undefined, stack: t.Node[]): void {
  if (!list) return;
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i];
    if (c) stack.push(c);
  }
}

/** Calls `visit` on `root` and every node below it, depth-first in source order; `false` from `visit` skips that node's children. */
export function walk(root: t.Node, visit: (node: t.Node) => boolean | void): void {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    if (visit(node) !== false) pushChildren(node, stack);
  }
}

function isSetCookieKey(key: t.Node, computed: boolean): boolean {
  const name = key.type === 'StringLiteral' ? key.value : key.type === 'Identifier' && !computed ? key.name : undefined;
  return name !== undefined && name.length === 10 && name.toLowerCase() === 'set-cookie';
}

/**
 * Indexes one file in one walk. Lists made per node are made with `Array.of`, not `[...]`: V8 pretenures the
 * allocation site of an array or object literal whose objects survive young-generation collections, as every list
 * of one large file does while it is analyzed, and the lists of every file analyzed later then went straight to the
 * old generation and kept their syntax trees alive there. Arrays from `Array.of` and class instances have no such
 * site.
 */
export function indexFile(file: t.File): FileIndex {
  const index: FileIndex = {
    parents: new ParentFinder(file.program), calls: [], news: [], assignments: [], declarators: new Map(), patternDeclarators: [], functionNames: new Map(), reassigned: new Set(),
    functions: [], imports: [], tsImportEquals: [], setCookieProperties: [], quotes: { single: 0, double: 0 },
  };
  const stack: t.Node[] = [file.program];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    switch (node.type) {
      case 'Identifier':
        if (node.decorators == null) continue; // a leaf unless it is a decorated parameter
        break;
      case 'NumericLiteral': case 'BooleanLiteral': case 'NullLiteral': case 'ThisExpression': case 'TemplateElement':
        continue;
      // The commonest node types push their children directly (same order as `pushChildren`), skipping the
      // identifier of a static member access, a leaf.
      case 'MemberExpression':
        if (node.computed || node.property.type !== 'Identifier') stack.push(node.property);
        stack.push(node.object);
        continue;
      case 'ExpressionStatement': stack.push(node.expression); continue;
      case 'CallExpression': {
        index.calls.push(node);
        const args = node.arguments;
        for (let i = args.length - 1; i >= 0; i--) { const a = args[i]; if (a) stack.push(a); }
        const typeArguments = (node as { typeArguments?: t.Node | null }).typeArguments;
        if (typeArguments) stack.push(typeArguments);
        stack.push(node.callee);
        continue;
      }
      case 'OptionalCallExpression': index.calls.push(node as unknown as t.CallExpression); break;
      case 'NewExpression': index.news.push(node); break;
      case 'AssignmentExpression':
        index.assignments.push(node);
        if (node.left.type === 'Identifier') index.reassigned.add(node.left.name);
        if (isFunctionNode(node.right)) {
          const left = unwrap(node.left);
          if (left.type === 'Identifier') index.functionNames.set(node.right, left);
          else if (left.type === 'MemberExpression' && !left.computed && left.property.type === 'Identifier') index.functionNames.set(node.right, left.property);
        }
        break;
      case 'ClassProperty': case 'ClassPrivateProperty':
        if (node.value && isFunctionNode(node.value) && node.key.type === 'Identifier') index.functionNames.set(node.value, node.key);
        break;
      case 'UpdateExpression':
        if (node.argument.type === 'Identifier') index.reassigned.add(node.argument.name);
        break;
      case 'VariableDeclarator':
        if (node.id.type === 'Identifier') {
          const list = index.declarators.get(node.id.name);
          // Array.of, not a literal: see `indexFile`.
          if (list) list.push(node); else index.declarators.set(node.id.name, Array.of(node));
          if (node.init && isFunctionNode(node.init)) index.functionNames.set(node.init, node.id);
          if (node.init) stack.push(node.init);
          continue;
        } else if (node.id.type === 'ObjectPattern') {
          index.patternDeclarators.push(node);
        }
        break;
      case 'ArrowFunctionExpression': case 'FunctionDeclaration': case 'FunctionExpression':
        index.functions.push(node);
        stack.push(node.body);
        if (node.predicate) stack.push(node.predicate);
        pushList(node.params, stack);
        if (node.type !== 'ArrowFunctionExpression' && node.id) stack.push(node.id);
        continue;
      case 'ObjectMethod': case 'ClassMethod':
        index.functions.push(node);
        break;
      case 'ImportDeclaration': index.imports.push(node); break;
      case 'TSImportEqualsDeclaration': index.tsImportEquals.push(node); break;
      case 'ObjectProperty':
        if (isSetCookieKey(node.key, node.computed)) index.setCookieProperties.push(node);
        if (node.key.type === 'Identifier' && isFunctionNode(node.value)) index.functionNames.set(node.value, node.key);
        if (node.decorators?.length) break;
        stack.push(node.value);
        if (node.computed || node.key.type !== 'Identifier') stack.push(node.key);
        continue;
      case 'BinaryExpression': case 'LogicalExpression':
        stack.push(node.right);
        stack.push(node.left);
        continue;
      case 'VariableDeclaration': pushList(node.declarations, stack); continue;
      case 'BlockStatement': case 'Program':
        pushList(node.body, stack);
        pushList(node.directives, stack);
        continue;
      case 'ObjectExpression': pushList(node.properties, stack); continue;
      case 'ArrayExpression': pushList(node.elements, stack); continue;
      case 'ReturnStatement': if (node.argument) stack.push(node.argument); continue;
      case 'AwaitExpression': case 'UnaryExpression': case 'SpreadElement': if (node.argument) stack.push(node.argument); continue;
      case 'IfStatement': case 'ConditionalExpression':
        if (node.alternate) stack.push(node.alternate);
        stack.push(node.consequent);
        stack.push(node.test);
        continue;
      case 'TemplateLiteral': pushList(node.expressions, stack); continue; // its quasis are leaves
      case 'StringLiteral': {
        const raw = (node.extra as { raw?: string } | undefined)?.raw;
        if (raw !== undefined) { const q = raw.charCodeAt(0); if (q === 39) index.quotes.single++; else if (q === 34) index.quotes.double++; }
        continue;
      }
      default: break;
    }
    pushChildren(node, stack);
  }
  return index;
}

/**
 * Parents found on demand instead of recorded for every node: a child's source range lies inside its parent's,
 * so the path from the program to a node is found by descending only into children whose range holds the
 * node's (binary search in long lists), a few dozen steps. Every parent seen on the way is remembered. Should a
 * node not be found that way (ranges some error recovery leaves inconsistent), one full walk records them all.
 */
export class ParentFinder implements ParentLookup {
  private readonly known = new Map<t.Node, t.Node>();
  private complete = false;

  constructor(private readonly root: t.Node) {}

  get(node: t.Node): t.Node | undefined {
    const hit = this.known.get(node);
    if (hit !== undefined || node === this.root || this.complete) return hit;
    if (!this.descend(node)) this.recordAll();
    return this.known.get(node);
  }

  private descend(target: t.Node): boolean {
    const start = target.start ?? -1;
    const end = target.end ?? -1;
    const stack: t.Node[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop() as t.Node;
      const record = node as unknown as Record<string, unknown>;
      const keys = CHILD_KEY_TABLE.get(node.type) ?? Object.keys(record).filter((k) => !SKIPPED_KEYS.has(k));
      for (const key of keys) {
        const child = record[key];
        if (child === null || typeof child !== 'object') continue;
        if (Array.isArray(child)) {
          for (let i = firstCandidate(child as unknown[], start); i < child.length; i++) {
            const c: unknown = child[i];
            if (!isNode(c)) continue;
            if ((c.start ?? -1) > start) break;
            if (end > (c.end ?? -1)) continue;
            this.known.set(c, node);
            if (c === target) return true;
            stack.push(c);
          }
        } else if (isNode(child) && (child.start ?? -1) <= start && end <= (child.end ?? -1)) {
          this.known.set(child, node);
          if (child === target) return true;
          stack.push(child);
        }
      }
    }
    return false;
  }

  private recordAll(): void {
    this.complete = true;
    walk(this.root, (node) => {
      const record = node as unknown as Record<string, unknown>;
      const keys = CHILD_KEY_TABLE.get(node.type) ?? Object.keys(record).filter((k) => !SKIPPED_KEYS.has(k));
      for (const key of keys) {
        const child = record[key];
        if (Array.isArray(child)) { for (const c of child) if (isNode(c)) this.known.set(c, node); } else if (isNode(child)) this.known.set(child, node);
      }
    });
  }
}

/**
 * Where to start looking in a list of nodes (in source order, possibly with holes) for one that holds offset
 * `start`: the first element that ends at or after it. Short lists and lists with holes start at 0.
 */
function firstCandidate(list: unknown[], start: number): number {
  if (list.length <= 8) return 0;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = list[mid];
    if (!isNode(c)) return 0;
    if ((c.end ?? -1) < start) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Strips parentheses and TypeScript-only wrappers (`as`, `satisfies`, `!`, `<T>x`). */
export function unwrap(node: t.Node): t.Node {
  let n = node;
  for (;;) {
    switch (n.type) {
      case 'TSAsExpression': case 'TSSatisfiesExpression': case 'TSNonNullExpression': case 'TSTypeAssertion':
      case 'ParenthesizedExpression': case 'TypeCastExpression': case 'TSInstantiationExpression':
        n = n.expression;
        break;
      default:
        return n;
    }
  }
}

/** The static name of a property key or member property: `a`, `'a'`, `["a"]`. */
export function propertyName(key: t.Node, computed: boolean): string | undefined {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'StringLiteral') return key.value;
  if (key.type === 'NumericLiteral') return String(key.value);
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

export function memberName(node: t.Node): string | undefined {
  if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return undefined;
  return propertyName(node.property, node.computed);
}

/** `a.b.c` -> ['a', 'b', 'c'] when every part is static; `this` counts as a name. */
export function memberChain(node: t.Node): string[] | undefined {
  const reversed: string[] = [];
  let n = unwrap(node);
  while (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
    const name = propertyName(n.property, n.computed);
    if (name === undefined) return undefined;
    reversed.push(name);
    n = unwrap(n.object);
  }
  if (n.type === 'Identifier') reversed.push(n.name);
  else if (n.type === 'ThisExpression') reversed.push('this');
  else return undefined;
  return reversed.reverse();
}

/** Whether `node` is exactly `object.property` (`isChain(n, 'Object', 'assign')`), without allocating. */
export function isChain(node: t.Node, object: string, property: string): boolean {
  const n = unwrap(node);
  if ((n.type !== 'MemberExpression' && n.type !== 'OptionalMemberExpression') || propertyName(n.property, n.computed) !== property) return false;
  const o = unwrap(n.object);
  return (o.type === 'Identifier' && o.name === object) || (o.type === 'ThisExpression' && object === 'this');
}

export function isStringLike(node: t.Node): node is t.StringLiteral | t.TemplateLiteral {
  return node.type === 'StringLiteral' || (node.type === 'TemplateLiteral');
}

export function ancestors(node: t.Node, parents: ParentLookup): t.Node[] {
  const out: t.Node[] = [];
  for (let p = parents.get(node); p; p = parents.get(p)) out.push(p);
  return out;
}

export function isFunctionNode(node: t.Node): node is t.Function {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression'
    || node.type === 'ObjectMethod' || node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod';
}

/** The first node inside `root` (depth-first, in source order, `root` included) that passes `test`. */
export function findNode(root: t.Node, test: (node: t.Node) => boolean): t.Node | undefined {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    if (test(node)) return node;
    pushChildren(node, stack);
  }
  return undefined;
}

/** Whether a call inside `root` passes `test` (`a.b.regenerate(...)`). */
export function containsCall(root: t.Node, test: (call: t.CallExpression) => boolean): boolean {
  return findNode(root, (node) => (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') && test(node as t.CallExpression)) !== undefined;
}

/** Every node inside `root` (depth-first, in source order), for the few rules that scan a function body. */
export function* descendants(root: t.Node): Generator<t.Node> {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    yield node;
    pushChildren(node, stack);
  }
}
