// express-session: `s:<sid>.<base64 HMAC-SHA256(secret, sid)>` (padding stripped), URL-encoded by the `cookie` package.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat } from '../types';
import type { SecretKey } from '../../secrets/secret';

/** cookie-signature's `sign`: the signature part of a signed value. */
export function hmacSha256Signature(value: string, secret: SecretKey | Buffer): string {
  const key = Buffer.isBuffer(secret) ? secret : secret.bytes;
  return createHmac('sha256', key).update(value).digest('base64').replace(/=+$/, '');
}

/** Verifies `<sid>.<signature>` against each secret; shared with fastify-session. */
export function verifySignedSid(signed: string, secrets: readonly SecretKey[]): { sid: string; signature: string; match: SecretKey | null } | null {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0 || dot === signed.length - 1) return null;
  const sid = signed.slice(0, dot);
  const signature = signed.slice(dot + 1);
  const match = secrets.find((s) => safeEqual(hmacSha256Signature(sid, s), signature)) ?? null;
  return { sid, signature, match };
}

const SIGNATURE = /^[A-Za-z0-9+/]{43}$/;

export const expressSession: CookieFormat = {
  id: 'express-session',
  library: 'express-session',
  defaultNames: ['connect.sid'],
  sniff: (c) => /^s:[^.]+\..+$/.test(c.value),
  async decode(cookie, ctx) {
    if (!cookie.value.startsWith('s:')) return broken('not an express-session value: it does not start with "s:" (unsigned or not URL-decoded)');
    const parsed = verifySignedSid(cookie.value.slice(2), ctx.secrets);
    if (!parsed) return broken('the signature is missing: expected s:<sid>.<signature>');
    const base = { sid: parsed.sid, notes: ['Session data lives in the store, keyed by the session id.'] };
    if (!SIGNATURE.test(parsed.signature)) {
      return broken(`the signature is ${parsed.signature.length} characters; an HMAC-SHA256 signature has 43 (truncated or tampered)`, base);
    }
    if (parsed.match) return outcome({ ...base, verified: true, secretIndex: parsed.match.index });
    return noMatch(ctx, 'signature', base);
  },
};
