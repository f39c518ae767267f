// Turning a stored session value into what a person reads: parsed data, who it belongs to, when it ends.
// Shared by every store (Redis, in-process) and by the CLI.

/** Values larger than this are summarized; their full text is fetched only on demand. */
export const LARGE_VALUE_BYTES = 1024 * 1024;

export interface ParsedValue {
  /** The parsed session, or null when the value is not a JSON object. */
  data: unknown;
  /** Set when `data` is null or the value was summarized: a safe, short rendering of the bytes. */
  raw?: string;
  size: number;
}

const PREVIEW_BYTES = 256;

/**
 * Parses a stored session value. JSON objects come back as data; anything else (another serializer,
 * binary, compressed, truncated JSON) comes back as a safe preview: text when printable, hex otherwise.
 */
export function parseSessionValue(value: string | Buffer, options: { maxBytes?: number } = {}): ParsedValue {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const size = bytes.length;
  const maxBytes = options.maxBytes ?? LARGE_VALUE_BYTES;
  if (size > maxBytes) {
    return { data: null, raw: `(${formatBytes(size)} value, not loaded: open the session to read it) ${preview(bytes)}`, size };
  }
  const text = bytes.toString('utf8');
  if (isProbablyText(bytes)) {
    try {
      const data: unknown = JSON.parse(text);
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) return { data, size };
    } catch {
      // not JSON: fall through to the preview
    }
  }
  return { data: null, raw: describeNonJson(bytes), size };
}

function describeNonJson(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return `gzip-compressed value: ${preview(bytes)}`;
  if (bytes.length >= 1 && bytes[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(bytes[1])) return `zlib-compressed value: ${preview(bytes)}`;
  if (isProbablyText(bytes)) return `not JSON: ${preview(bytes)}`;
  return `binary value: ${preview(bytes)}`;
}

/** The listing's stand-in for a value over the size limit: its size and a preview of its first bytes. */
export function largeSummary(head: Buffer, size: number): { data: null; raw: string; size: number } {
  return { data: null, raw: `(${formatBytes(size)} value, not loaded: open the session to read it) ${preview(head)}`, size };
}

/** A listed value read as text (valid UTF-8): JSON objects parsed directly, anything else described. `knownSize`: its bytes, when the store said. */
export function parseListedText(text: string, maxBytes: number, knownSize?: number): { data: unknown; raw?: string; size?: number } {
  if (text.charCodeAt(0) === 0x7b) {
    try {
      const data: unknown = JSON.parse(text);
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) return { data, size: knownSize ?? Buffer.byteLength(text, 'utf8') };
    } catch {
      // not JSON after all
    }
  }
  return parseSessionValue(Buffer.from(text, 'utf8'), { maxBytes });
}

/** The first bytes as text when printable, else as hex, with an ellipsis when cut. */
export function preview(bytes: Buffer): string {
  const head = bytes.subarray(0, PREVIEW_BYTES);
  const more = bytes.length > PREVIEW_BYTES ? '…' : '';
  if (isProbablyText(head)) return JSON.stringify(head.toString('utf8')) + more;
  return `hex ${head.toString('hex')}${more}`;
}

function isProbablyText(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, 4096);
  if (sample.includes(0)) return false;
  const text = sample.toString('utf8');
  if (text.includes('\uFFFD')) return false;
  // Control characters other than tab/newline/carriage return mark binary data.
  // eslint-disable-next-line no-control-regex
  return !/[\x01-\x08\x0B\x0C\x0E-\x1F\x7F]/.test(text);
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** Where the user of a session is usually kept, tried in order; each is a dot path into the session. */
export const DEFAULT_USER_PATHS = [
  'passport.user',
  'userId',
  'user_id',
  'user.email',
  'user.name',
  'user.username',
  'user.id',
  'user',
  'username',
  'email',
  'auth.user',
  'account.email',
  'account.id',
];

/** A label a person recognizes (name, email, id) for the session's user, or null when anonymous. */
export function sessionUser(data: unknown, paths: readonly string[] = DEFAULT_USER_PATHS): string | null {
  if (data === null || typeof data !== 'object') return null;
  for (const path of paths) {
    const value = readPath(data, path);
    const label = labelOf(value);
    if (label !== null) return label;
  }
  return null;
}

function labelOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value !== null && typeof value === 'object') {
    for (const key of ['email', 'name', 'username', 'login', 'id', '_id']) {
      const inner = (value as Record<string, unknown>)[key];
      if (typeof inner === 'string' && inner.trim() !== '') return inner;
      if (typeof inner === 'number') return String(inner);
    }
  }
  return null;
}

/** Reads `a.b.c` from an object, or undefined; never walks into prototypes. */
export function readPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** `cookie.expires` of an express-session value as epoch ms, or null. */
export function cookieExpiry(data: unknown): number | null {
  const expires = readPath(data, 'cookie.expires');
  if (typeof expires !== 'string' && typeof expires !== 'number') return null;
  const ms = new Date(expires).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/**
 * When the store drops the session: from the store's TTL (seconds; -1 = never; null = unknown) when it
 * has one, else from `cookie.expires`. Returns an ISO time or null.
 */
export function expiresAt(ttlSeconds: number | null, data: unknown, now = Date.now()): string | null {
  if (ttlSeconds !== null && ttlSeconds >= 0) return new Date(now + ttlSeconds * 1000).toISOString();
  const cookie = cookieExpiry(data);
  return cookie === null ? null : new Date(cookie).toISOString();
}

/**
 * Seconds between the store's expiry (TTL) and the cookie's own `expires` (positive: the store keeps the
 * session longer than the browser keeps the cookie). Null when either is unknown.
 */
export function ttlDrift(ttlSeconds: number | null, data: unknown, now = Date.now()): number | null {
  const cookie = cookieExpiry(data);
  if (ttlSeconds === null || ttlSeconds < 0 || cookie === null) return null;
  return Math.round((now + ttlSeconds * 1000 - cookie) / 1000);
}

/** A short form of a session id for labels: the first 8 characters. */
export function shortId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 8)}…` : id;
}
