// The cookies a Chromium-family browser holds for one origin, read through its remote debugging port (loopback
// only): one page target, `Network.getCookies` for the app's URL, so other sites' cookies are never read. The
// values stay in memory; they become `Set-Cookie` lines for the decoder, attributes included.
import { formatAddress, InspectorAddressError, listInspectorTargets, parseInspectorAddress } from '../inspector/address';
import { CdpClient } from '../inspector/cdpClient';

/** A cookie as the browser reports it (`Network.Cookie`). */
export interface BrowserCookie {
  name: string;
  value: string;
  domain: string;
  path: string;
  /** Seconds since the epoch; -1 for a browser-session cookie. */
  expires: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

export class BrowserUnreachableError extends Error { override name = 'BrowserUnreachableError'; }

/** Only http(s) URLs name an origin whose cookies may be read. */
export function appOrigin(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`'${url}' is not a URL (e.g. http://localhost:3000/)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`'${url}' is not an http(s) URL`);
  return parsed;
}

/** A page of the browser at `address` (HOST:PORT, loopback only): one of the app when open, else the first page. */
export async function openBrowserPage(address: string, url: string | undefined, options: { timeoutMs?: number } = {}): Promise<{ client: CdpClient; where: string; pageUrl?: string }> {
  const origin = url ? appOrigin(url).origin : undefined;
  let parsed;
  try {
    parsed = parseInspectorAddress(address);
  } catch (err) {
    throw new BrowserUnreachableError((err as Error).message.replace(/inspector address/g, 'browser address').replace('Session Lens attaches only to', 'Session Lens reads browsers only on'));
  }
  const where = formatAddress(parsed);
  let targets;
  try {
    targets = await listInspectorTargets(parsed, { timeoutMs: options.timeoutMs ?? 3000, kind: 'browser' });
  } catch (err) {
    if (err instanceof InspectorAddressError) throw new BrowserUnreachableError(err.message);
    throw err;
  }
  // Cookies belong to the browser profile, not the page: any page reads them.
  const pages = targets.filter((t) => t.type === 'page');
  const page = (origin ? pages.find((t) => t.url?.startsWith(origin)) : pages.find((t) => /^https?:/.test(t.url ?? ''))) ?? pages[0];
  if (!page) throw new BrowserUnreachableError(`${where} has no open page to read cookies through: open a tab in that browser`);
  try {
    const client = await CdpClient.connect(page.webSocketDebuggerUrl, { requestTimeoutMs: options.timeoutMs ?? 5000 });
    return { client, where, pageUrl: page.url };
  } catch (err) {
    throw new BrowserUnreachableError(`cannot connect to the browser at ${where}: ${(err as Error).message}`);
  }
}

/**
 * The browser's cookies for `url` (its origin and path), read from the browser at `address` (HOST:PORT), and the
 * browser's clock: it keeps cookie expiries on its own clock (shifted by the server's Date header), so whether a
 * cookie has expired is judged at `browserNowMs`.
 */
export async function readBrowserCookies(address: string, url: string, options: { timeoutMs?: number } = {}): Promise<{ cookies: BrowserCookie[]; browserNowMs: number }> {
  const target = appOrigin(url);
  const { client } = await openBrowserPage(address, url, options);
  try {
    const { cookies } = await client.send<{ cookies: BrowserCookie[] }>('Network.getCookies', { urls: [target.href] });
    const { result } = await client.send<{ result: { value?: unknown } }>('Runtime.evaluate', { expression: 'Date.now()', returnByValue: true });
    return { cookies, browserNowMs: typeof result.value === 'number' ? result.value : Date.now() };
  } finally {
    await client.close();
  }
}

/** `Set-Cookie` lines for the decoder: each cookie with the attributes the browser keeps. */
export function setCookieLines(cookies: readonly BrowserCookie[]): string {
  return cookies.map((c) => {
    // A host-only cookie (no leading dot) was set without a Domain attribute.
    const parts = [`Set-Cookie: ${c.name}=${c.value}`, ...(c.domain.startsWith('.') ? [`Domain=${c.domain.slice(1)}`] : []), `Path=${c.path}`];
    if (c.expires > 0) parts.push(`Expires=${new Date(c.expires * 1000).toUTCString()}`);
    if (c.httpOnly) parts.push('HttpOnly');
    if (c.secure) parts.push('Secure');
    if (c.sameSite) parts.push(`SameSite=${c.sameSite}`);
    return parts.join('; ');
  }).join('\n');
}
