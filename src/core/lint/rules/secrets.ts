// Signing and encryption secrets: literals in the source, literal fallbacks, weak values, missing secrets,
// static salts and secrets that cannot be rotated.
import type * as t from '@babel/types';
import { isDefaultExport } from '../bindings';
import { isChain, memberChain } from '../ast';
import { insertProperty, replaceNode } from '../edits';
import { memoKey } from '../memo';
import type { FileModel } from '../model';
import { FixBuilder, FixFile, Rule, RuleContext, fix, listPositions, spanOf } from '../rule';
import { LIBRARY_LABEL } from '../sites';
import type { Library, SessionSite } from '../sites';
import type { Fix, LintEnvironment } from '../types';
import { Value, allLeaves, leaves } from '../values';

const ENV_NAME = 'SESSION_SECRET';

/** `secret` -> "the secret option", `app.keys` -> "app.keys", `cookie-parser secret` -> "the cookie-parser secret". */
function optionName(label: string): string {
  return label.includes('.') ? label : label.includes(' ') ? `the ${label}` : `the ${label} option`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface SecretSink {
  /** How the finding names the option: `secret`, `keys`, `password`, `app.keys`, ... */
  label: string;
  value: Value;
  site?: SessionSite;
}

const SECRET_KEYS: Record<Library, string[]> = {
  'express-session': ['secret'],
  'cookie-session': ['secret', 'keys'],
  'fastify-session': ['secret'],
  'secure-session': ['secret', 'key'],
  'koa-session': [],
  'iron-session': ['password'],
};

/** A class, not an object literal: sinks are kept with the model (see `indexFile` in ast.ts). */
class Sink implements SecretSink {
  constructor(readonly label: string, readonly value: Value, readonly site?: SessionSite) {}
}

const SINKS = memoKey<SecretSink[]>('secret sinks');

function secretSinks(model: FileModel): SecretSink[] {
  return model.memo(SINKS, findSecretSinks);
}

function findSecretSinks(model: FileModel): SecretSink[] {
  const sinks: SecretSink[] = [];
  for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
    const site = siteList[si];
    if (!site.options) continue;
    for (const key of SECRET_KEYS[site.library]) {
      const value = site.options.value(key);
      if (value) sinks.push(new Sink(key, value, site));
    }
  }
  for (const call of model.usesModule('cookie-parser') ? model.index.calls : []) {
    if (isDefaultExport(model.bindings.resolve(call.callee), ['cookie-parser']) && call.arguments[0] && call.arguments[0].type !== 'SpreadElement' && call.arguments[0].type !== 'ArgumentPlaceholder') {
      sinks.push(new Sink('cookie-parser secret', model.evaluator.evaluate(call.arguments[0])));
    }
  }
  if (model.usesModule('koa', 'koa-session')) {
    for (const a of model.index.assignments) {
      const chain = memberChain(a.left);
      if (a.operator === '=' && chain && chain.length >= 2 && chain[chain.length - 1] === 'keys') sinks.push(new Sink('app.keys', model.evaluator.evaluate(a.right)));
    }
  }
  return sinks;
}

/** The string literals a secret is built from directly (a literal, literal array elements, `Buffer.from('...')`). */
function literalParts(value: Value): (Value & { k: 'str' })[] {
  if (value.k === 'str') return [value];
  if (value.k === 'arr') return value.elements.filter((e): e is Value & { k: 'str' } => e.k === 'str');
  if (value.k === 'obj') return [...value.obj.props.values()].map((p) => p.value).filter((v): v is Value & { k: 'str' } => v.k === 'str');
  if (value.k === 'multi') return value.values.flatMap(literalParts);
  return [];
}

function envExampleEdit(environment: LintEnvironment): Fix['otherFiles'] {
  const example = environment.envExample;
  if (!example || new RegExp(`^[ \\t]*(export[ \\t]+)?${ENV_NAME}[ \\t]*=`, 'm').test(example.text)) return undefined;
  const prefix = example.text === '' || example.text.endsWith('\n') ? '' : '\n';
  return [{ path: example.path, edits: [{ start: example.text.length, end: example.text.length, text: `${prefix}${ENV_NAME}=\n` }] }];
}

const moveToEnv: FixBuilder<t.Node> = ({ environment }: FixFile, node) => {
  const f = fix(`Read the secret from process.env.${ENV_NAME}`, [replaceNode(node, `process.env.${ENV_NAME}`)]);
  const other = envExampleEdit(environment);
  return [other ? { ...f, otherFiles: other } : f];
};

/** Where a value sits in a list option, 1-based (`keys: [a, b]` -> b is 2); undefined outside a list. */
function elementPosition(sink: SecretSink, node: t.Node): number | undefined {
  if (sink.value.k !== 'arr') return undefined;
  const i = sink.value.elements.findIndex((e) => e.node === node || ((e.node.start ?? -1) <= (node.start ?? 0) && (node.end ?? 0) <= (e.node.end ?? -1)));
  return i < 0 ? undefined : i + 1;
}

/** "elements 1 and 2 of the keys option" or "the secret option". */
function where(sink: SecretSink, nodes: t.Node[]): string {
  const positions = nodes.map((n) => elementPosition(sink, n)).filter((p): p is number => p !== undefined);
  if (positions.length === 0 || (sink.value.k === 'arr' && sink.value.elements.length === 1)) return optionName(sink.label);
  return `${positions.length === 1 ? 'element' : 'elements'} ${listPositions(positions)} of ${optionName(sink.label)}`;
}

const hardcodedSecret: Rule = {
  id: 'hardcoded-secret',
  defaultLevel: 'error',
  description: 'A literal string reaches a session signing or encryption secret.',
  check({ model, report }: RuleContext) {
    for (const sink of secretSinks(model)) {
      const parts = literalParts(sink.value);
      if (parts.length === 0) continue;
      const single = parts.length === 1 && (sink.value.k === 'str' || (sink.value.k === 'arr' && sink.value.elements.length === 1));
      // One finding per option, covering every literal in it.
      const nodes = parts.map((p) => p.node);
      const what = parts.length === 1 ? 'A literal string reaches' : `${parts.length} literal strings reach`;
      const message = `${what} ${where(sink, nodes)}, so anyone who can read the code can forge or decrypt sessions.`;
      if (single) report(parts[0].node, message, moveToEnv, parts[0].node); else report(spanOf(nodes), message);
    }
  },
};

/** For `process.env.X || 'dev'` and `prod ? process.env.X : 'dev'`: the literal parts and the non-literal side. */
function fallbackParts(value: Value): { literals: (Value & { k: 'str' })[]; keep?: t.Node } | undefined {
  if (value.k === 'or') {
    const literals = leaves(value.right).filter((v): v is Value & { k: 'str' } => v.k === 'str');
    if (literals.length === 0 || value.left.k === 'str') return undefined;
    return { literals, keep: value.left.node };
  }
  if (value.k === 'cond') {
    const sides = [value.then, value.else];
    const literalSide = sides.find((s) => s.k === 'str');
    const otherSide = sides.find((s) => s.k !== 'str');
    if (!literalSide || !otherSide) return undefined;
    return { literals: [literalSide as Value & { k: 'str' }], keep: otherSide.k === 'env' ? otherSide.node : undefined };
  }
  return undefined;
}

const removeFallback: FixBuilder<{ node: t.Node; keep: t.Node }> = ({ source }, { node, keep }) =>
  [fix('Remove the literal fallback', [replaceNode(node, source.slice(keep.start ?? 0, keep.end ?? 0))])];

const hardcodedSecretFallback: Rule = {
  id: 'hardcoded-secret-fallback',
  defaultLevel: 'warning',
  description: 'A session secret falls back to a literal when an environment variable is unset.',
  check({ model, report }: RuleContext) {
    for (const sink of secretSinks(model)) {
      const values = sink.value.k === 'arr' ? sink.value.elements : [sink.value];
      const found: { value: Value; keep?: t.Node }[] = [];
      for (const value of values) {
        const parts = fallbackParts(value);
        if (parts) found.push({ value, keep: parts.keep });
      }
      if (found.length === 0) continue;
      const nodes = found.map((f) => f.value.node);
      const message = `${capital(where(sink, nodes))} ${found.length === 1 ? 'falls' : 'fall'} back to a literal, so a deployment that forgets the variable silently runs with a public secret.`;
      const only = found.length === 1 ? found[0] : undefined;
      if (only?.keep) report(only.value.node, message, removeFallback, { node: only.value.node, keep: only.keep }); else report(spanOf(nodes), message);
    }
  },
};

const PLACEHOLDERS = new Set([
  'keyboard cat', 'secret', 'changeme', 'change me', 'change-me', 'changeit', 'mysecret', 'my secret', 'my-secret', 'supersecret', 'super secret',
  'super-secret', 'your secret', 'your-secret', 'your_secret', 'your-secret-key', 'secret key', 'secret-key', 'secretkey', 'shhhh', 'shhhhh', 'shh',
  'password', 'default', 'test', 'dev', 'development', 'session secret', 'session-secret', 'sessionsecret', 'replace-me', 'replace me', 'todo',
  'complex_password_at_least_32_characters_long', 'a secret with minimum length of 32 characters', 'averylogphrasebiggerthanthirtytwochars',
]);

export function isWeakSecret(value: string): boolean {
  return value.length < 32 || PLACEHOLDERS.has(value.trim().toLowerCase()) || /^(.)\1*$/.test(value);
}

const weakSecret: Rule = {
  id: 'weak-secret',
  defaultLevel: 'warning',
  description: 'A literal session secret is shorter than 32 characters or a well-known placeholder.',
  check({ model, report }: RuleContext) {
    for (const sink of secretSinks(model)) {
      const values = sink.value.k === 'arr' ? sink.value.elements : sink.value.k === 'obj' ? [...sink.value.obj.props.values()].map((p) => p.value) : [sink.value];
      const weak = allLeaves(values).filter((lit): lit is Value & { k: 'str' } => lit.k === 'str' && isWeakSecret(lit.v));
      if (weak.length === 0) continue;
      // One finding per option, naming each weak element and why.
      const whys = [...new Set(weak.map((lit) => (PLACEHOLDERS.has(lit.v.trim().toLowerCase()) ? 'a well-known placeholder' : `only ${lit.v.length} character${lit.v.length === 1 ? '' : 's'} long`)))];
      const nodes = weak.map((lit) => lit.node);
      const subject = capital(where(sink, nodes));
      const message = weak.length === 1
        ? `${subject} is ${whys[0]}, so it can be guessed; use at least 32 random characters.`
        : `${subject} are weak (${whys.join(', ')}), so they can be guessed; use at least 32 random characters each.`;
      report(spanOf(nodes), message);
    }
  },
};

const addSecret: FixBuilder<{ obj: t.ObjectExpression; name: string }> = ({ source, environment }, { obj, name }) => {
  const entry = name === 'keys' ? `keys: [process.env.${ENV_NAME}]` : `${name}: process.env.${ENV_NAME}`;
  const other = envExampleEdit(environment);
  return [{ ...fix(`Add ${name} from process.env.${ENV_NAME}`, [insertProperty(source, obj, entry)]), ...(other ? { otherFiles: other } : {}) }];
};

const missingSecret: Rule = {
  id: 'missing-secret',
  defaultLevel: 'error',
  description: 'A session library is configured without any secret although its options are fully visible.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      const options = site.options;
      if (!options?.complete || site.library === 'koa-session') continue;
      const keys = SECRET_KEYS[site.library];
      if (!keys.every((k) => options.missing(k))) continue;
      const name = site.library === 'iron-session' ? 'password' : site.library === 'cookie-session' ? 'keys' : 'secret';
      const message = `${LIBRARY_LABEL[site.library]} is configured without a ${name}, so its cookies are not protected against tampering.`;
      if (options.node && site.library !== 'secure-session') report(site.anchor, message, addSecret, { obj: options.node, name });
      else report(site.anchor, message);
    }
    // Koa: koa-session signs with app.keys; an app created here that never gets keys has none.
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (site.library !== 'koa-session') continue;
      const app = site.call.arguments.find((a) => a.type === 'Identifier' && a !== site.optionsNode);
      if (!app || app.type !== 'Identifier') continue;
      const decl = model.evaluator.declaration(app.name, app);
      const init = decl?.init;
      if (!init || init.type !== 'NewExpression' || !isDefaultExport(model.bindings.resolve(init.callee), ['koa'])) continue;
      const hasKeys = model.index.assignments.some((a) => isChain(a.left, app.name, 'keys'));
      const signedOff = site.options?.value('signed');
      if (!hasKeys && !(signedOff?.k === 'bool' && !signedOff.v)) report(site.anchor, 'The Koa app has no app.keys, so koa-session cannot sign its cookie.');
    }
  },
};

const README_SALT = 'mq9hDxBVDbspDR6n';

const staticSalt: Rule = {
  id: 'static-salt',
  defaultLevel: 'warning',
  description: '@fastify/secure-session derives its key from a secret without a salt of its own.',
  check({ report, model }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (site.library !== 'secure-session' || !site.options || site.options.missing('secret')) continue;
      const salt = site.options.value('salt');
      if (salt?.k === 'str' && salt.v === README_SALT) report(salt.node, 'The salt is the one from the @fastify/secure-session README, so it is public; generate your own.');
      else if (!salt && site.options.complete) report(site.anchor, '@fastify/secure-session is given a secret without a salt, so the derived key uses a fixed salt; set a random salt.');
    }
  },
};

const secretNoRotation: Rule = {
  id: 'secret-no-rotation',
  defaultLevel: 'off',
  description: 'A single session secret that cannot be rotated without invalidating every session.',
  check({ model, report }: RuleContext) {
    for (let si = 0, siteList = model.sites; si < siteList.length; si++) {
      const site = siteList[si];
      if (!site.options || !['express-session', 'fastify-session'].includes(site.library)) continue;
      const secret = site.options.value('secret');
      if (secret && ['str', 'env', 'or', 'cond'].includes(secret.k)) report(secret.node, 'The secret is a single value; pass an array (newest first) so it can be rotated without logging everyone out.');
    }
    for (const a of model.usesModule('koa', 'koa-session') ? model.index.assignments : []) {
      const chain = memberChain(a.left);
      if (!chain || chain[chain.length - 1] !== 'keys') continue;
      const v = model.evaluator.evaluate(a.right);
      if (v.k === 'arr' && v.complete && v.elements.length === 1) report(a.right, 'app.keys holds a single key; add the next key in front of it so it can be rotated without logging everyone out.');
    }
  },
};

export const secretRules: Rule[] = [hardcodedSecret, missingSecret, hardcodedSecretFallback, weakSecret, staticSalt, secretNoRotation];
