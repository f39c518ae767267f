// Finds how the workspace's app reaches Redis: REDIS_URL-style variables in .env files, and the
// connect-redis prefix where the code writes it as a literal (`new RedisStore({ prefix: 'app:' })`).
import { readEnvVariables } from '../envFile';

export interface DiscoveredUrl {
  /** The variable, e.g. REDIS_URL. */
  variable: string;
  url: string;
}

const URL_VARIABLE = /^(?:[A-Z0-9_]*REDIS[A-Z0-9_]*(?:URL|URI|DSN)|KV_URL|CACHE_URL|SESSION_STORE_URL|VALKEY_URL)$/i;

/** Redis URLs in the text of a .env file (only redis:// / rediss:// / redis+sentinel:// values). */
export function findRedisUrls(envText: string): DiscoveredUrl[] {
  const vars = readEnvVariables(envText, (name) => URL_VARIABLE.test(name));
  return [...vars]
    .filter(([, value]) => /^rediss?(\+sentinel)?:\/\//i.test(value.trim()))
    .map(([variable, value]) => ({ variable, url: value.trim() }));
}

const STORE_CALL = /new\s+(?:[\w$.]*RedisStore|[\w$.]*connectRedis\w*|RedisStore)\s*\(\s*\{/g;

/** The literal `prefix` passed to `new RedisStore({ ... })` in the source text, if any. */
export function findStorePrefix(code: string): string | undefined {
  for (const match of code.matchAll(STORE_CALL)) {
    const body = objectBody(code, (match.index ?? 0) + match[0].length - 1);
    const m = /(?:^|[,{\s])prefix\s*:\s*(['"`])((?:(?!\1)[^\\\n$]|\\.)*)\1/.exec(body);
    if (m) return m[2].replace(/\\(.)/g, '$1');
  }
  return undefined;
}

/** The text of the object literal starting at `open` (a `{`), balanced, at most 2000 characters. */
function objectBody(code: string, open: number): string {
  let depth = 0;
  const end = Math.min(code.length, open + 2000);
  for (let i = open; i < end; i++) {
    const c = code[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return code.slice(open, i + 1);
  }
  return code.slice(open, end);
}

const APP_URL_VARIABLE = /^(?:APP_URL|BASE_URL|PUBLIC_URL|SERVER_URL|ORIGIN|SITE_URL|NEXTAUTH_URL|AUTH_URL)$/i;

/**
 * The URL the workspace's app serves on, from .env text: an `APP_URL`-style variable (http/https), else
 * `PORT` as `http://localhost:<PORT>`. Undefined when neither is there.
 */
export function findAppUrl(envText: string): string | undefined {
  const vars = readEnvVariables(envText, (name) => name === 'PORT' || APP_URL_VARIABLE.test(name));
  for (const [name, value] of vars) {
    if (name === 'PORT') continue;
    const url = normalizeAppUrl(value);
    if (url) return url;
  }
  const port = vars.get('PORT')?.trim();
  if (port && /^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) < 65536) return `http://localhost:${Number(port)}/`;
  return undefined;
}

/** An http(s) URL without credentials, or undefined when the text is not one. */
export function normalizeAppUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  return url.toString();
}
