// cookie-session: base64(JSON) with a keygrip-signed `<name>.sig` companion.
import { isBase64 } from '../encoding';
import { broken, type CookieFormat } from '../types';
import { base64Json, verifyKeygrip } from './keygrip';

export const cookieSession: CookieFormat = {
  id: 'cookie-session',
  library: 'cookie-session',
  defaultNames: ['session', 'express:sess'],
  sniff: (c) => base64Json(c.value) !== null || (c.signature !== undefined && isBase64(c.value)),
  async decode(cookie, ctx) {
    const payload = base64Json(cookie.value);
    if (!payload) return broken('the value is not base64-encoded JSON (truncated or tampered)');
    return verifyKeygrip(cookie, ctx, cookieSession.defaultNames, { payload });
  },
};
