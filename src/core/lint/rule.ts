// The shape of a rule and the helpers rules share for building fixes. Rules walk `model.sites` with indexed loops:
// a check runs once per lint, often before the optimizer has compiled it, where for-of allocates at every step.
import type * as t from '@babel/types';
import { CodeStyle, insertProperty, quoted } from './edits';
import type { FileModel } from './model';
import type { SessionSite } from './sites';
import type { Fix, LintEnvironment, RuleMeta, TextEdit } from './types';

/** What a fix builder reads besides the argument it was reported with: the text, its style, the project around it. */
export interface FixFile {
  source: string;
  style: CodeStyle;
  environment: LintEnvironment;
}

/**
 * Builds a finding's fixes when they are asked for (a code action, `--fix`, JSON output), not when the finding is
 * reported: most findings never have their fixes read. Builders are module-level functions and `arg` holds only
 * nodes and strings, so an unread finding keeps no more of the tree alive than those nodes.
 */
export type FixBuilder<A> = (file: FixFile, arg: A) => Fix[];

export interface RuleContext {
  model: FileModel;
  report(node: t.Node, message: string): void;
  report<A>(node: t.Node, message: string, fixes: FixBuilder<A>, arg: A): void;
}

export interface Rule extends RuleMeta {
  check(context: RuleContext): void;
}

export function fix(title: string, edits: TextEdit[], options: { safe?: boolean; preferred?: boolean } = {}): Fix {
  return { title, edits, safe: options.safe ?? true, preferred: options.preferred ?? options.safe ?? true };
}

/** `process.env.NODE_ENV === 'production'` in the file's quote style. */
export function productionTest(style: CodeStyle): string {
  return `process.env.NODE_ENV === ${quoted('production', style)}`;
}

/** Where a cookie flag can be added: an object literal, and the key of a new nested object to wrap it in. */
export interface CookieEntryTarget {
  obj: t.ObjectExpression;
  wrapIn?: string;
}

/**
 * Where the site's cookie flags live: the cookie object literal, or the options literal (with a new
 * `cookie: { ... }` when there is no cookie object yet); undefined when neither is written as a literal.
 */
export function cookieEntryTarget(site: SessionSite): CookieEntryTarget | undefined {
  if (site.cookie?.node) return { obj: site.cookie.node };
  if (!site.options?.node) return undefined;
  if (!site.cookieKey) return { obj: site.options.node };
  if (site.options.missing(site.cookieKey)) return { obj: site.options.node, wrapIn: site.cookieKey };
  return undefined;
}

/** The edit that adds `entry` (e.g. `httpOnly: true`) at a `cookieEntryTarget`. */
export function addCookieEntry(source: string, target: CookieEntryTarget, entry: string): TextEdit {
  return insertProperty(source, target.obj, target.wrapIn ? `${target.wrapIn}: { ${entry} }` : entry);
}

/** Where a finding about a missing cookie flag points: the `cookie` key when it is written, else the callee. */
export function cookieAnchor(site: SessionSite): t.Node {
  const prop = site.cookieKey ? site.options?.get(site.cookieKey)?.prop : undefined;
  return prop?.key ?? site.anchor;
}

/**
 * A node-shaped range from the first to the last of `nodes` (in source order), for one finding that covers several
 * offending elements of an option (`keys: ['key1', 'key2']`).
 */
export function spanOf(nodes: readonly t.Node[]): t.Node {
  if (nodes.length === 1) return nodes[0];
  let first = nodes[0];
  let last = nodes[0];
  for (const n of nodes) {
    if ((n.start ?? 0) < (first.start ?? 0)) first = n;
    if ((n.end ?? 0) > (last.end ?? 0)) last = n;
  }
  const loc = first.loc && last.loc ? { ...first.loc, start: first.loc.start, end: last.loc.end } : null;
  return { type: 'Noop', start: first.start, end: last.end, loc } as t.Node;
}

/** `1`, `1 and 2`, `1, 2 and 4`: 1-based positions of elements in an option's list. */
export function listPositions(positions: readonly number[]): string {
  const words = positions.map(String);
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
