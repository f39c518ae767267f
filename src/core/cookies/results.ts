// The decoder's recent results, as the Cookies view shows them: newest first, bounded, in memory only.
// Secret values never reach it: every string of a result is redacted against the secrets known at decode time
// before it is stored, and the secrets themselves are not kept. Pure: no `vscode` import.
import { redact } from '../redact';
import type { DecodedCookie } from './decode';
import { isFolded, relativeTime } from './report';

export interface CookieResult {
  /** 1, 2, 3, … in the order decoded (never reused within a window). */
  readonly id: number;
  /** The text that was decoded (cookies only), so the result can be decoded again with another secret. */
  readonly input: string;
  readonly cookies: readonly DecodedCookie[];
  readonly inputWarnings: readonly string[];
  /** Labels of the secrets tried, in order (never their values). */
  readonly secretLabels: readonly string[];
  /** The clock the result was decoded with (ms since the epoch). */
  readonly nowMs: number;
  /** Set for the live cookies of a connected browser (kept current), absent for pasted input. */
  readonly browser?: BrowserTag;
}

/** Which browser a live result belongs to. */
export interface BrowserTag {
  /** Stable per browser page connection; a new snapshot of the same browser replaces its result in place. */
  readonly key: string;
  /** e.g. "Chromium (127.0.0.1:9222)" or the debug session's name. */
  readonly label: string;
  /** The app URL whose cookies are shown (only that origin is read). */
  readonly url: string;
  readonly via: 'debug' | 'port';
}

export type NewResult = Omit<CookieResult, 'id'>;

/** How many results are kept; older ones are dropped. */
export const MAX_RESULTS = 20;

export class CookieResults {
  private results: CookieResult[] = [];
  private nextId = 1;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly max = MAX_RESULTS) {}

  /**
   * Stores a result with every known secret value removed from its strings, and returns it. Browsers' results come
   * first and are never dropped; a browser's new result takes the place (and id) of its previous one. Pasted results
   * follow, newest first, at most `max` of them.
   */
  add(result: NewResult, secretValues: readonly string[]): CookieResult {
    const key = result.browser?.key;
    const previous = key === undefined ? undefined : this.results.find((r) => r.browser?.key === key);
    const stored: CookieResult = { ...redactDeep(result, secretValues), id: previous?.id ?? this.nextId++ };
    if (previous) {
      this.results = this.results.map((r) => (r === previous ? stored : r));
    } else {
      const browsers = this.results.filter((r) => r.browser);
      const pasted = this.results.filter((r) => !r.browser);
      this.results = stored.browser ? [...browsers, stored, ...pasted] : [...browsers, stored, ...pasted.slice(0, this.max - 1)];
    }
    this.fire();
    return stored;
  }

  /** Removes a browser's result (the browser was disconnected). */
  removeBrowser(key: string): void {
    const before = this.results.length;
    this.results = this.results.filter((r) => r.browser?.key !== key);
    if (this.results.length !== before) this.fire();
  }

  browserResult(key: string): CookieResult | undefined {
    return this.results.find((r) => r.browser?.key === key);
  }

  /** Browsers first, then pasted results newest first. */
  list(): readonly CookieResult[] {
    return this.results;
  }

  get(id: number): CookieResult | undefined {
    return this.results.find((r) => r.id === id);
  }

  /** The newest pasted result. */
  newest(): CookieResult | undefined {
    return this.results.find((r) => !r.browser);
  }

  /** Clears the pasted results; connected browsers stay until they are disconnected. */
  clear(): void {
    this.results = this.results.filter((r) => r.browser);
    this.fire();
  }

  /** Calls `listener` after each change; returns the function that stops it. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private fire(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** A copy of `value` with every known secret value removed from its strings (keys included). */
export function redactDeep<T>(value: T, secretValues: readonly string[]): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v, secretValues);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, inner]) => [redact(k, secretValues), walk(inner)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** The cookies shown as nodes of their own, in order; the others are folded under "Not session cookies". */
export function shownCookies(cookies: readonly DecodedCookie[]): DecodedCookie[] {
  return cookies.filter((c) => !isFolded(c, cookies));
}

export function foldedCookies(cookies: readonly DecodedCookie[]): DecodedCookie[] {
  return cookies.filter((c) => isFolded(c, cookies));
}

/** A JavaScript-like path to a value of a payload: `user.name`, `items[0]`, `["content-type"]`. */
export function valuePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** The text Copy Value puts on the clipboard: strings as they are, everything else as JSON. */
export function copyText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** The value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** One line of a payload value: `"alice"`, `42`, `{3 keys}`, `[2 items]`. */
export function valueSummary(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? '' : 's'}]`;
  if (value !== null && typeof value === 'object') {
    const n = Object.keys(value).length;
    return `{${n} key${n === 1 ? '' : 's'}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** The verdict of a cookie in a few words, for badges and screen readers. */
export type Verdict = 'verified' | 'not-verified' | 'expired' | 'not-checked' | 'not-session' | 'unrecognized';

export function verdictOf(c: DecodedCookie): Verdict {
  if (c.kind === 'not-session') return 'not-session';
  if (c.kind === 'unknown') return 'unrecognized';
  if (c.expired) return 'expired';
  if (c.verified === true) return 'verified';
  if (c.verified === false) return 'not-verified';
  return 'not-checked';
}

/** "Expires in 3 days", "Expired 2 hours ago", relative to `nowMs`. */
export function expiryText(expiresAt: string, nowMs: number): string {
  const at = Date.parse(expiresAt);
  return at > nowMs ? `Expires ${relativeTime(at, nowMs)}` : `Expired ${relativeTime(at, nowMs)}`;
}

/** The result as a JSON document (Open as JSON): what was tried and what each cookie holds; secret values were redacted when stored. */
export function resultJson(result: CookieResult, cookieIndex?: number): string {
  const doc = {
    decodedAt: new Date(result.nowMs).toISOString(),
    input: result.input,
    secretsTried: result.secretLabels,
    warnings: result.inputWarnings,
    cookies: result.cookies.filter((_, i) => cookieIndex === undefined || i === cookieIndex).map((c) => ({
      name: c.name, format: c.format, kind: c.kind, purpose: c.purpose, library: c.library,
      verified: c.verified, secretLabel: c.secretLabel, sid: c.sid, expiresAt: c.expiresAt, expired: c.expired,
      attributes: c.attributes, warnings: c.warnings, error: c.error, notes: c.notes, value: c.value, payload: c.payload ?? null,
    })),
  };
  return `${redact(JSON.stringify(doc, null, 2))}\n`;
}
