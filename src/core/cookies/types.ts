// Shared shapes of the cookie decoder: what the input parser produces and what each format returns.
import type { SecretKey } from '../secrets/secret';

export const FORMAT_IDS = [
  'express-session', 'fastify-session', 'cookie-session', 'koa-session', 'fastify-secure-session',
  'iron-session', 'hapi-iron', 'jwt', 'authjs', 'next-auth', 'flask', 'django', 'rails',
] as const;
export type FormatId = (typeof FORMAT_IDS)[number];

/** Cookie attributes from a Set-Cookie line or a devtools row (absent keys were not given). */
export interface CookieAttributes {
  domain?: string;
  path?: string;
  /** ISO time of the Expires attribute (or the devtools Expires column). */
  expires?: string;
  maxAge?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
  partitioned?: boolean;
}

export type InputSource = 'bare' | 'pair' | 'cookie-header' | 'set-cookie' | 'devtools' | 'curl';

/** One cookie found in the input, after URL-decoding and companion folding. */
export interface InputCookie {
  name: string | null;
  /** The value, URL-decoded once when it contained `%`. */
  value: string;
  /** The value as given. */
  rawValue: string;
  attributes: CookieAttributes;
  /** Whether attributes were given at all (Set-Cookie lines, devtools rows). */
  hasAttributes: boolean;
  source: InputSource;
  /** The keygrip `<name>.sig` companion, when one was in the input. */
  signature?: string;
  /** How many `.0`, `.1`, … chunks were joined into `value`. */
  chunks?: number;
  warnings: string[];
}

export interface DecodeContext {
  readonly secrets: readonly SecretKey[];
  /** Extra key-derivation salts (16 bytes each), tried after a format's default salt. */
  readonly salts?: readonly Buffer[];
  /** The clock for expiry checks, in ms since the epoch. */
  readonly nowMs: number;
  /** The app's session lifetime in seconds (@fastify/secure-session's `expiry`), when its code says. */
  readonly expirySeconds?: number;
}

/** What a format reports about one cookie. */
export interface FormatOutcome {
  /** true: a secret verified it; false: secrets given and none did, or the value is broken/unsigned; null: no secret to check. */
  verified: boolean | null;
  /** Index (into the secrets given) of the secret that verified or decrypted it. */
  secretIndex: number | null;
  sid: string | null;
  /** The decoded data, null when it cannot be read (encrypted without the key, or malformed). */
  payload: unknown;
  expiresAt: Date | null;
  /** Set when the format has its own rule for "expired" (e.g. iron's 60 s skew); else expiresAt <= now. */
  expired?: boolean;
  warnings: string[];
  /** One-line reason when the value cannot be read or verified. */
  error: string | null;
  /** Extra explanation lines (algorithm, password id, cookie name used for key derivation, …). */
  notes: string[];
  /** The value is well formed and signed or encrypted, and no secret given verified it: another secret may. */
  secretMayHelp?: boolean;
}

export interface CookieFormat {
  readonly id: FormatId;
  /** The library (or framework) that makes these cookies. */
  readonly library: string;
  /** Cookie names the library uses by default. */
  readonly defaultNames: readonly string[];
  /** Cheap structural check of the value (and name); never throws, linear time. */
  sniff(cookie: InputCookie): boolean;
  /** Decodes and verifies; never throws (the registry guards it anyway). */
  decode(cookie: InputCookie, ctx: DecodeContext): Promise<FormatOutcome>;
}

export function outcome(partial: Partial<FormatOutcome>): FormatOutcome {
  return {
    verified: null, secretIndex: null, sid: null, payload: null, expiresAt: null,
    warnings: [], error: null, notes: [], ...partial,
  };
}

/** The usual verdict when no secret matched: null without secrets, false with them. */
export function noMatch(ctx: DecodeContext, what: string, extra: Partial<FormatOutcome> = {}): FormatOutcome {
  if (ctx.secrets.length === 0) return outcome({ ...extra, secretMayHelp: true, notes: [...(extra.notes ?? []), `Not verified: no secret given to check the ${what}.`] });
  return outcome({ ...extra, secretMayHelp: true, verified: false, error: extra.error ?? `no secret given verified the ${what} (tampered, or made with another secret)` });
}

/** A structurally broken value: it can never verify. */
export function broken(reason: string, extra: Partial<FormatOutcome> = {}): FormatOutcome {
  return outcome({ ...extra, verified: false, error: reason });
}
