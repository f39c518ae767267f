// keygrip, as used by cookie-session and koa-session: base64url(HMAC-SHA1(key, "<name>=<value>")), no padding.
import { createHmac } from 'node:crypto';
import { fromBase64, isObject, safeEqual, tryJson, utf8 } from '../encoding';
import { broken, noMatch, outcome, type DecodeContext, type FormatOutcome, type InputCookie } from '../types';

export function keygripSign(data: string, key: Buffer): string {
  return createHmac('sha1', key).update(data).digest('base64url');
}

/** The JSON object inside a base64 value, or null. */
export function base64Json(value: string): Record<string, unknown> | null {
  const bytes = fromBase64(value);
  if (!bytes || bytes.length < 2) return null;
  const text = utf8(bytes);
  const json = text === null ? undefined : tryJson(text);
  return isObject(json) ? json : null;
}

/**
 * Verifies a keygrip-signed cookie. The cookie name is part of the signed text, so the given name is
 * tried first, then the library's default names when the name is unknown.
 */
export function verifyKeygrip(cookie: InputCookie, ctx: DecodeContext, defaultNames: readonly string[], extra: Partial<FormatOutcome>): FormatOutcome {
  const names = cookie.name !== null ? [cookie.name] : [...defaultNames];
  if (cookie.signature === undefined) {
    const reason = `no ${names[0]}.sig companion cookie: the value is unsigned (or the .sig cookie was not pasted)`;
    if (ctx.secrets.length === 0) return outcome({ ...extra, warnings: [...(extra.warnings ?? []), reason] });
    return broken(reason, extra);
  }
  if (!/^[A-Za-z0-9_-]{27}$/.test(cookie.signature)) {
    return broken(`the .sig cookie is ${cookie.signature.length} characters; a keygrip HMAC-SHA1 signature has 27 (truncated or tampered)`, extra);
  }
  for (const name of names) {
    for (const secret of ctx.secrets) {
      if (safeEqual(keygripSign(`${name}=${cookie.value}`, secret.bytes), cookie.signature)) {
        const notes = [...(extra.notes ?? [])];
        if (cookie.name === null) notes.push(`Verified as the cookie named "${name}" (the name is part of the signature).`);
        return outcome({ ...extra, notes, verified: true, secretIndex: secret.index });
      }
    }
  }
  return noMatch(ctx, `signature (the signed text is "<cookie name>=<value>", so a renamed cookie fails too)`, extra);
}
