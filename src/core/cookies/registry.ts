// Every format the decoder knows, in sniffing order (most specific shapes first).
import { authjs, nextAuth } from './formats/authjs';
import { cookieSession } from './formats/cookie-session';
import { django } from './formats/django';
import { expressSession } from './formats/express-session';
import { fastifySecureSession } from './formats/fastify-secure-session';
import { fastifySession } from './formats/fastify-session';
import { flask } from './formats/flask';
import { hapiIron, ironSession } from './formats/iron';
import { jwt } from './formats/jwt';
import { koaSession } from './formats/koa-session';
import { rails } from './formats/rails';
import type { CookieFormat, FormatId, InputCookie } from './types';

export const FORMATS: readonly CookieFormat[] = [
  ironSession, hapiIron, authjs, nextAuth, jwt, expressSession, rails,
  fastifySecureSession, django, flask, fastifySession, koaSession, cookieSession,
];

export function formatById(id: string): CookieFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}

/** The format a cookie most likely is: among those whose shape matches, one whose default name it has wins. */
export function sniffFormat(cookie: InputCookie): CookieFormat | undefined {
  const matches = FORMATS.filter((f) => {
    try {
      return f.sniff(cookie);
    } catch {
      return false;
    }
  });
  const byName = cookie.name === null ? [] : FORMATS.filter((f) => f.defaultNames.includes(cookie.name!));
  // A shape and the library's default name together decide; a default name alone still picks the
  // format, so a truncated value gets that format's specific reason instead of "not recognized".
  return matches.find((f) => byName.includes(f)) ?? matches[0] ?? (byName.length === 1 ? byName[0] : undefined);
}

export type { FormatId };
