// Fuzz targets for the cookie input parser and every format's decoder (issue 8: no exception escapes,
// every rejected input gets a one-line reason, no input takes long).
// The decoders are async, while the engine calls run() synchronously: each decode runs with secrets that
// keep it synchronous up to its result where the format allows (HMAC formats), and a rejection that
// settles later is recorded and re-thrown, with the input that caused it, by the next run() call.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeOne } from '../../src/core/cookies/decode';
import { parseCookieInput } from '../../src/core/cookies/input';
import { FORMATS } from '../../src/core/cookies/registry';
import type { DecodeContext, FormatId } from '../../src/core/cookies/types';
import { secretsFromEnvText } from '../../src/core/secrets/envSecrets';
import { toSecretKeys } from '../../src/core/secrets/secret';
import type { FuzzTarget } from './types';

interface Vector { format: string; input: string; secrets: string[] }
const vectors = (JSON.parse(readFileSync(path.join(__dirname, '../fixtures/cookies/vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;

/** Formats whose decode awaits real async work (WebCrypto, argon2) only when secrets are given. */
const ASYNC_WITH_SECRETS = new Set<FormatId>(['iron-session', 'hapi-iron', 'jwt', 'authjs', 'next-auth', 'fastify-secure-session']);

let deferred: { input: string; error: string } | undefined;

function guardAsync(input: string, promise: Promise<unknown>): void {
  promise.then(
    (r) => { const e = (r as { error?: unknown } | null)?.error; if (typeof e === 'string' && /[\r\n]/.test(e)) deferred ??= { input, error: `multi-line reason: ${e}` }; },
    (err: unknown) => { deferred ??= { input, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }; },
  );
}

function rethrowDeferred(): void {
  if (!deferred) return;
  const d = deferred;
  deferred = undefined;
  throw new Error(`an earlier input's decode rejected (${d.error}) on ${JSON.stringify(d.input.slice(0, 200))}`);
}

const parserSeeds = [
  ...new Set(vectors.map((v) => v.input)),
  'Set-Cookie: a=b; Path=/; HttpOnly; SameSite=None',
  "curl -b 'a=1; b=2' -H 'Cookie: c=3'",
  'connect.sid\ts%3Aa.b\tlocalhost\t/\tSession\t10\t✓\t\tLax',
  'authjs.session-token.0=aaa; authjs.session-token.1=bbb',
];

const parser: FuzzTarget = {
  name: 'cookies/input-parser',
  seeds: parserSeeds,
  run(input) {
    const r = parseCookieInput(input);
    return 'error' in r ? { error: r.error } : { cookies: r.cookies.length };
  },
};

const envParser: FuzzTarget = {
  name: 'cookies/env-secrets',
  seeds: ['SESSION_SECRET=abc\nAUTH_SECRET="x y"\n', "export SECRET_KEY_BASE='q'\n# c\nSESSION_SECRETS=a,b,c"],
  run: (input) => ({ secrets: secretsFromEnvText(input, '.env').length }),
};

function formatTarget(id: FormatId): FuzzTarget {
  const seeds = vectors.filter((v) => v.format === id);
  const secretValues = ASYNC_WITH_SECRETS.has(id) ? [] : [...new Set(seeds.flatMap((v) => v.secrets))].slice(0, 3);
  const ctx: DecodeContext = { secrets: toSecretKeys(secretValues.map((value, i) => ({ label: `#${i}`, value }))).keys, nowMs: Date.now() };
  return {
    name: `cookies/format/${id}`,
    seeds: seeds.map((v) => v.input),
    run(input) {
      rethrowDeferred();
      const parsed = parseCookieInput(input);
      if ('error' in parsed) return { error: parsed.error };
      for (const cookie of parsed.cookies) guardAsync(input, decodeOne(cookie, ctx, id));
      return { cookies: parsed.cookies.length };
    },
  };
}

const sniffing: FuzzTarget = {
  name: 'cookies/decode-sniffed',
  seeds: parserSeeds,
  run(input) {
    rethrowDeferred();
    const parsed = parseCookieInput(input);
    if ('error' in parsed) return { error: parsed.error };
    const ctx: DecodeContext = { secrets: [], nowMs: Date.now() };
    for (const cookie of parsed.cookies) guardAsync(input, decodeOne(cookie, ctx));
    return { cookies: parsed.cookies.length };
  },
};

export const targets: FuzzTarget[] = [parser, envParser, sniffing, ...FORMATS.map((f) => formatTarget(f.id))];
