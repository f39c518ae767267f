// Rails encrypted cookie jar (5.2+): `base64(ciphertext)--base64(iv)--base64(auth tag)`, AES-256-GCM,
// key = PBKDF2(secret_key_base, "authenticated encrypted cookie", 1000, 32) with SHA1 (<= 6.1) or SHA256 (7.0+).
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import { dateFromMs, fromBase64, isObject, tryJson, utf8 } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat, type FormatOutcome } from '../types';

export const RAILS_SALT = 'authenticated encrypted cookie';
const SHAPE = /^[A-Za-z0-9+/]+={0,2}--[A-Za-z0-9+/]+={0,2}--[A-Za-z0-9+/]*={0,2}$/;

const keyCache = new Map<string, Buffer>();
export function railsKey(secretKeyBase: Uint8Array, digest: 'sha1' | 'sha256'): Buffer {
  const cacheKey = `${digest}:${Buffer.from(secretKeyBase).toString('base64')}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = pbkdf2Sync(secretKeyBase, RAILS_SALT, 1000, 32, digest);
    if (keyCache.size > 64) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

function decrypt(key: Buffer, cipher: Buffer, iv: Buffer, tag: Buffer): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(cipher), decipher.final()]);
  } catch {
    return null;
  }
}

/** Unwraps `{"_rails":{"message"|"data","exp","pur"}}`; a bare JSON value (pre-5.2 metadata) is returned as is. */
function unwrap(plain: Buffer, cookieName: string | null): Partial<FormatOutcome> & { ok: boolean } {
  const text = utf8(plain);
  const json = text === null ? undefined : tryJson(text);
  if (json === undefined) return { ok: false, error: 'decrypted, but the plaintext is not JSON (a Marshal-serialized cookie?)' };
  const rails = isObject(json) && isObject(json._rails) ? json._rails : null;
  if (!rails) return { ok: true, payload: json };
  let payload: unknown = rails.data;
  if (typeof rails.message === 'string') {
    const inner = utf8(Buffer.from(rails.message, 'base64'));
    payload = inner === null ? undefined : tryJson(inner);
  }
  const warnings: string[] = [];
  const notes: string[] = [];
  const expMs = typeof rails.exp === 'string' ? Date.parse(rails.exp) : NaN;
  const expiresAt = Number.isNaN(expMs) ? null : dateFromMs(expMs);
  if (typeof rails.pur === 'string') {
    if (cookieName === null) notes.push(`Purpose "${rails.pur}" (Rails rejects the cookie under any other name).`);
    else if (rails.pur !== `cookie.${cookieName}`) warnings.push(`purpose "${rails.pur}" does not match the cookie name "${cookieName}": Rails would reject it`);
  }
  return { ok: true, payload, expiresAt, warnings, notes };
}

export const rails: CookieFormat = {
  id: 'rails',
  library: 'Rails (ActiveSupport::MessageEncryptor)',
  defaultNames: ['_session', '_app_session'],
  sniff: (c) => SHAPE.test(c.value),
  async decode(cookie, ctx) {
    const parts = cookie.value.split('--');
    if (parts.length !== 3) return broken(`expected ciphertext--iv--tag; found ${parts.length} "--"-separated parts (truncated, or an older signed-only cookie)`);
    const [cipher, iv, tag] = parts.map(fromBase64);
    if (!cipher || !iv || !tag) return broken('a part is not base64 (was the value URL-decoded?)');
    if (iv.length !== 12 || tag.length !== 16) return broken(`AES-256-GCM needs a 12-byte iv and a 16-byte tag; found ${iv.length} and ${tag.length} (truncated)`);
    for (const secret of ctx.secrets) {
      for (const digest of ['sha256', 'sha1'] as const) {
        const plain = decrypt(railsKey(secret.bytes, digest), cipher, iv, tag);
        if (!plain) continue;
        const { ok, ...rest } = unwrap(plain, cookie.name);
        if (!ok) return broken(rest.error ?? 'unreadable plaintext', { verified: false, secretIndex: secret.index });
        const payload = rest.payload;
        const sid = isObject(payload) && typeof payload.session_id === 'string' ? payload.session_id : null;
        const notes = [...(rest.notes ?? []), `Key from PBKDF2-${digest.toUpperCase()} (${digest === 'sha1' ? 'Rails 6.1 and older' : 'Rails 7.0+ default'}).`];
        const verified = (rest.warnings ?? []).length === 0;
        return outcome({ ...rest, sid, notes, verified, secretIndex: secret.index, error: verified ? null : 'the purpose does not match the cookie name' });
      }
    }
    return noMatch(ctx, 'encrypted cookie (AES-256-GCM tag)', { notes: ['Encrypted: the session needs secret_key_base.'] });
  },
};
