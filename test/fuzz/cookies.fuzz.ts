// Fuzz targets for the cookie input parser, .env secret reading and every format's decoder (issue 8: no
// exception escapes, every rejected input gets a one-line reason, no input takes long). The engine awaits
// async targets, so each decode is awaited and a rejection counts as an escape of that very input.
// Format targets decode with the secrets of their vectors, so the async paths run too (iron's WebCrypto
// unseal, jose's JWS/JWE verification with HMAC, PEM and JWK keys, secretbox opening).
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
  seeds: [
    'SESSION_SECRET=abc\nAUTH_SECRET="x y"\n', "export SECRET_KEY_BASE='q'\n# c\nSESSION_SECRETS=a,b,c",
    'A="multi\nSESSION_SECRET=inner\n"\nSESSION_SECRET="l1\nl2" # c\nCOOKIE_SECRET=`b\\`q`',
  ],
  run: (input) => ({ secrets: secretsFromEnvText(input, '.env').length }),
};

/** Decodes every cookie of the input; a format's failure to stay total (a throw, a multi-line reason) is returned as an error. */
async function decodeAll(input: string, ctx: DecodeContext, format?: FormatId): Promise<{ error: string } | { cookies: number }> {
  const parsed = parseCookieInput(input);
  if ('error' in parsed) return { error: parsed.error };
  for (const cookie of parsed.cookies) {
    const decoded = await decodeOne(cookie, ctx, format);
    if (decoded.error !== null && /[\r\n]/.test(decoded.error)) return { error: decoded.error };
  }
  return { cookies: parsed.cookies.length };
}

/**
 * The secrets a format's target decodes with: those of its vectors (at most 4). @fastify/secure-session
 * gets its raw 32-byte keys only: a text secret goes through argon2id at 256 MiB (about a second, once per
 * secret), which depends on the secret and never on the input being fuzzed.
 */
function secretsFor(id: FormatId): string[] {
  const all = [...new Set(vectors.filter((v) => v.format === id).flatMap((v) => v.secrets))];
  return (id === 'fastify-secure-session' ? all.filter((s) => s.startsWith('hex:')) : all).slice(0, 4);
}

function formatTarget(id: FormatId): FuzzTarget {
  const secrets = secretsFor(id);
  const ctx: DecodeContext = { secrets: toSecretKeys(secrets.map((value, i) => ({ label: `#${i}`, value }))).keys, nowMs: Date.now() };
  return {
    name: `cookies/format/${id}`,
    seeds: vectors.filter((v) => v.format === id).map((v) => v.input),
    run: (input) => decodeAll(input, ctx, id),
  };
}

const sniffing: FuzzTarget = {
  name: 'cookies/decode-sniffed',
  seeds: parserSeeds,
  run: (input) => decodeAll(input, { secrets: [], nowMs: Date.now() }),
};

export const targets: FuzzTarget[] = [parser, envParser, sniffing, ...FORMATS.map((f) => formatTarget(f.id))];
