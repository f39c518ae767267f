// The cookies one browser page holds for the app's origin, kept current: read with `Network.getCookies` for the
// app's URL only (other sites' cookies are never asked for), read again when a response from that origin arrives
// (Network events, no polling), and written back one cookie at a time when the user switches the browser to
// another session (loopback origins only). Works over a browser's debugging port or js-debug's CDP proxy.
import { isLoopbackHost } from '../inspector/address';
import type { CdpMessage } from '../inspector/cdpClient';
import { shellQuote } from '../shell';
import { appOrigin, type BrowserCookie } from './browserCookies';

/** What the watch needs of a CDP connection (CdpClient has it). */
export interface CdpConnection {
  send<T = CdpMessage>(method: string, params?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<T>;
  on(event: string, listener: (params: CdpMessage) => void): () => void;
  onClose(listener: (reason: string) => void): () => void;
  close(): Promise<void>;
}

export interface CookieSnapshot {
  /** The URL whose cookies were read (its origin and path). */
  readonly url: string;
  readonly cookies: readonly BrowserCookie[];
  /** The browser's clock when it was read: it keeps cookie expiries on its own clock. */
  readonly browserNowMs: number;
}

export interface WatchOptions {
  /** The app's URL; without it, the page's own origin when on loopback (followed as the page navigates), else `fallbackUrl`. */
  appUrl?: string;
  fallbackUrl: string;
  /** Events arrive in bursts (a page load is many responses): one read per burst. */
  debounceMs?: number;
  /** js-debug's proxy forwards only the events a client subscribes to. */
  subscribe?: (events: string[]) => Promise<unknown>;
}

/** The events the watch listens to; js-debug's proxy takes `Domain.*` patterns. */
const WATCHED_EVENTS = ['Network.*', 'Page.frameNavigated'];

const MAX_TRACKED_REQUESTS = 500;

export class BrowserCookieWatch {
  private url: string;
  /** `scheme://host:port/` of `url`, for the test of each request's URL. */
  private originSlash: string;
  private readonly followsPage: boolean;
  private current: CookieSnapshot | undefined;
  private fingerprint = '';
  /** Requests to the app's origin still loading: their responses may set or clear cookies. */
  private readonly tracked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<CookieSnapshot> | undefined;
  private again = false;
  /** Reads started so far, and the number of the one the current snapshot comes from. */
  private readsStarted = 0;
  private lastReadStarted = 0;
  private closedReason: string | undefined;
  private readonly changeListeners = new Set<(snapshot: CookieSnapshot) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly stops: (() => void)[] = [];

  private constructor(private readonly client: CdpConnection, options: WatchOptions, private readonly debounceMs: number) {
    this.followsPage = !options.appUrl;
    this.url = appOrigin(options.appUrl ?? options.fallbackUrl).href;
    this.originSlash = `${appOrigin(this.url).origin}/`;
  }

  private setUrl(url: string): void {
    this.url = url;
    this.originSlash = `${appOrigin(url).origin}/`;
  }

  /** Connects the watch to a page: enables the events it needs and reads the cookies once. */
  static async start(client: CdpConnection, options: WatchOptions): Promise<BrowserCookieWatch> {
    const watch = new BrowserCookieWatch(client, options, options.debounceMs ?? 40);
    await watch.listen(options);
    return watch;
  }

  private async listen(options: WatchOptions): Promise<void> {
    const { client } = this;
    this.stops.push(
      client.on('Network.requestWillBeSent', (p: { requestId: string; request?: { url?: string } }) => {
        if (!this.isAppUrl(p.request?.url)) return;
        if (this.tracked.size >= MAX_TRACKED_REQUESTS) this.tracked.clear();
        this.tracked.add(p.requestId);
      }),
      // Cookies are stored before the response reaches the page; the read after loading finishes catches a late one.
      client.on('Network.responseReceivedExtraInfo', (p: { requestId: string }) => { if (this.tracked.has(p.requestId)) this.schedule(); }),
      client.on('Network.responseReceived', (p: { requestId: string; response?: { url?: string } }) => {
        if (this.tracked.has(p.requestId) || this.isAppUrl(p.response?.url)) this.schedule();
      }),
      client.on('Network.loadingFinished', (p: { requestId: string }) => this.finished(p.requestId)),
      client.on('Network.loadingFailed', (p: { requestId: string }) => this.finished(p.requestId)),
      client.on('Page.frameNavigated', (p: { frame?: { parentId?: string; url?: string } }) => {
        if (!p.frame || p.frame.parentId || !this.followsPage || !isLocalAppUrl(p.frame.url)) return;
        const next = appOrigin(p.frame.url!).origin + '/';
        if (next !== this.url) { this.setUrl(next); this.schedule(); }
      }),
      client.onClose((reason) => this.ended(reason)),
    );
    await options.subscribe?.(WATCHED_EVENTS);
    await client.send('Network.enable', {});
    if (this.followsPage) {
      const pageUrl = await this.pageUrl();
      if (isLocalAppUrl(pageUrl)) this.setUrl(appOrigin(pageUrl!).origin + '/');
    }
    await this.refresh();
  }

  /** The URL whose cookies are shown. */
  get appUrl(): string {
    return this.url;
  }

  get snapshot(): CookieSnapshot | undefined {
    return this.current;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Calls `listener` with each snapshot that differs from the one before; returns the function that stops it. */
  onChange(listener: (snapshot: CookieSnapshot) => void): () => void {
    this.changeListeners.add(listener);
    return () => { this.changeListeners.delete(listener); };
  }

  /** Called once when the page or the connection goes away. */
  onClose(listener: (reason: string) => void): () => void {
    if (this.closedReason !== undefined) { listener(this.closedReason); return () => undefined; }
    this.closeListeners.add(listener);
    return () => { this.closeListeners.delete(listener); };
  }

  /** Reads the cookies now; listeners hear of it when they changed. Concurrent calls share one read. */
  refresh(): Promise<CookieSnapshot> {
    if (this.reading) { this.again = true; return this.reading; }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again) { this.again = false; this.schedule(); }
    });
    return this.reading;
  }

  /**
   * Sets one cookie for the app's URL (same name, path and flags as the browser holds it, a new value), then reads
   * the cookies again. Only for loopback origins: a development app on this machine.
   */
  async setCookie(cookie: Pick<BrowserCookie, 'name' | 'value'> & Partial<BrowserCookie>): Promise<CookieSnapshot> {
    const url = new URL(this.url);
    if (!isLoopbackHost(url.hostname)) throw new Error(`Session Lens changes cookies only for apps on this machine (loopback), not ${url.host}`);
    const params: Record<string, unknown> = { name: cookie.name, value: cookie.value, url: this.url, path: cookie.path ?? '/' };
    if (cookie.domain?.startsWith('.')) params.domain = cookie.domain;
    if (cookie.httpOnly) params.httpOnly = true;
    if (cookie.secure) params.secure = true;
    if (cookie.sameSite) params.sameSite = cookie.sameSite;
    if (cookie.expires !== undefined && cookie.expires > 0) params.expires = cookie.expires;
    const startedBefore = this.readsStarted;
    const { success } = await this.client.send<{ success?: boolean }>('Network.setCookie', params);
    if (success === false) throw new Error(`the browser refused the cookie ${cookie.name} for ${url.origin}`);
    // A read already under way may predate the new cookie: wait for one that started after it was set.
    let snapshot = await this.refresh();
    while (this.lastReadStarted <= startedBefore) snapshot = await this.refresh();
    return snapshot;
  }

  async close(): Promise<void> {
    this.ended('the browser was disconnected');
    await this.client.close();
  }

  private async read(): Promise<CookieSnapshot> {
    const started = ++this.readsStarted;
    const url = this.url;
    const { cookies } = await this.client.send<{ cookies: BrowserCookie[] }>('Network.getCookies', { urls: [url] });
    const browserNowMs = await this.browserNow();
    const snapshot: CookieSnapshot = { url, cookies: [...cookies].sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path)), browserNowMs };
    const fingerprint = JSON.stringify([url, snapshot.cookies.map((c) => [c.name, c.value, c.domain, c.path, c.expires, c.httpOnly, c.secure, c.sameSite])]);
    this.current = snapshot;
    this.lastReadStarted = started;
    if (fingerprint !== this.fingerprint) {
      this.fingerprint = fingerprint;
      for (const l of [...this.changeListeners]) l(snapshot);
    }
    return snapshot;
  }

  private async browserNow(): Promise<number> {
    try {
      const { result } = await this.client.send<{ result?: { value?: unknown } }>('Runtime.evaluate', { expression: 'Date.now()', returnByValue: true, silent: true }, { timeoutMs: 2000 });
      return typeof result?.value === 'number' ? result.value : Date.now();
    } catch {
      return Date.now(); // a page paused in the debugger evaluates nothing
    }
  }

  private async pageUrl(): Promise<string | undefined> {
    try {
      const { frameTree } = await this.client.send<{ frameTree?: { frame?: { url?: string } } }>('Page.getFrameTree', {});
      return frameTree?.frame?.url;
    } catch {
      return undefined;
    }
  }

  /** Whether a request goes to the app's origin (every request of the page is asked: a prefix test, no URL parsed). */
  private isAppUrl(url: string | undefined): boolean {
    return url !== undefined && url.startsWith(this.originSlash);
  }

  private finished(requestId: string): void {
    if (this.tracked.delete(requestId)) this.schedule();
  }

  private schedule(): void {
    if (this.closedReason !== undefined || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refresh().catch(() => undefined); // a closed connection is reported through onClose
    }, this.debounceMs);
  }

  private ended(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    if (this.timer) clearTimeout(this.timer);
    for (const stop of this.stops.splice(0)) stop();
    for (const l of [...this.closeListeners]) l(reason);
    this.closeListeners.clear();
    this.changeListeners.clear();
  }
}

/**
 * Whether a page's URL may name the app: an http(s) origin on this machine. A page that goes to another site
 * never makes the watch read that site's cookies.
 */
function isLocalAppUrl(url: string | undefined): boolean {
  if (!url || !/^https?:\/\//i.test(url)) return false;
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** `Cookie:` header text for these cookies (what the browser would send to the app). */
export function cookieHeader(cookies: readonly Pick<BrowserCookie, 'name' | 'value'>[]): string {
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** A curl command that sends these cookies to `url`, quoted for POSIX shells. */
export function curlCommand(cookies: readonly Pick<BrowserCookie, 'name' | 'value'>[], url: string): string {
  return `curl -b ${shellQuote(cookieHeader(cookies))} ${shellQuote(url)}`;
}
