// Cookies set by hand: res.cookie / reply.setCookie / cookies.set, raw Set-Cookie headers, csurf's secret
// cookie and cookies written from browser script.
import type * as t from '@babel/types';
import { isDefaultExport } from '../bindings';
import { isChain, memberName, unwrap } from '../ast';
import { insertProperty, quoted, replaceNode } from '../edits';
import type { FileModel } from '../model';
import { FixBuilder, FixFile, Rule, RuleContext, fix, productionTest } from '../rule';
import { isSensitiveCookieName } from '../sites';
import type { TextEdit } from '../types';
import { ObjectInfo, knownString, truthy } from '../values';

/** A flag counts as off when absent (and off by default) or surely falsy. */
function flagOff(options: ObjectInfo | undefined, key: string, defaultOn: boolean): boolean {
  if (!options) return !defaultOn;
  const v = options.value(key);
  if (!v) return options.complete && !defaultOn;
  return truthy(v) === false;
}

function hasAttribute(text: string, name: string): boolean {
  return new RegExp(`;\\s*${name}\\s*(;|=|$)`, 'i').test(text);
}

function headerFix(source: string, node: t.Node, add: string[]): TextEdit | undefined {
  const suffix = add.map((a) => `; ${a}`).join('');
  if (node.type === 'StringLiteral') {
    const quote = source[node.start ?? 0];
    return { start: (node.end ?? 1) - 1, end: (node.end ?? 1) - 1, text: quote === '"' || quote === "'" ? suffix.replace(new RegExp(quote, 'g'), `\\${quote}`) : suffix };
  }
  if (node.type === 'TemplateLiteral') return { start: (node.end ?? 1) - 1, end: (node.end ?? 1) - 1, text: suffix };
  return undefined;
}

/** What the fix of a cookie call adds: the missing flags, and where each goes. */
interface CookieFlagsFix {
  node: t.Node;
  missing: string[];
  /** Per missing flag: the value node to replace, or undefined to insert the flag. */
  replace?: (t.Node | undefined)[];
  /** The options literal to insert into; undefined with `call` set: append a new options argument. */
  options?: t.ObjectExpression;
  call?: t.CallExpression;
}

const addCookieFlags: FixBuilder<CookieFlagsFix> = ({ source, style }: FixFile, plan) => {
  const edits: TextEdit[] = [];
  if (!plan.call && !plan.options) {
    const e = headerFix(source, plan.node, plan.missing);
    if (e) edits.push(e);
  } else {
    const toInsert: string[] = [];
    plan.missing.forEach((m, i) => {
      const value = m === 'secure' ? productionTest(style) : 'true';
      const replaced = plan.replace?.[i];
      if (replaced) edits.push(replaceNode(replaced, value)); else toInsert.push(`${m}: ${value}`);
    });
    if (toInsert.length > 0) {
      if (plan.options) edits.push(insertProperty(source, plan.options, toInsert.join(', ')));
      else if (plan.call) {
        const last = plan.call.arguments[plan.call.arguments.length - 1];
        edits.push({ start: last.end ?? 0, end: last.end ?? 0, text: `, { ${toInsert.join(', ')} }` });
      }
    }
  }
  return edits.length ? [fix(`Add ${plan.missing.join(' and ')}`, edits)] : [];
};

const resCookieInsecure: Rule = {
  id: 'res-cookie-insecure',
  defaultLevel: 'warning',
  description: 'A session- or token-like cookie is set without httpOnly or secure.',
  check({ model, report }: RuleContext) {
    for (const c of model.cookieCalls) {
      const missing: string[] = [];
      let plan: CookieFlagsFix | undefined;
      if (c.kind === 'header') {
        if (!hasAttribute(c.text ?? '', 'httponly')) missing.push('HttpOnly');
        if (!hasAttribute(c.text ?? '', 'secure')) missing.push('Secure');
        plan = { node: c.node, missing };
      } else {
        if (c.optionsUnknown) continue;
        if (flagOff(c.options, 'httpOnly', c.defaultHttpOnly)) missing.push('httpOnly');
        if (flagOff(c.options, 'secure', false)) missing.push('secure');
        let replace: (t.Node | undefined)[] | undefined;
        let inserts = false;
        let fixable = true;
        for (let i = 0; i < missing.length; i++) {
          const p = c.options?.get(missing[i]);
          if (!p) inserts = true;
          else if (p.prop?.type === 'ObjectProperty' && p.assigned.length === 0) (replace ??= [])[i] = p.prop.value;
          else fixable = false;
        }
        // New flags go into the options literal, or a new options argument when the call has none.
        if (inserts && !c.options?.node && c.optionsNode) fixable = false;
        if (fixable) plan = { node: c.node, missing, replace, options: c.options?.node, call: c.node as t.CallExpression };
      }
      if (missing.length === 0) continue;
      const what = missing.join(' and ');
      const node = c.kind === 'header' ? c.node : (c.node as t.CallExpression).callee;
      const readable = missing.some((m) => /httponly/i.test(m));
      const plain = missing.some((m) => /secure/i.test(m));
      const consequence = [readable ? 'page scripts can read it' : '', plain ? 'it can travel over plain HTTP' : ''].filter(Boolean).join(' and ');
      const message = `The '${c.name}' cookie is set without ${what}, so ${consequence}.`;
      if (plan) report(node, message, addCookieFlags, plan); else report(node, message);
    }
  },
};

const csurfCookieObject: FixBuilder<t.Node> = ({ style }, node) =>
  [fix('Set httpOnly and secure on the csurf cookie', [replaceNode(node, `{ httpOnly: true, secure: ${productionTest(style)}, sameSite: ${quoted('strict', style)} }`)])];

const csurfCookieInsecure: Rule = {
  id: 'csurf-cookie-insecure',
  defaultLevel: 'info',
  description: "csurf keeps its secret in a cookie without httpOnly or secure.",
  check({ model, report }: RuleContext) {
    if (!model.usesModule('csurf')) return;
    for (const call of model.index.calls) {
      if (!isDefaultExport(model.bindings.resolve(call.callee), ['csurf']) || !call.arguments[0]) continue;
      const options = model.evaluator.evaluate(call.arguments[0]);
      if (options.k !== 'obj') continue;
      const cookie = options.obj.get('cookie');
      if (!cookie) continue;
      if (cookie.value.k === 'bool' && cookie.value.v && cookie.assigned.length === 0) {
        report(cookie.value.node, "csurf's secret cookie is set without httpOnly and secure, so scripts can read it and it can travel over plain HTTP.", csurfCookieObject, cookie.value.node);
        continue;
      }
      if (cookie.value.k !== 'obj') continue;
      const obj = cookie.value.obj;
      const missing = ['httpOnly', 'secure'].filter((k) => flagOff(obj, k, false));
      if (missing.length === 0) continue;
      const message = `csurf's secret cookie is set without ${missing.join(' and ')}.`;
      if (obj.node && missing.every((k) => !obj.get(k))) report(cookie.value.node, message, addCookieFlags, { node: cookie.value.node, missing, options: obj.node });
      else report(cookie.value.node, message);
    }
  },
};

function clientCookieText(model: FileModel, node: t.Node): string | undefined {
  const n = unwrap(node);
  if (n.type === 'TemplateLiteral') return n.quasis.map((q) => q.value.cooked ?? q.value.raw).join('${}');
  return knownString(model.evaluator.evaluate(n));
}

const clientCookieInsecure: Rule = {
  id: 'client-cookie-insecure',
  defaultLevel: 'info',
  description: 'Browser script writes a sensitive cookie without secure.',
  check({ model, report }: RuleContext) {
    const message = (name: string) => `The '${name}' cookie is written from browser script without secure, so it can travel over plain HTTP and any script on the page can read it.`;
    for (const a of model.index.assignments) {
      if (!isChain(a.left, 'document', 'cookie')) continue;
      const text = clientCookieText(model, a.right);
      const name = text?.slice(0, Math.max(0, text.indexOf('='))).trim();
      if (!text || !name || name.includes('${}') || !isSensitiveCookieName(name) || hasAttribute(text, 'secure')) continue;
      report(a, message(name));
    }
    if (!model.usesModule('js-cookie', 'universal-cookie', 'react-cookie')) return;
    for (const call of model.index.calls) {
      if (memberName(call.callee) !== 'set') continue;
      const ref = model.bindings.resolve((call.callee as t.MemberExpression).object);
      if (!ref || (ref.module !== 'js-cookie' && ref.module !== 'universal-cookie' && ref.module !== 'react-cookie')) continue;
      const first = call.arguments[0];
      const name = first && first.type !== 'SpreadElement' && first.type !== 'ArgumentPlaceholder' ? knownString(model.evaluator.evaluate(first)) : undefined;
      if (!name || !isSensitiveCookieName(name)) continue;
      const optionsNode = call.arguments[2];
      const options = optionsNode ? model.evaluator.evaluate(optionsNode) : undefined;
      if (optionsNode && options?.k !== 'obj') continue;
      if (!flagOff(options?.k === 'obj' ? options.obj : undefined, 'secure', false)) continue;
      report(call.callee, message(name));
    }
  },
};

export const cookieCallRules: Rule[] = [resCookieInsecure, csurfCookieInsecure, clientCookieInsecure];
