// The shape of a rule and the helpers rules share for building fixes.
import type * as t from '@babel/types';
import { insertProperty, quoted } from './edits';
import type { FileModel } from './model';
import type { SessionSite } from './sites';
import type { Fix, RuleMeta, TextEdit } from './types';

export interface RuleContext {
  model: FileModel;
  report(node: t.Node, message: string, fixes?: Fix[]): void;
}

export interface Rule extends RuleMeta {
  check(context: RuleContext): void;
}

export function fix(title: string, edits: TextEdit[], options: { safe?: boolean; preferred?: boolean } = {}): Fix {
  return { title, edits, safe: options.safe ?? true, preferred: options.preferred ?? options.safe ?? true };
}

/** `process.env.NODE_ENV === 'production'` in the file's quote style. */
export function productionTest(model: FileModel): string {
  return `process.env.NODE_ENV === ${quoted('production', model.style)}`;
}

/**
 * An edit that adds `entry` (e.g. `httpOnly: true`) where the site's cookie flags live: into the cookie
 * object literal, or a new `cookie: { ... }` in the options literal when there is no cookie object yet.
 */
export function addCookieEntry(model: FileModel, site: SessionSite, entry: string): TextEdit | undefined {
  if (site.cookie?.node) return insertProperty(model.source, site.cookie.node, entry);
  if (!site.options?.node) return undefined;
  if (!site.cookieKey) return insertProperty(model.source, site.options.node, entry);
  if (site.options.missing(site.cookieKey)) return insertProperty(model.source, site.options.node, `${site.cookieKey}: { ${entry} }`);
  return undefined;
}

/** Where a finding about a missing cookie flag points: the `cookie` key when it is written, else the callee. */
export function cookieAnchor(site: SessionSite): t.Node {
  const prop = site.cookieKey ? site.options?.get(site.cookieKey)?.prop : undefined;
  return prop?.key ?? site.anchor;
}
