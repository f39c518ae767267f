// One pass over the tree that indexes what the rules look at, plus small node helpers.
import type * as t from '@babel/types';

const SKIPPED_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'extra', 'leadingComments', 'trailingComments', 'innerComments', 'comments', 'tokens', 'errors', 'typeAnnotation', 'returnType', 'typeParameters', 'superTypeParameters']);

export interface FileIndex {
  parents: Map<t.Node, t.Node>;
  calls: t.CallExpression[];
  news: t.NewExpression[];
  assignments: t.AssignmentExpression[];
  /** Variable declarators by the bound identifier's name (destructuring patterns are indexed by `bindings`). */
  declarators: Map<string, t.VariableDeclarator[]>;
  /** Names written to after their declaration (`x = ...`, `x++`): their initial value is not the value. */
  reassigned: Set<string>;
  functions: t.Function[];
  imports: t.ImportDeclaration[];
  tsImportEquals: t.TSImportEqualsDeclaration[];
  /** Object properties whose key is a string or identifier (for `'Set-Cookie'` header objects). */
  properties: t.ObjectProperty[];
  /** How many string literals use each quote character. */
  quotes: { single: number; double: number };
}

export function isNode(value: unknown): value is t.Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function indexFile(file: t.File): FileIndex {
  const index: FileIndex = {
    parents: new Map(), calls: [], news: [], assignments: [], declarators: new Map(), reassigned: new Set(),
    functions: [], imports: [], tsImportEquals: [], properties: [], quotes: { single: 0, double: 0 },
  };
  const stack: t.Node[] = [file.program];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    switch (node.type) {
      case 'CallExpression': index.calls.push(node); break;
      case 'OptionalCallExpression': index.calls.push(node as unknown as t.CallExpression); break;
      case 'NewExpression': index.news.push(node); break;
      case 'AssignmentExpression':
        index.assignments.push(node);
        if (node.left.type === 'Identifier') index.reassigned.add(node.left.name);
        break;
      case 'UpdateExpression':
        if (node.argument.type === 'Identifier') index.reassigned.add(node.argument.name);
        break;
      case 'VariableDeclarator':
        if (node.id.type === 'Identifier') {
          const list = index.declarators.get(node.id.name);
          if (list) list.push(node); else index.declarators.set(node.id.name, [node]);
        }
        break;
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
      case 'ObjectMethod': case 'ClassMethod':
        index.functions.push(node);
        break;
      case 'ImportDeclaration': index.imports.push(node); break;
      case 'TSImportEqualsDeclaration': index.tsImportEquals.push(node); break;
      case 'ObjectProperty': index.properties.push(node); break;
      case 'StringLiteral': {
        const raw = (node.extra as { raw?: string } | undefined)?.raw;
        if (raw?.[0] === "'") index.quotes.single++; else if (raw?.[0] === '"') index.quotes.double++;
        break;
      }
      default: break;
    }
    const record = node as unknown as Record<string, unknown>;
    for (const key in record) {
      if (SKIPPED_KEYS.has(key)) continue;
      const child = record[key];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) {
          const c: unknown = child[i];
          if (isNode(c)) { index.parents.set(c, node); stack.push(c); }
        }
      } else if (isNode(child)) {
        index.parents.set(child, node);
        stack.push(child);
      }
    }
  }
  return index;
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
  const n = unwrap(node);
  if (n.type === 'Identifier') return [n.name];
  if (n.type === 'ThisExpression') return ['this'];
  if (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') {
    const name = propertyName(n.property, n.computed);
    if (name === undefined) return undefined;
    const head = memberChain(n.object);
    return head ? [...head, name] : undefined;
  }
  return undefined;
}

export function isStringLike(node: t.Node): node is t.StringLiteral | t.TemplateLiteral {
  return node.type === 'StringLiteral' || (node.type === 'TemplateLiteral');
}

export function ancestors(node: t.Node, parents: Map<t.Node, t.Node>): t.Node[] {
  const out: t.Node[] = [];
  for (let p = parents.get(node); p; p = parents.get(p)) out.push(p);
  return out;
}

export function isFunctionNode(node: t.Node): node is t.Function {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression'
    || node.type === 'ObjectMethod' || node.type === 'ClassMethod' || node.type === 'ClassPrivateMethod';
}

/** Calls any of `names` (`a.b.regenerate(...)` ends in `regenerate`) anywhere inside `root`. */
export function containsCall(root: t.Node, test: (call: t.CallExpression) => boolean): boolean {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    if ((node.type === 'CallExpression' || node.type === 'OptionalCallExpression') && test(node as t.CallExpression)) return true;
    const record = node as unknown as Record<string, unknown>;
    for (const key in record) {
      if (SKIPPED_KEYS.has(key)) continue;
      const child = record[key];
      if (Array.isArray(child)) { for (const c of child) if (isNode(c)) stack.push(c); } else if (isNode(child)) stack.push(child);
    }
  }
  return false;
}

/** Every node inside `root` (depth-first), for the few rules that scan a function body. */
export function* descendants(root: t.Node): Generator<t.Node> {
  const stack: t.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as t.Node;
    yield node;
    const record = node as unknown as Record<string, unknown>;
    for (const key in record) {
      if (SKIPPED_KEYS.has(key)) continue;
      const child = record[key];
      if (Array.isArray(child)) { for (let i = child.length - 1; i >= 0; i--) { const c: unknown = child[i]; if (isNode(c)) stack.push(c); } } else if (isNode(child)) stack.push(child);
    }
  }
}
