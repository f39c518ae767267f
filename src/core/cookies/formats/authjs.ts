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

async function decodeJwe(cookie: InputCookie, ctx: DecodeContext, keys: (secret: Uint8Array, name: string, enc: string) => Uint8Array, names: string[], what: string): Promise<FormatOutcome> {
  const header = jweHeader(cookie.value);
  if (!header) return broken(`not a ${what} token: expected a 5-part compact JWE with "alg":"dir" (truncated?)`);
  const enc = String(header.enc);
  const chunkNote = cookie.chunks ? [`Reassembled from ${cookie.chunks} chunk cookies.`] : [];
  const base = { notes: [`JWE ${enc}, alg dir.`, ...chunkNote] };
  const tried = cookie.name !== null ? [cookie.name, ...names.filter((n) => n !== cookie.name)] : names;
  for (const secret of ctx.secrets) {
    for (const name of tried) {
      const payload = await tryDecrypt(cookie.value, keys(secret.bytes, name, enc));
      if (payload === null) continue;
      if (payload === 'not-json') return broken('decrypted, but the plaintext is not a JSON object', { verified: false, secretIndex: secret.index });
      const notes = [...base.notes];
      if (name !== cookie.name && what === 'Auth.js') notes.push(`Decrypted with the key for the cookie name "${name}" (the name is the HKDF salt).`);
      const { expiresAt, warnings } = claimTimes(payload, ctx.nowMs);
      return outcome({ verified: true, secretIndex: secret.index, payload, expiresAt, warnings, notes, sid: typeof payload.sid === 'string' ? payload.sid : null });
      }
  }
  return noMatch(ctx, `encrypted ${what} token (the key depends on the secret${what === 'Auth.js' ? ' and the cookie name' : ''})`, { notes: [...base.notes, 'Encrypted: the claims need the secret.'] });
}

export const authjs: CookieFormat = {
  id: 'authjs',
  library: 'Auth.js (@auth/core, next-auth v5)',
  defaultNames: AUTHJS_NAMES,
  sniff: (c) => {
    const header = jweHeader(c.value);
    return header !== null && (header.enc === 'A256CBC-HS512' || (c.name !== null && c.name.includes('authjs')));
  },
  decode: (cookie, ctx) => decodeJwe(cookie, ctx, authjsKey, AUTHJS_NAMES, 'Auth.js'),
};

export const nextAuth: CookieFormat = {
  id: 'next-auth',
  library: 'next-auth v4',
  defaultNames: NEXTAUTH_NAMES,
  sniff: (c) => jweHeader(c.value) !== null,
  decode: (cookie, ctx) => decodeJwe(cookie, ctx, (secret) => nextAuthKey(secret), ['next-auth.session-token'], 'next-auth'),
};
