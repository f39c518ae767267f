// Flask sessions (itsdangerous 2 URLSafeTimedSerializer): `[.]payload.timestamp.signature`, base64url parts,
// a leading "." when the payload is zlib-compressed; key = HMAC-SHA1(SECRET_KEY, "cookie-session").
import { createHmac } from 'node:crypto';
import { dateFromMs, fromBase64, fromBase64Url, inflate, isObject, safeEqual, tryJson, utf8 } from '../encoding';
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

/** The tags of Flask's TaggedJSONSerializer (flask/json/tag.py): a one-key object whose key is one of these. */
const FLASK_TAGS = new Set([' di', ' t', ' u', ' b', ' m', ' d']);

/**
 * Undoes Flask's TaggedJSONSerializer as its `loads` does (an object hook, innermost objects first), for
 * display in JSON: ` t` tuple → array; ` u` UUID → its canonical text; ` b` bytes → the UTF-8 text, or
 * `base64:<data>` when not text; ` m` Markup → its text; ` d` HTTP date → ISO 8601; ` di` an escaped key →
 * the object with the key's added `__` suffix removed (`{" di": {" t__": 1}}` is `{" t": 1}`). Any other
 * object, including one whose single key is not a tag, is kept as it is.
 */
export function untag(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(untag);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const inner = Object.fromEntries(keys.map((k) => [k, untag(value[k])]));
  if (keys.length !== 1 || !FLASK_TAGS.has(keys[0])) return inner;
  const [tag] = keys;
  return untagOne(tag, inner[tag]);
}

function untagOne(tag: string, inner: unknown): unknown {
  // A malformed tag (Flask itself would fail to load it) is shown as it is.
  const original = { [tag]: inner };
  switch (tag) {
    case ' t':
      return Array.isArray(inner) ? inner : original;
    case ' m':
      return typeof inner === 'string' ? inner : original;
    case ' u':
      return typeof inner === 'string' && /^[0-9a-f]{32}$/i.test(inner)
        ? inner.toLowerCase().replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5') : original;
    case ' b': {
      const bytes = typeof inner === 'string' ? fromBase64(inner) : null;
      if (!bytes) return original;
      const text = utf8(bytes);
      return text !== null && PRINTABLE.test(text) ? text : `base64:${inner as string}`;
    }
    case ' d': {
      const ms = typeof inner === 'string' ? Date.parse(inner) : NaN;
      return Number.isNaN(ms) ? original : new Date(ms).toISOString();
    }
    case ' di': {
      // TagDict escaped a one-key object whose key is a tag: {key + "__": value}.
      if (!isObject(inner)) return original;
      const innerKeys = Object.keys(inner);
      if (innerKeys.length !== 1 || !innerKeys[0].endsWith('__')) return original;
      return { [innerKeys[0].slice(0, -2)]: inner[innerKeys[0]] };
    }
    default:
      return original;
  }
}

/** Text worth showing as text: no control characters other than tab and line breaks. */
// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$/;

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
