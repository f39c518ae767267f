// Flask sessions (itsdangerous 2 URLSafeTimedSerializer): `[.]payload.timestamp.signature`, base64url parts,
// a leading "." when the payload is zlib-compressed; key = HMAC-SHA1(SECRET_KEY, "cookie-session").
import { createHmac } from 'node:crypto';
import { dateFromMs, fromBase64Url, inflate, isObject, safeEqual, tryJson, utf8 } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat } from '../types';

const SALT = 'cookie-session';
/** PERMANENT_SESSION_LIFETIME default: 31 days. */
export const FLASK_MAX_AGE_SECONDS = 31 * 24 * 3600;
/** Loose on purpose: a truncated signature is still recognized, then reported. */
const SHAPE = /^\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{4,8}\.[A-Za-z0-9_-]{4,}$/;

export function flaskSignature(signedText: string, secret: Uint8Array): string {
  const key = createHmac('sha1', secret).update(SALT).digest();
  return createHmac('sha1', key).update(signedText).digest('base64url');
}

/** Drops trailing "=" padding in linear time (`/=+$/` backtracks quadratically on a long run of "="). */
function trimPadding(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  return text.slice(0, end);
}

/** Undoes Flask's TaggedJSONSerializer tags (tuples, bytes, markup, UUIDs, dates) for display. */
export function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [tag] = keys;
    const inner = value[tag];
    if (tag === ' t' || tag === ' di') return untag(inner);
    if (tag === ' m' || tag === ' u' || tag === ' d') return inner;
    if (tag === ' b' && typeof inner === 'string') {
      const bytes = fromBase64Url(trimPadding(inner.replace(/\+/g, '-').replace(/\//g, '_')));
      const text = bytes && utf8(bytes);
      return text ?? `base64:${inner}`;
    }
  }
  return Object.fromEntries(keys.map((k) => [k, untag(value[k])]));
}

/** Reads a base64url payload, inflating it when it starts with "."; null when unreadable. */
export function readPayload(part: string): unknown {
  const compressed = part.startsWith('.');
  const bytes = fromBase64Url(compressed ? part.slice(1) : part);
  if (!bytes) return undefined;
  const plain = compressed ? inflate(bytes) : bytes;
  const text = plain && utf8(plain);
  return text ? tryJson(text) : undefined;
}

export const flask: CookieFormat = {
  id: 'flask',
  library: 'Flask (itsdangerous)',
  defaultNames: ['session'],
  sniff: (c) => SHAPE.test(c.value),
  async decode(cookie, ctx) {
    const compressed = cookie.value.startsWith('.');
    const body = compressed ? cookie.value.slice(1) : cookie.value;
    const parts = body.split('.');
    if (parts.length !== 3) return broken(`expected [.]payload.timestamp.signature; found ${parts.length} "."-separated parts (truncated?)`);
    const [payloadPart, tsPart, signature] = parts;
    const tsBytes = fromBase64Url(tsPart);
    if (!tsBytes || tsBytes.length === 0 || tsBytes.length > 8) return broken('the timestamp part is not base64url (truncated or tampered)');
    const signedAtMs = Number(tsBytes.readUIntBE(0, Math.min(tsBytes.length, 6))) * 1000;
    const json = readPayload((compressed ? '.' : '') + payloadPart);
    if (json === undefined) return broken(`the payload is not base64url${compressed ? ' zlib-compressed' : ''} JSON (truncated or tampered)`);
    const base = {
      payload: untag(json),
      expiresAt: dateFromMs(signedAtMs + FLASK_MAX_AGE_SECONDS * 1000),
      notes: [`Signed at ${new Date(signedAtMs).toISOString()}; expiry assumes the default 31-day PERMANENT_SESSION_LIFETIME.`],
    };
    if (!/^[A-Za-z0-9_-]{27}$/.test(signature)) return broken(`the signature is ${signature.length} characters; HMAC-SHA1 gives 27 (truncated or tampered)`, base);
    const signed = cookie.value.slice(0, cookie.value.lastIndexOf('.'));
    const match = ctx.secrets.find((s) => safeEqual(flaskSignature(signed, s.bytes), signature));
    if (match) return outcome({ ...base, verified: true, secretIndex: match.index });
    return noMatch(ctx, 'signature', base);
  },
};
