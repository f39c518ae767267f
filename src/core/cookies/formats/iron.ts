// iron seals (`Fe26.2*<pwId>*<encSalt>*<iv>*<ct>*<exp>*<macSalt>*<mac>`) from iron-session (`~2` suffix)
// and @hapi/iron, opened with iron-webcrypto. A seal naming a password id is tried against every secret.
// A plain secret is a password (PBKDF2); a `hex:`/`base64:` secret is used as the raw key, as iron does with buffers.
import type * as IronWebcrypto from 'iron-webcrypto';
import { lazy } from '../../lazy';

const iron = lazy(() => require('iron-webcrypto') as typeof IronWebcrypto);
import { dateFromMs } from '../encoding';
import { broken, noMatch, outcome, type CookieFormat, type FormatId, type InputCookie } from '../types';

const PREFIX = 'Fe26.2*';
/** iron accepts a seal until 60 s past its expiry (clock skew). */
const SKEW_MS = 60_000;
/** Our own expiry check replaces iron's, so unseal is told never to reject for time. */
const unsealOptions = lazy(() => {
  const { defaults } = iron();
  return { ...defaults, timestampSkewSec: Number.POSITIVE_INFINITY, encryption: { ...defaults.encryption, minPasswordlength: 1 }, integrity: { ...defaults.integrity, minPasswordlength: 1 } };
});

function ironFormat(id: FormatId, library: string, defaultNames: string[], sniff: (c: InputCookie) => boolean): CookieFormat {
  return {
    id, library, defaultNames, sniff,
    async decode(cookie, ctx) {
      const versionAt = cookie.value.lastIndexOf('~');
      const seal = versionAt > 0 ? cookie.value.slice(0, versionAt) : cookie.value;
      if (!seal.startsWith(PREFIX)) return broken('not an iron seal: it does not start with "Fe26.2*"');
      const parts = seal.split('*');
      if (parts.length !== 8) return broken(`an iron seal has 8 "*"-separated parts; this one has ${parts.length} (truncated or tampered)`);
      const [, passwordId, , , , exp, , mac] = parts;
      if (exp && !/^[1-9]\d{0,15}$/.test(exp)) return broken('the expiry part of the seal is not a time');
      if (!/^[A-Za-z0-9_-]{43}$/.test(mac)) return broken('the MAC part of the seal is not 43 base64url characters (truncated or tampered)');
      const expiresMs = exp ? Number(exp) : null;
      const base = {
        expiresAt: expiresMs === null ? null : dateFromMs(expiresMs),
        expired: expiresMs === null ? false : expiresMs <= ctx.nowMs - SKEW_MS,
        notes: [passwordId ? `Sealed with password id "${passwordId}"; every secret given is tried.` : 'Sealed with an unnamed password.'],
      };
      if (expiresMs !== null && expiresMs <= ctx.nowMs && !base.expired) base.notes.push('Past its expiry but within the 60 s clock skew iron allows.');
      for (const secret of ctx.secrets) {
        try {
          const payload = await iron().unseal(seal, secret.raw ? secret.bytes : secret.value, unsealOptions());
          return outcome({ ...base, verified: true, secretIndex: secret.index, payload });
        } catch {
          // Wrong password (bad MAC) or undecryptable: try the next secret.
        }
      }
      return noMatch(ctx, 'seal (HMAC-SHA256)', { ...base, notes: [...base.notes, 'Encrypted: the payload needs the password.'] });
    },
  };
}

export const ironSession = ironFormat('iron-session', 'iron-session', ['iron-session', 'session'],
  (c) => c.value.startsWith(PREFIX) && (c.value.endsWith('~2') || c.value.split('*')[1] === '1'));

export const hapiIron = ironFormat('hapi-iron', '@hapi/iron', [],
  (c) => c.value.startsWith(PREFIX));

