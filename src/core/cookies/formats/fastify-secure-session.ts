// @fastify/secure-session: base64(secretbox(JSON, nonce, key)) + ";" + base64(nonce), XSalsa20-Poly1305.
// The key is 32 raw bytes, or argon2id(secret, salt) at libsodium's MODERATE limits; the salt is the
// library's default unless the app sets `salt` (given to the decoder as a salt: the CLI's --salt).
import type * as HashWasm from 'hash-wasm';
import type Nacl from 'tweetnacl';
import { lazy } from '../../lazy';

// Only hash-wasm's argon2 build: the full library bundles every algorithm's WebAssembly.
const hashWasm = lazy(() => require('hash-wasm/dist/argon2.umd.min.js') as Pick<typeof HashWasm, 'argon2id'>);
const nacl = lazy(() => require('tweetnacl') as typeof Nacl);
import { dateFromMs, fromBase64, isObject, tryJson, utf8 } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat } from '../types';
import type { SecretKey } from '../../secrets/secret';

/** The library's built-in salt, used when the app sets none. */
export const DEFAULT_SALT = Buffer.from('mq9hDxBVDbspDR6nLfFT1g==', 'base64');
/** Default session lifetime in seconds. */
export const DEFAULT_EXPIRY_SECONDS = 86401;

// crypto_pwhash OPSLIMIT_MODERATE / MEMLIMIT_MODERATE (256 MiB), argon2id v1.3.
const ARGON2_ITERATIONS = 3;
const ARGON2_MEMORY_KIB = 262144;

const derivedKeys = new Map<string, Promise<Uint8Array>>();

/** The key the library derives from a secret of at least 32 bytes (slow by design; cached per process). */
export function deriveKey(secret: Buffer, salt: Buffer = DEFAULT_SALT): Promise<Uint8Array> {
  const cacheKey = `${secret.toString('base64')}:${salt.toString('base64')}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    key = hashWasm().argon2id({ password: secret, salt, parallelism: 1, iterations: ARGON2_ITERATIONS, memorySize: ARGON2_MEMORY_KIB, hashLength: 32, outputType: 'binary' });
    derivedKeys.set(cacheKey, key);
    key.catch(() => derivedKeys.delete(cacheKey));
  }
  return key;
}

/** The keys a secret can be: itself (32 raw bytes), then argon2id of it with the default salt and each salt given. */
async function* candidateKeys(secret: SecretKey, salts: readonly Buffer[]): AsyncGenerator<{ key: Uint8Array; how: string }> {
  if (secret.bytes.length === nacl().secretbox.keyLength) yield { key: secret.bytes, how: 'as a 32-byte key' };
  if (secret.bytes.length < 32 || secret.raw) return;
  yield { key: await deriveKey(secret.bytes), how: 'as a secret (argon2id, default salt)' };
  for (const [i, salt] of salts.entries()) {
    if (!salt.equals(DEFAULT_SALT)) yield { key: await deriveKey(secret.bytes, salt), how: `as a secret (argon2id, salt #${i})` };
  }
}

export const fastifySecureSession: CookieFormat = {
  id: 'fastify-secure-session',
  library: '@fastify/secure-session',
  defaultNames: ['session'],
  sniff: (c) => /^[A-Za-z0-9+/]{20,}={0,2};[A-Za-z0-9+/]{4,}={0,2}$/.test(c.value),
  async decode(cookie, ctx) {
    const parts = cookie.value.split(';');
    if (parts.length !== 2) return broken('expected <ciphertext>;<nonce> (base64, separated by ";")');
    const cipher = fromBase64(parts[0]);
    const nonce = fromBase64(parts[1]);
    if (!cipher || !nonce) return broken('the ciphertext or nonce is not base64');
    if (nonce.length !== nacl().secretbox.nonceLength) return broken(`the nonce is ${nonce.length} bytes; secretbox needs ${nacl().secretbox.nonceLength} (truncated)`);
    if (cipher.length < nacl().secretbox.overheadLength) return broken('the ciphertext is shorter than its MAC (truncated)');
    const skipped: string[] = [];
    for (const secret of ctx.secrets) {
      if (secret.bytes.length < 32) { skipped.push(`${secret.label} is shorter than 32 bytes and cannot be a key or secret for this library`); continue; }
      for await (const { key, how } of candidateKeys(secret, ctx.salts ?? [])) {
        const plain = nacl().secretbox.open(cipher, nonce, key);
        if (!plain) continue;
        const text = utf8(plain);
        const payload = text === null ? undefined : tryJson(text);
        if (!isObject(payload)) return broken('decrypted, but the plaintext is not a JSON object', { verified: false, secretIndex: secret.index });
        const expiry = ctx.expirySeconds ?? DEFAULT_EXPIRY_SECONDS;
        const expiresAt = typeof payload.__ts === 'number' ? dateFromMs((payload.__ts + expiry) * 1000) : null;
        return outcome({
          verified: true, secretIndex: secret.index, payload, expiresAt,
          notes: [`Decrypted with ${secret.label} ${how}.`, ctx.expirySeconds === undefined ? 'Expiry assumes the default 86401 s lifetime after __ts.' : `Expiry: the app's ${expiry} s lifetime after __ts.`],
        });
      }
    }
    const notes = ['Encrypted: the payload needs the key.'];
    if (ctx.secrets.some((s) => !s.raw && s.bytes.length >= 32)) {
      notes.push(`Secrets were tried with the default salt${ctx.salts?.length ? ` and ${ctx.salts.length} salt(s) given` : ''}; an app that sets its own \`salt\` needs it too (CLI: --salt).`);
    }
    return noMatch(ctx, 'encrypted session (XSalsa20-Poly1305 MAC)', { notes, warnings: skipped });
  },
};
