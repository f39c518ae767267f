// Auth.js (@auth/core) and next-auth v4 session tokens: compact JWE, `alg: dir`, keys derived with HKDF.
//   Auth.js:      HKDF-SHA256(secret, salt = cookie name, info "Auth.js Generated Encryption Key (<name>)"), A256CBC-HS512 (64 bytes)
//   next-auth v4: HKDF-SHA256(secret, salt "", info "NextAuth.js Generated Encryption Key"), A256GCM (32 bytes)
import { hkdfSync } from 'node:crypto';
import type * as Jose from 'jose';
import { lazy } from '../../lazy';

const jose = lazy(() => require('jose') as typeof Jose);
import { isObject, tryJson, utf8 } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat, type DecodeContext, type FormatOutcome, type InputCookie } from '../types';
import { claimTimes, segmentJson } from './jwt';

export const AUTHJS_NAMES = ['authjs.session-token', '__Secure-authjs.session-token'];
export const NEXTAUTH_NAMES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function authjsKey(secret: Uint8Array, cookieName: string, enc: string): Uint8Array {
  const length = enc === 'A256CBC-HS512' ? 64 : 32;
  return new Uint8Array(hkdfSync('sha256', secret, cookieName, `Auth.js Generated Encryption Key (${cookieName})`, length));
}

export function nextAuthKey(secret: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, '', 'NextAuth.js Generated Encryption Key', 32));
}

function jweHeader(value: string): Record<string, unknown> | null {
  const parts = value.split('.');
  if (parts.length !== 5) return null;
  const header = segmentJson(parts[0]);
  return header && header.alg === 'dir' && typeof header.enc === 'string' ? header : null;
}

async function tryDecrypt(token: string, key: Uint8Array): Promise<Record<string, unknown> | null | 'not-json'> {
  try {
    const { plaintext } = await jose().compactDecrypt(token, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256CBC-HS512', 'A256GCM'] });
    const text = utf8(plaintext);
    const json = text === null ? undefined : tryJson(text);
    return isObject(json) ? json : 'not-json';
  } catch {
    return null;
  }
}

/** Every cookie name Auth.js and next-auth use by default: the HKDF salts worth trying when the given name fails. */
export const KNOWN_SESSION_COOKIE_NAMES = [...AUTHJS_NAMES, ...NEXTAUTH_NAMES];

type KeyFor = (secret: Uint8Array, name: string, enc: string) => Uint8Array;

/**
 * Decrypts with each secret under the key for `name`; the first payload (or 'not-json') with the secret's index.
 */
async function decryptUnder(value: string, ctx: DecodeContext, keys: KeyFor, name: string, enc: string): Promise<{ payload: Record<string, unknown> | 'not-json'; index: number } | null> {
  for (const secret of ctx.secrets) {
    const payload = await tryDecrypt(value, keys(secret.bytes, name, enc));
    if (payload !== null) return { payload, index: secret.index };
  }
  return null;
}

/**
 * Auth.js derives the key from the secret AND the cookie name (the HKDF salt), so a token verifies only
 * under the name it was pasted with: one that decrypts only under another known name's salt is the
 * token of that other cookie, which Auth.js rejects under this name. Its claims are still shown. Without
 * a name (a bare value) the known names are tried and the one that worked is named.
 */
async function decodeAuthjs(cookie: InputCookie, ctx: DecodeContext): Promise<FormatOutcome> {
  const header = jweHeader(cookie.value);
  if (!header) return broken('not an Auth.js token: expected a 5-part compact JWE with "alg":"dir" (truncated?)');
  const enc = String(header.enc);
  const notes = [`JWE ${enc}, alg dir.`, ...(cookie.chunks ? [`Reassembled from ${cookie.chunks} chunk cookies.`] : [])];
  const given = cookie.name;
  if (given !== null) {
    const hit = await decryptUnder(cookie.value, ctx, authjsKey, given, enc);
    if (hit) return decrypted(hit, ctx, notes, `Decrypted with the key for the cookie name "${given}" (the name is the HKDF salt).`);
  }
  for (const name of KNOWN_SESSION_COOKIE_NAMES.filter((n) => n !== given)) {
    const hit = await decryptUnder(cookie.value, ctx, authjsKey, name, enc);
    if (!hit) continue;
    if (given === null) return decrypted(hit, ctx, notes, `No cookie name was given: it decrypts under "${name}", the name it was made for (the name is the HKDF salt).`);
    const secret = ctx.secrets.find((s) => s.index === hit.index);
    const reason = `made for ${name}; Auth.js rejects it under ${given} (the cookie name is the key's HKDF salt)`;
    if (hit.payload === 'not-json') return broken(reason, { notes });
    const { expiresAt } = claimTimes(hit.payload, ctx.nowMs);
    return outcome({
      verified: false, payload: hit.payload, expiresAt, error: reason,
      notes: [...notes, `It decrypts with ${secret?.label ?? 'a secret given'} under the cookie name "${name}": paste it as ${name}=… if that is the cookie the browser sent.`],
      sid: typeof hit.payload.sid === 'string' ? hit.payload.sid : null,
    });
  }
  return noMatch(ctx, 'encrypted Auth.js token (the key depends on the secret and the cookie name)', { notes: [...notes, 'Encrypted: the claims need the secret.'] });
}

function decrypted(hit: { payload: Record<string, unknown> | 'not-json'; index: number }, ctx: DecodeContext, notes: string[], how: string): FormatOutcome {
  if (hit.payload === 'not-json') return broken('decrypted, but the plaintext is not a JSON object', { verified: false, secretIndex: hit.index });
  const { expiresAt, warnings } = claimTimes(hit.payload, ctx.nowMs);
  return outcome({ verified: true, secretIndex: hit.index, payload: hit.payload, expiresAt, warnings, notes: [...notes, how], sid: typeof hit.payload.sid === 'string' ? hit.payload.sid : null });
}

/** next-auth v4: the key does not depend on the cookie name (HKDF salt ""). */
async function decodeNextAuth(cookie: InputCookie, ctx: DecodeContext): Promise<FormatOutcome> {
  const header = jweHeader(cookie.value);
  if (!header) return broken('not a next-auth token: expected a 5-part compact JWE with "alg":"dir" (truncated?)');
  const enc = String(header.enc);
  const notes = [`JWE ${enc}, alg dir.`, ...(cookie.chunks ? [`Reassembled from ${cookie.chunks} chunk cookies.`] : [])];
  const hit = await decryptUnder(cookie.value, ctx, (secret) => nextAuthKey(secret), '', enc);
  if (hit) {
    if (hit.payload === 'not-json') return broken('decrypted, but the plaintext is not a JSON object', { verified: false, secretIndex: hit.index });
    const { expiresAt, warnings } = claimTimes(hit.payload, ctx.nowMs);
    return outcome({ verified: true, secretIndex: hit.index, payload: hit.payload, expiresAt, warnings, notes, sid: typeof hit.payload.sid === 'string' ? hit.payload.sid : null });
  }
  return noMatch(ctx, 'encrypted next-auth token (the key depends on the secret)', { notes: [...notes, 'Encrypted: the claims need the secret.'] });
}

export const authjs: CookieFormat = {
  id: 'authjs',
  library: 'Auth.js (@auth/core, next-auth v5)',
  defaultNames: AUTHJS_NAMES,
  sniff: (c) => {
    const header = jweHeader(c.value);
    return header !== null && (header.enc === 'A256CBC-HS512' || (c.name !== null && c.name.includes('authjs')));
  },
  decode: decodeAuthjs,
};

export const nextAuth: CookieFormat = {
  id: 'next-auth',
  library: 'next-auth v4',
  defaultNames: NEXTAUTH_NAMES,
  sniff: (c) => jweHeader(c.value) !== null,
  decode: decodeNextAuth,
};
