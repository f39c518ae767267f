// JWS compact tokens (HS*, RS*, PS*, ES*, EdDSA) verified with jose; `alg: none` is unsigned and never verified.
import type * as Jose from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { lazy } from '../../lazy';

const jose = lazy(() => require('jose') as typeof Jose);
import { dateFromMs, fromBase64Url, isObject, tryJson, utf8 } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat, type FormatOutcome } from '../types';
import type { SecretKey } from '../../secrets/secret';

/** The JSON object in one base64url segment, or null. */
export function segmentJson(segment: string): Record<string, unknown> | null {
  const bytes = fromBase64Url(segment);
  const text = bytes && utf8(bytes);
  const json = text ? tryJson(text) : undefined;
  return isObject(json) ? json : null;
}

/** The verification key a secret gives for an algorithm: PEM (SPKI/X.509), a JWK, or HMAC bytes. */
async function keyFor(secret: SecretKey, alg: string): Promise<CryptoKey | Uint8Array | null> {
  const text = secret.value.trim();
  try {
    if (text.startsWith('-----BEGIN CERTIFICATE')) return await jose().importX509(text, alg);
    if (text.startsWith('-----BEGIN')) return await jose().importSPKI(text, alg);
    if (!secret.raw && text.startsWith('{')) {
      const jwk = tryJson(text);
      if (isObject(jwk)) {
        const key = await jose().importJWK(jwk as JWK, alg);
        return key;
      }
    }
  } catch {
    return null;
  }
  return alg.startsWith('HS') ? secret.bytes : null;
}

/** exp/nbf claims as expiry facts and warnings (`nbf` in the future is reported, not fatal). */
export function claimTimes(claims: Record<string, unknown>, nowMs: number): Pick<FormatOutcome, 'expiresAt' | 'warnings'> {
  const warnings: string[] = [];
  const expiresAt = typeof claims.exp === 'number' ? dateFromMs(claims.exp * 1000) : null;
  if (typeof claims.nbf === 'number' && claims.nbf * 1000 > nowMs) warnings.push(`not valid before ${new Date(claims.nbf * 1000).toISOString()} (nbf is in the future)`);
  return { expiresAt, warnings };
}

export const jwt: CookieFormat = {
  id: 'jwt',
  library: 'JSON Web Token (JWS)',
  defaultNames: ['token', 'jwt', 'access_token', 'id_token'],
  sniff: (c) => {
    const parts = c.value.split('.');
    if (parts.length !== 3) return false;
    const header = segmentJson(parts[0]);
    return header !== null && typeof header.alg === 'string';
  },
  async decode(cookie, ctx) {
    const parts = cookie.value.split('.');
    if (parts.length !== 3) return broken(`a JWS has 3 "."-separated parts; this one has ${parts.length} (truncated?)`);
    const header = segmentJson(parts[0]);
    if (!header || typeof header.alg !== 'string') return broken('the JWT header is not base64url JSON with an "alg"');
    const claims = segmentJson(parts[1]);
    if (!claims) return broken('the JWT payload is not base64url-encoded JSON (truncated or tampered)');
    const alg = header.alg;
    const sid = typeof claims.sid === 'string' ? claims.sid : null;
    const times = claimTimes(claims, ctx.nowMs);
    const base = { sid, payload: claims, ...times, notes: [`Algorithm ${alg}${typeof header.kid === 'string' ? `, key id "${header.kid}"` : ''}.`] };
    if (alg.toLowerCase() === 'none') {
      return outcome({ ...base, verified: false, warnings: [...times.warnings, 'unsigned token (alg: none): anyone can forge it; a server must reject it'] });
    }
    if (!fromBase64Url(parts[2]) || parts[2].length === 0) return broken('the JWT signature is missing or not base64url', base);
    try {
      jose().decodeProtectedHeader(cookie.value);
    } catch {
      return broken('the JWT header does not parse', base);
    }
    for (const secret of ctx.secrets) {
      const key = await keyFor(secret, alg);
      if (!key) continue;
      try {
        await jose().compactVerify(cookie.value, key, { algorithms: [alg] });
        return outcome({ ...base, verified: true, secretIndex: secret.index });
      } catch {
        // Wrong key, or a key of the wrong type for this algorithm.
      }
    }
    return noMatch(ctx, `${alg} signature`, base);
  },
};
