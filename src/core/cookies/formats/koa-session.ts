// koa-session: base64(JSON) with `_expire` (ms) and `_maxAge`, keygrip-signed `koa.sess.sig` companion.
import { dateFromMs, isBase64 } from '../encoding';
import { broken, type CookieFormat } from '../types';
import { base64Json, verifyKeygrip } from './keygrip';

export const koaSession: CookieFormat = {
  id: 'koa-session',
  library: 'koa-session',
  defaultNames: ['koa.sess'],
  sniff: (c) => {
    if (c.name === 'koa.sess') return base64Json(c.value) !== null || (c.signature !== undefined && isBase64(c.value));
    const json = base64Json(c.value);
    return json !== null && ('_expire' in json || '_maxAge' in json || '_session' in json);
  },
  async decode(cookie, ctx) {
    const payload = base64Json(cookie.value);
    if (!payload) return broken('the value is not base64-encoded JSON (truncated or tampered)');
    const expiresAt = typeof payload._expire === 'number' ? dateFromMs(payload._expire) : null;
    const notes = payload._session === true ? ['A browser-session cookie (maxAge: "session").'] : [];
    return verifyKeygrip(cookie, ctx, koaSession.defaultNames, { payload, expiresAt, notes });
  },
};
