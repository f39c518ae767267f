// Turns pasted text into cookies: a bare value, `name=value`, a `Cookie:` header, `Set-Cookie` lines
// (attributes parsed with tough-cookie), devtools table rows (tab-separated) or curl `-b`/`-H` arguments.
import type * as ToughCookie from 'tough-cookie';
import { lazy } from '../lazy';

const toughCookie = lazy(() => require('tough-cookie') as typeof ToughCookie);
import { foldCompanions } from './fold';
import type { CookieAttributes, InputCookie, InputSource } from './types';

/**
 * Inputs longer than this (64 KiB) are refused before any regular expression or JSON work: a browser
 * keeps at most 4 KiB per cookie and sends a Cookie header of at most a few dozen of them.
 */
export const MAX_INPUT_CHARS = 64 * 1024;
/** At most this many cookies are decoded from one input (Chrome keeps 180 per domain); the rest are refused. */
export const MAX_COOKIES = 200;

export interface ParseInputOptions {
  /** Names a bare value (the CLI's --name). */
  name?: string;
}

export type ParsedInput = { cookies: InputCookie[]; warnings: string[] } | { error: string };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ATTRIBUTE_NAMES = new Set(['path', 'domain', 'expires', 'max-age', 'httponly', 'secure', 'samesite', 'partitioned', 'priority']);
const OTHER_HEADER = /^[A-Za-z][A-Za-z0-9-]*:\s/;
const REQUEST_OR_STATUS_LINE = /^(?:(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+\S+\s+HTTP\/|HTTP\/\d)/;

/** Parses the input; never throws. The error is one line, for input that holds no cookie at all. */
export function parseCookieInput(text: string, options: ParseInputOptions = {}): ParsedInput {
  if (text.length > MAX_INPUT_CHARS) return { error: `input is too long (${text.length} characters; at most ${MAX_INPUT_CHARS}, 64 KiB)` };
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return { error: 'no cookie in the input (it is empty)' };
  const warnings: string[] = [];
  const found: InputCookie[] = [];
  if (/^(?:curl\s|-b\s|-H\s|--cookie\s|--header\s)/.test(trimmed)) {
    found.push(...fromCurl(trimmed, warnings));
  } else {
    for (const line of trimmed.split(/\r?\n/)) {
      const l = line.trim();
      if (l) found.push(...fromLine(l, options, warnings));
    }
  }
  if (found.length === 0) return { error: warnings[0] ?? 'no cookie in the input' };
  const cookies = foldCompanions(found);
  if (cookies.length > MAX_COOKIES) return { error: `the input holds ${cookies.length} cookies; at most ${MAX_COOKIES} are decoded at once (paste fewer)` };
  return { cookies, warnings };
}

function fromLine(line: string, options: ParseInputOptions, warnings: string[]): InputCookie[] {
  const setCookie = /^set-cookie\s*:\s*/i.exec(line);
  if (setCookie) return fromSetCookie(line.slice(setCookie[0].length), warnings);
  const header = /^cookie\s*:\s*/i.exec(line);
  if (header) return fromCookieHeader(line.slice(header[0].length), 'cookie-header', warnings);
  if (line.includes('\t')) return fromDevtoolsRow(line, warnings);
  if (REQUEST_OR_STATUS_LINE.test(line) || OTHER_HEADER.test(line)) return [];
  const segments = line.split(';').map((s) => s.trim()).filter(Boolean);
  const pairs = segments.map(splitPair);
  if (pairs.every((p) => p === null)) {
    return [makeCookie(options.name ?? null, line, 'bare', {}, false)];
  }
  if (pairs[0] && segments.slice(1).some((s) => ATTRIBUTE_NAMES.has(s.split('=')[0].trim().toLowerCase()))) {
    return fromSetCookie(line, warnings);
  }
  return fromCookieHeader(line, segments.length === 1 ? 'pair' : 'cookie-header', warnings);
}

/** `name=value` with a token name; a value starting with `=` means the `=` was base64 padding. */
function splitPair(segment: string): [string, string] | null {
  const eq = segment.indexOf('=');
  if (eq <= 0) return null;
  const name = segment.slice(0, eq).trim();
  const value = segment.slice(eq + 1).trim();
  if (!TOKEN.test(name) || value.startsWith('=')) return null;
  return [name, value];
}

function fromCookieHeader(header: string, source: InputSource, warnings: string[]): InputCookie[] {
  const out: InputCookie[] = [];
  for (const segment of header.split(';').map((s) => s.trim()).filter(Boolean)) {
    const pair = splitPair(segment);
    if (pair) out.push(makeCookie(pair[0], pair[1], source, {}, false));
    else warnings.push(`ignored "${clip(segment)}" in the cookie header: not name=value`);
  }
  return out;
}

function fromSetCookie(line: string, warnings: string[]): InputCookie[] {
  let parsed: ToughCookie.Cookie | undefined;
  try {
    parsed = toughCookie().Cookie.parse(line, { loose: true });
  } catch {
    parsed = undefined;
  }
  if (!parsed || !parsed.key) {
    warnings.push(`ignored a Set-Cookie line that does not parse: "${clip(line)}"`);
    return [];
  }
  const attributes: CookieAttributes = {};
  if (parsed.domain) attributes.domain = parsed.domain;
  if (parsed.path) attributes.path = parsed.path;
  if (parsed.expires instanceof Date && !Number.isNaN(parsed.expires.getTime())) attributes.expires = parsed.expires.toISOString();
  if (typeof parsed.maxAge === 'number') attributes.maxAge = parsed.maxAge;
  else if (parsed.maxAge === '-Infinity') attributes.maxAge = 0;
  attributes.httpOnly = parsed.httpOnly;
  attributes.secure = parsed.secure;
  if (parsed.sameSite && parsed.sameSite !== 'unspecified') attributes.sameSite = parsed.sameSite;
  if (parsed.extensions?.some((e) => e.toLowerCase() === 'partitioned')) attributes.partitioned = true;
  return [makeCookie(parsed.key, parsed.value, 'set-cookie', attributes, true)];
}

/** A row copied from the browser's cookie table: Name, Value, Domain, Path, Expires, Size, HttpOnly, Secure, SameSite, … */
function fromDevtoolsRow(line: string, warnings: string[]): InputCookie[] {
  const cols = line.split('\t').map((c) => c.trim());
  const [name, value, domain, path, expires, , httpOnly, secure, sameSite] = cols;
  if (!name || value === undefined || !TOKEN.test(name)) {
    warnings.push(`ignored a tab-separated row without a cookie name and value: "${clip(line)}"`);
    return [];
  }
  const attributes: CookieAttributes = {};
  const isSet = (v: string | undefined) => v !== undefined && /^(?:✓|✔|true|yes|1)$/i.test(v);
  if (domain) attributes.domain = domain;
  if (path) attributes.path = path;
  if (expires && !/^session$/i.test(expires)) {
    const t = Date.parse(expires);
    if (!Number.isNaN(t)) attributes.expires = new Date(t).toISOString();
  }
  if (httpOnly !== undefined) attributes.httpOnly = isSet(httpOnly);
  if (secure !== undefined) attributes.secure = isSet(secure);
  if (sameSite) attributes.sameSite = sameSite.toLowerCase();
  return [makeCookie(name, value, 'devtools', attributes, cols.length > 2)];
}

function fromCurl(text: string, warnings: string[]): InputCookie[] {
  const words = shellWords(text.replace(/\\\r?\n/g, ' '));
  const out: InputCookie[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    let arg: string | undefined;
    let kind: 'cookie' | 'header' | undefined;
    if (w === '-b' || w === '--cookie') { arg = words[++i]; kind = 'cookie'; }
    else if (w.startsWith('--cookie=')) { arg = w.slice(9); kind = 'cookie'; }
    else if (w.startsWith('-b') && w.length > 2) { arg = w.slice(2); kind = 'cookie'; }
    else if (w === '-H' || w === '--header') { arg = words[++i]; kind = 'header'; }
    else if (w.startsWith('--header=')) { arg = w.slice(9); kind = 'header'; }
    else if (w.startsWith('-H') && w.length > 2) { arg = w.slice(2); kind = 'header'; }
    if (arg === undefined || kind === undefined) continue;
    if (kind === 'cookie') {
      if (!arg.includes('=')) warnings.push(`curl -b "${clip(arg)}" names a cookie file; paste the cookie itself`);
      else out.push(...fromCookieHeader(arg, 'curl', warnings));
    } else if (/^cookie\s*:/i.test(arg)) {
      out.push(...fromCookieHeader(arg.replace(/^cookie\s*:\s*/i, ''), 'curl', warnings));
    } else if (/^set-cookie\s*:/i.test(arg)) {
      out.push(...fromSetCookie(arg.replace(/^set-cookie\s*:\s*/i, ''), warnings));
    }
  }
  if (out.length === 0 && warnings.length === 0) warnings.push('no -b/--cookie or Cookie header in the curl arguments');
  return out;
}

/** Splits like a POSIX shell does for quotes and backslashes (no expansion). */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = null; else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) current += text[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c; inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i]; inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) { words.push(current); current = ''; inWord = false; }
    } else {
      current += c; inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

function makeCookie(name: string | null, given: string, source: InputSource, attributes: CookieAttributes, hasAttributes: boolean): InputCookie {
  const warnings: string[] = [];
  let raw = given;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
  let value = raw;
  if (raw.includes('%')) {
    try {
      value = decodeURIComponent(raw);
    } catch {
      warnings.push('the value has a malformed %-escape; it was used as given');
    }
    if (value !== raw && /%[0-9A-Fa-f]{2}/.test(value)) {
      warnings.push('the value is still URL-encoded after one decode: it was probably encoded twice, and the server would not read it');
    }
  }
  return { name, value, rawValue: given, attributes, hasAttributes, source, warnings };
}

/** A short, single-line excerpt of the input for a warning (control characters shown as "␣"). */
function clip(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  return (text.length > max ? `${text.slice(0, max)}…` : text).replace(/[\x00-\x1f\x7f\u2028\u2029]/g, '␣');
}
