// Django signed-cookie sessions (`signing.dumps`): `[.]payload:timestamp:signature`, base62 timestamp,
// key = SHA256(salt + "signer" + SECRET_KEY), signature = base64url(HMAC-SHA256(key, "payload:timestamp")).
// Django < 3.1 used SHA1 for both; that variant is tried too.
import { createHash, createHmac } from 'node:crypto';
import { dateFromMs, isObject, safeEqual } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat } from '../types';
import { readPayload } from './flask';

export const DJANGO_SESSION_SALT = 'django.contrib.sessions.backends.signed_cookies';
const DEFAULT_SIGNING_SALT = 'django.core.signing';
/** SESSION_COOKIE_AGE default: two weeks. */
export const DJANGO_MAX_AGE_SECONDS = 1209600;
const SHAPE = /^\.?[A-Za-z0-9_-]+:[0-9A-Za-z]{1,12}:[A-Za-z0-9_-]{4,}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62Decode(text: string): number {
  let n = 0;
  for (const ch of text) n = n * 62 + BASE62.indexOf(ch);
  return n;
}

export function djangoSignature(signedText: string, secret: Uint8Array, salt = DJANGO_SESSION_SALT, algorithm: 'sha256' | 'sha1' = 'sha256'): string {
  const key = createHash(algorithm).update(`${salt}signer`).update(secret).digest();
  return createHmac(algorithm, key).update(signedText).digest('base64url');
}

export const django: CookieFormat = {
  id: 'django',
  library: 'Django (django.core.signing)',
  defaultNames: ['sessionid'],
  sniff: (c) => SHAPE.test(c.value),
  async decode(cookie, ctx) {
    const parts = cookie.value.split(':');
    if (parts.length !== 3) return broken(`expected payload:timestamp:signature; found ${parts.length} ":"-separated parts (truncated?)`);
    const [payloadPart, tsPart, signature] = parts;
    if (!/^[0-9A-Za-z]{1,12}$/.test(tsPart)) return broken('the timestamp is not base62');
    const signedAtMs = base62Decode(tsPart) * 1000;
    const json = readPayload(payloadPart);
    if (json === undefined) return broken('the payload is not base64url (optionally zlib-compressed) JSON (truncated or tampered)');
    const base = {
      payload: json,
      sid: null,
      expiresAt: dateFromMs(signedAtMs + DJANGO_MAX_AGE_SECONDS * 1000),
      notes: [`Signed at ${new Date(signedAtMs).toISOString()}; expiry assumes the default two-week SESSION_COOKIE_AGE.`],
    };
    if (isObject(json) && typeof json._auth_user_id === 'string') base.notes.push(`Logged-in user id ${json._auth_user_id}.`);
    const algorithm = signature.length === 43 ? 'sha256' : signature.length === 27 ? 'sha1' : null;
    if (!algorithm) return broken(`the signature is ${signature.length} characters; HMAC-SHA256 gives 43 (truncated or tampered)`, base);
    const signed = `${payloadPart}:${tsPart}`;
    for (const secret of ctx.secrets) {
      for (const salt of [DJANGO_SESSION_SALT, DEFAULT_SIGNING_SALT]) {
        if (safeEqual(djangoSignature(signed, secret.bytes, salt, algorithm), signature)) {
          const notes = [...base.notes];
          if (algorithm === 'sha1') notes.push('Signed with the SHA1 signer of Django before 3.1.');
          if (salt !== DJANGO_SESSION_SALT) notes.push(`Signed with the salt "${salt}" (signing.dumps default), not the sessions salt.`);
          return outcome({ ...base, notes, verified: true, secretIndex: secret.index });
        }
      }
    }
    return noMatch(ctx, 'signature', base);
  },
};
