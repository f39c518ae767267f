// The decoder's entry point: input text + secrets in, one explained cookie per cookie found out.
import { saltBytes, secretBytes, toSecretKeys, type SecretKey, type SigningSecret } from '../secrets/secret';
import { parseCookieInput } from './input';
import { nonSessionCookie } from './nonSession';
import { FORMATS, formatById, sniffFormat } from './registry';
import { explainUnknown } from './unknown';
import { outcome, type CookieAttributes, type CookieFormat, type DecodeContext, type FormatId, type FormatOutcome, type InputCookie } from './types';

export interface DecodeOptions {
  secrets?: readonly SigningSecret[];
  /** Key-derivation salts (@fastify/secure-session's `salt` option), labelled like secrets. */
  salts?: readonly SigningSecret[];
  /** Names a bare value. */
  name?: string;
  /** Forces a format instead of sniffing. */
  format?: FormatId;
  /** The clock for expiry checks (ms since the epoch); defaults to now. */
  nowMs?: number;
  /**
   * What the app's code says about cookies of a given name (see findSessionSetups): their formats are tried
   * first, their secrets and salts first (secrets are added after `secrets`, each value once), their expiry used.
   */
  hints?: readonly CookieHint[];
}

/** What the app's own setup says about the session cookie it names `name`. */
export interface CookieHint {
  name: string;
  /** The formats the app makes under this name, in order; one whose shape the value has is used. */
  formats?: readonly FormatId[];
  /** Secrets the code names for this cookie (labelled, e.g. `MY_SECRET (.env)`, `secret literal (src/app.js:12)`). */
  secrets?: readonly SigningSecret[];
  /** Key-derivation salts of the app (@fastify/secure-session). */
  salts?: readonly SigningSecret[];
  /** The session lifetime after `__ts` (@fastify/secure-session's `expiry`). */
  expirySeconds?: number;
}

/**
 * What the decoder makes of a cookie: `session` a format it knows; `not-session` a cookie whose name says what
 * else it is for (analytics, CSRF token, preference, … in `purpose`); `unknown` neither.
 */
export type CookieKind = 'session' | 'not-session' | 'unknown';

export interface DecodedCookie {
  name: string | null;
  format: FormatId | 'unknown';
  kind: CookieKind;
  /** For `not-session` cookies, what they are for ("analytics", "CSRF token", "preference", …); else null. */
  purpose: string | null;
  /** The library that makes this format, for display. */
  library: string | null;
  verified: boolean | null;
  secretIndex: number | null;
  /** The label of the matching secret (never its value). */
  secretLabel: string | null;
  sid: string | null;
  payload: unknown;
  expiresAt: string | null;
  expired: boolean;
  attributes: CookieAttributes;
  warnings: string[];
  error: string | null;
  /** Explanation lines for people (not part of the CLI's JSON contract). */
  notes: string[];
  /** Signed or encrypted, well formed, and no secret given verified it: trying another secret may (not in the JSON contract). */
  secretMayHelp: boolean;
  /** The cookie value as decoded (URL-decoded once). */
  value: string;
}

export type DecodeResult = { cookies: DecodedCookie[]; warnings: string[] } | { error: string };

/** Whether pasted text holds a cookie of a known format (used to pre-fill the input box from the clipboard). */
export function looksLikeCookie(text: string): boolean {
  if (!text || text.length > 16_384) return false;
  const parsed = parseCookieInput(text);
  return !('error' in parsed) && parsed.cookies.some((c) => nonSessionCookie(c.name) === undefined && sniffFormat(c) !== undefined);
}

export function isFormatId(id: string): id is FormatId {
  return formatById(id) !== undefined;
}

/** Decodes every cookie in the input. Never throws; `error` is a one-line reason for unusable input. */
export async function decodeCookies(input: string, options: DecodeOptions = {}): Promise<DecodeResult> {
  const parsed = parseCookieInput(input, { name: options.name });
  if ('error' in parsed) return parsed;
  const { keys, errors } = toSecretKeys(options.secrets ?? []);
  if (errors.length > 0) return { error: errors[0] };
  const salts: Buffer[] = [];
  for (const salt of options.salts ?? []) {
    const parsed = saltBytes(salt.value);
    if ('error' in parsed) return { error: `${salt.label}: ${parsed.error}` };
    salts.push(parsed.bytes);
  }
  const hints = options.hints ?? [];
  // The hints' secrets join the list after the given ones (each value once); one the decoder cannot use is left out.
  const given = new Set(keys.map((k) => k.value));
  for (const secret of hints.flatMap((h) => h.secrets ?? [])) {
    if (given.has(secret.value)) continue;
    const bytes = secretBytes(secret.value);
    if ('error' in bytes) continue;
    given.add(secret.value);
    keys.push({ ...secret, index: keys.length, bytes: bytes.bytes, raw: bytes.raw });
  }
  const ctx: DecodeContext = { secrets: keys, salts, nowMs: options.nowMs ?? Date.now() };
  const cookies: DecodedCookie[] = [];
  for (const cookie of parsed.cookies) {
    const hinted = cookie.name === null ? [] : hints.filter((h) => h.name === cookie.name);
    if (hinted.length === 0 || options.format) { cookies.push(await decodeOne(cookie, ctx, options.format)); continue; }
    cookies.push(await decodeOne(cookie, hintedContext(ctx, hinted), hintedFormat(cookie, hinted)));
  }
  // Among several cookies (a pasted Cookie header), one no format recognizes is not an error: the others
  // are what was asked about. Alone, it keeps its "format not recognized" reason.
  if (cookies.length > 1) for (const c of cookies) if (c.kind === 'unknown' && c.error !== null) { c.notes.unshift(`${capitalize(c.error)}.`); c.error = null; }
  return { cookies, warnings: parsed.warnings };
}

/** The context for a cookie the app's setups name: their secrets first, their salts, their expiry. */
function hintedContext(ctx: DecodeContext, hints: readonly CookieHint[]): DecodeContext {
  const first = new Set(hints.flatMap((h) => (h.secrets ?? []).map((s) => s.value)));
  const secrets = [...ctx.secrets.filter((s) => first.has(s.value)), ...ctx.secrets.filter((s) => !first.has(s.value))];
  const salts: Buffer[] = [];
  for (const salt of hints.flatMap((h) => h.salts ?? [])) {
    const parsed = saltBytes(salt.value);
    if (!('error' in parsed) && !salts.some((b) => b.equals(parsed.bytes))) salts.push(parsed.bytes);
  }
  for (const b of ctx.salts ?? []) if (!salts.some((x) => x.equals(b))) salts.push(b);
  const expirySeconds = hints.find((h) => h.expirySeconds !== undefined)?.expirySeconds ?? ctx.expirySeconds;
  return { ...ctx, secrets, salts, expirySeconds };
}

/** The first format the app makes under this name whose shape the value has; else undefined (sniffed as usual). */
function hintedFormat(cookie: InputCookie, hints: readonly CookieHint[]): FormatId | undefined {
  for (const id of hints.flatMap((h) => h.formats ?? [])) {
    const format = formatById(id);
    try {
      if (format?.sniff(cookie)) return format.id;
    } catch {
      // A sniff never throws; a broken one only loses the hint.
    }
  }
  return undefined;
}

/** Decodes one parsed cookie, with the given format or the sniffed one. Never throws. */
export async function decodeOne(cookie: InputCookie, ctx: DecodeContext, forced?: FormatId): Promise<DecodedCookie> {
  const other = forced ? undefined : nonSessionCookie(cookie.name);
  if (other) return notSession(cookie, ctx, other.purpose, other.by);
  const format: CookieFormat | undefined = forced ? formatById(forced) : sniffFormat(cookie);
  let result: FormatOutcome;
  if (!format) {
    const { payload, notes } = explainUnknown(cookie);
    result = outcome({ payload, notes, error: `format not recognized (known: ${FORMATS.map((f) => f.id).join(', ')})` });
  } else {
    try {
      result = await format.decode(cookie, ctx);
    } catch (err) {
      result = outcome({ verified: ctx.secrets.length ? false : null, error: `could not decode as ${format.id}: ${oneLine(err)}` });
    }
  }
  return finish(cookie, ctx, format, result);
}

function finish(cookie: InputCookie, ctx: DecodeContext, format: CookieFormat | undefined, r: FormatOutcome): DecodedCookie {
  let expiresAt = r.expiresAt;
  const notes = [...r.notes];
  if (!expiresAt && cookie.attributes.expires) expiresAt = new Date(cookie.attributes.expires);
  if (!expiresAt && cookie.attributes.maxAge !== undefined) {
    expiresAt = new Date(ctx.nowMs + cookie.attributes.maxAge * 1000);
    notes.push('Expiry from Max-Age, counted from now.');
  }
  const expired = r.expired ?? (expiresAt !== null && expiresAt.getTime() <= ctx.nowMs);
  const warnings = [...cookie.warnings, ...r.warnings];
  if (expired) warnings.push(`expired ${expiresAt ? `at ${expiresAt.toISOString()}` : ''}`.trim());
  if (cookie.hasAttributes) warnings.push(...attributeWarnings(cookie.attributes));
  const secret = r.secretIndex === null ? undefined : ctx.secrets.find((s) => s.index === r.secretIndex);
  if (secret && rotatedOut(secret, ctx.secrets)) notes.push(`Matched ${secret.label}, not the first secret of its list: the server signs new cookies with its first secret.`);
  return {
    name: cookie.name,
    format: format?.id ?? 'unknown',
    kind: format ? 'session' : 'unknown',
    purpose: null,
    library: format?.library ?? null,
    verified: r.verified === true && r.secretIndex === null ? null : r.verified,
    secretIndex: r.secretIndex,
    secretLabel: secret?.label ?? null,
    sid: r.sid,
    payload: r.payload ?? null,
    expiresAt: expiresAt ? expiresAt.toISOString() : null,
    expired,
    attributes: cookie.attributes,
    warnings,
    error: r.error,
    notes,
    secretMayHelp: r.secretMayHelp === true && r.verified !== true,
    value: cookie.value,
  };
}

/** A cookie whose name says it is not a session: named for what it is, with no error and no session warnings. */
function notSession(cookie: InputCookie, ctx: DecodeContext, purpose: string, by: string): DecodedCookie {
  let expiresAt: Date | null = null;
  if (cookie.attributes.expires) expiresAt = new Date(cookie.attributes.expires);
  else if (cookie.attributes.maxAge !== undefined) expiresAt = new Date(ctx.nowMs + cookie.attributes.maxAge * 1000);
  return {
    name: cookie.name, format: 'unknown', kind: 'not-session', purpose, library: null,
    verified: null, secretIndex: null, secretLabel: null, sid: null, payload: null,
    expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt.toISOString() : null,
    expired: expiresAt !== null && expiresAt.getTime() <= ctx.nowMs,
    attributes: cookie.attributes, warnings: [], error: null,
    notes: [`Not a session cookie: ${by} sets it (${purpose}).`],
    secretMayHelp: false, value: cookie.value,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Whether the matching secret follows another of the same rotation list: `--secret #1` after `--secret #0`,
 * `SESSION_SECRETS[1] (.env)` after `SESSION_SECRETS[0] (.env)`. Secrets from different sources (two .env
 * files, a stored secret) are not a rotation list.
 */
function rotatedOut(secret: SecretKey, all: readonly SecretKey[]): boolean {
  const group = (label: string) => label.replace(/ #\d+$/, '').replace(/\[\d+\]/, '');
  return all.some((s) => s.index < secret.index && group(s.label) === group(secret.label));
}

/** Weak attributes of a session cookie. */
export function attributeWarnings(a: CookieAttributes): string[] {
  const out: string[] = [];
  if (a.httpOnly === false) out.push('HttpOnly is not set: page scripts can read this session cookie');
  if (a.secure === false) out.push('Secure is not set: the cookie is also sent over plain HTTP');
  if (a.sameSite === 'none' && a.secure !== true) out.push('SameSite=None without Secure: browsers reject this cookie');
  return out;
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200);
}
