// How the app around the session middleware is set up: proxy trust and middleware order.
import type * as t from '@babel/types';
import { isDefaultExport, isNamedExport } from '../bindings';
import { memberChain, memberName, unwrap } from '../ast';
import { insertStatementBefore, quoted, replaceNode } from '../edits';
import type { FileModel } from '../model';
import { FixBuilder, Rule, RuleContext, fix } from '../rule';
import type { Library } from '../sites';
import { leaves, truthy } from '../values';

/** The first argument's string when it is written as a literal (cheap: no evaluation). */
function literalArg(call: t.CallExpression): string | undefined {
  const a = call.arguments[0];
  return a?.type === 'StringLiteral' ? a.value : a?.type === 'TemplateLiteral' && a.expressions.length === 0 ? a.quasis[0]?.value.cooked ?? undefined : undefined;
}

/** Whether the file tells the framework it sits behind a proxy or serves HTTPS itself. */
function trustsProxyOrHttps(model: FileModel): boolean {
  for (const call of model.index.calls) {
    const method = memberName(call.callee);
    if ((method === 'set' || method === 'enable') && literalArg(call) === 'trust proxy') return true;
    if (method === 'createServer' || method === 'createSecureServer') {
      const ref = model.bindings.resolve(call.callee);
      const chain = memberChain(call.callee);
      if ((ref && (ref.module === 'https' || ref.module === 'node:https' || ref.module === 'http2' || ref.module === 'node:http2')) || chain?.[0] === 'https') return true;
      if (method === 'createSecureServer') return true;
    }
    for (const arg of call.arguments) {
      if (arg.type !== 'ObjectExpression') continue;
      for (const p of arg.properties) if (p.type === 'ObjectProperty' && p.key.type === 'Identifier' && (p.key.name === 'trustProxy' || p.key.name === 'https')) return true;
    }
  }
  return model.index.assignments.some((a) => memberName(unwrap(a.left)) === 'proxy' && memberChain(a.left) !== undefined);
}

const PROXY_AWARE: Library[] = ['express-session', 'cookie-session', 'fastify-session', 'koa-session'];

const insertTrustProxy: FixBuilder<{ app: string; statement: t.Node }> = ({ source, style }, { app, statement }) =>
  [fix(`Insert ${app}.set('trust proxy', 1)`, [insertStatementBefore(source, statement, `${app}.set(${quoted('trust proxy', style)}, 1)`, style)], { safe: false, preferred: false })];

const secureWithoutTrustProxy: Rule = {
  id: 'secure-without-trust-proxy',
  defaultLevel: 'warning',
  description: 'A secure session cookie is mounted here with no trust proxy, proxy option or HTTPS server.',
  check({ model, report }: RuleContext) {
    let trusted: boolean | undefined;
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (!site.mount || !site.cookie || !PROXY_AWARE.includes(site.library)) continue;
      const secure = site.cookie.value('secure');
      const mayBeSecure = secure ? leaves(secure).some((v) => truthy(v) !== false) : site.library === 'fastify-session';
      if (!mayBeSecure || site.options?.value('proxy') !== undefined) continue;
      trusted ??= trustsProxyOrHttps(model);
      if (trusted) continue;
      const message = 'A secure cookie behind a TLS-terminating proxy is never sent unless the app trusts the proxy; set trust proxy (or the proxy option) for your deployment.';
      if (site.library === 'express-session' || site.library === 'cookie-session') report(secure?.node ?? site.anchor, message, insertTrustProxy, site.mount);
      else report(secure?.node ?? site.anchor, message);
    }
  },
};

const setTrustProxyOne: FixBuilder<{ call: t.Node; object: string }> = ({ style }, { call, object }) =>
  [fix(`Use ${object}.set('trust proxy', 1)`, [replaceNode(call, `${object}.set(${quoted('trust proxy', style)}, 1)`)], { safe: false, preferred: false })];
const trustOneHop: FixBuilder<t.Node> = (_file, node) => [fix('Trust one proxy hop (1)', [replaceNode(node, '1')], { safe: false, preferred: false })];

const permissiveTrustProxy: Rule = {
  id: 'permissive-trust-proxy',
  defaultLevel: 'info',
  description: "trust proxy is true (or enabled), trusting every X-Forwarded-* header.",
  check({ model, report }: RuleContext) {
    const message = 'trust proxy true believes X-Forwarded-* headers from anyone, so clients can spoof their IP and protocol; trust the number of proxies you run.';
    for (const call of model.index.calls) {
      const method = memberName(call.callee);
      if ((method !== 'set' && method !== 'enable') || literalArg(call) !== 'trust proxy') continue;
      const object = memberChain((call.callee as t.MemberExpression).object)?.join('.');
      if (method === 'enable' && object) {
        report(call, message, setTrustProxyOne, { call, object });
      } else if (method === 'set' && call.arguments[1]) {
        const v = model.evaluator.evaluate(call.arguments[1]);
        if (v.k === 'bool' && v.v) report(call.arguments[1], message, trustOneHop, v.node);
      }
    }
  },
};

function isStaticMiddleware(model: FileModel, node: t.Node): boolean {
  if (node.type !== 'CallExpression') return false;
  const ref = model.bindings.resolve(node.callee);
  return isNamedExport(ref, ['express'], 'static') || isDefaultExport(ref, ['serve-static']) || isDefaultExport(ref, ['koa-static']) || isDefaultExport(ref, ['@fastify/static']);
}

const staticAfterSession: Rule = {
  id: 'static-after-session',
  defaultLevel: 'info',
  description: 'Static files are mounted after the session middleware.',
  check({ model, report }: RuleContext) {
    const mounts = model.sites.filter((s) => s.mount && (s.library === 'express-session' || s.library === 'cookie-session'));
    if (mounts.length === 0 || !model.usesModule('express', 'serve-static')) return;
    const staticUses = model.index.calls.flatMap((call) => {
      if (memberName(call.callee) !== 'use') return [];
      const staticArg = call.arguments.find((a) => isStaticMiddleware(model, a));
      return staticArg ? [{ call, staticArg, app: memberChain((call.callee as t.MemberExpression).object)?.join('.') }] : [];
    });
    for (const site of mounts) {
      const { app, statement } = site.mount!;
      for (const { call, staticArg, app: staticApp } of staticUses) {
        if (staticApp !== app || (call.start ?? 0) < (statement.end ?? 0)) continue;
        if (model.index.parents.get(model.statementOf(call)) !== model.index.parents.get(statement)) continue;
        report(staticArg, 'Static files mounted after the session middleware load (and may create) a session for every asset request; mount them first.');
      }
    }
  },
};

export const appSetupRules: Rule[] = [secureWithoutTrustProxy, permissiveTrustProxy, staticAfterSession];
