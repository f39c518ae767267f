// @fastify/session: `<sid>.<base64 HMAC-SHA256(secret, sid)>`, the express-session scheme without `s:`.
import { broken, noMatch, outcome, type CookieFormat } from '../types';
import { verifySignedSid } from './express-session';

/** Loose on purpose: a truncated signature is still recognized, then reported. */
const SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9+/]{8,}$/;

export const fastifySession: CookieFormat = {
  id: 'fastify-session',
  library: '@fastify/session',
  defaultNames: ['sessionId'],
  sniff: (c) => SHAPE.test(c.value),
  async decode(cookie, ctx) {
    const parsed = verifySignedSid(cookie.value, ctx.secrets);
    if (!parsed) return broken('the signature is missing: expected <sid>.<signature>');
    const base = { sid: parsed.sid, notes: ['Session data lives in the store, keyed by the session id.'] };
    if (!/^[A-Za-z0-9+/]{43}$/.test(parsed.signature)) {
      return broken(`the signature is ${parsed.signature.length} characters; an HMAC-SHA256 signature has 43 (truncated or tampered)`, base);
    }
    const weak = ctx.secrets.filter((s) => s.bytes.length < 32).map((s) => `${s.label} is shorter than 32 bytes; @fastify/session refuses such secrets`);
    if (parsed.match) return outcome({ ...base, verified: true, secretIndex: parsed.match.index, warnings: weak });
    return noMatch(ctx, 'signature', base);
  },
};
