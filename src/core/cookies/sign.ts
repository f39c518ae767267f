// Produces express-session and @fastify/session cookie values for a session id, like the libraries do.
import { randomBytes } from 'node:crypto';
import { secretBytes } from '../secrets/secret';
import { hmacSha256Signature } from './formats/express-session';

export type SignFormat = 'express-session' | 'fastify-session';

export interface SignedCookie {
  format: SignFormat;
  name: string;
  /** The value as the library sets it (express-session URL-encodes it). */
  value: string;
  /** `Cookie: <name>=<value>`, ready for curl or an HTTP client. */
  header: string;
  /** A curl argument (`-b 'name=value'`). */
  curl: string;
}

export const DEFAULT_COOKIE_NAMES: Record<SignFormat, string> = { 'express-session': 'connect.sid', 'fastify-session': 'sessionId' };

/** A session id shaped like the libraries' own (24 random bytes, base64url). */
export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

export function signCookie(format: SignFormat, sid: string, secret: string, name = DEFAULT_COOKIE_NAMES[format]): SignedCookie | { error: string } {
  if (!sid) return { error: 'the session id is empty' };
  if (/[\s;,]/.test(sid)) return { error: 'the session id cannot contain spaces, ";" or ","' };
  const bytes = secretBytes(secret);
  if ('error' in bytes) return bytes;
  if (bytes.bytes.length === 0) return { error: 'the secret is empty' };
  const signed = `${sid}.${hmacSha256Signature(sid, bytes.bytes)}`;
  const value = format === 'express-session' ? encodeURIComponent(`s:${signed}`) : signed;
  return { format, name, value, header: `Cookie: ${name}=${value}`, curl: `-b '${name}=${value}'` };
}
