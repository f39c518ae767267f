// Browsers as sources of the Cookies view: a Chromium-family browser's debugging port (Connect to Browser…) or a
// page debugged with js-debug (`pwa-chrome`/`pwa-msedge`, through its CDP proxy). Each shows the cookies it holds
// for the app's origin, decoded and verified, kept current from the browser's Network events, and joined to the
// sessions: whose session it carries, a session no store holds any more (stale cookie), and "in this browser" in
// the Sessions view. Actions: log this browser out, switch it to another session, copy as a Cookie header or curl.
// Cookie values stay in memory (the watch and the decoded result); the log says counts and origins only.
import * as vscode from 'vscode';
import { workspaceAppUrl } from '../common/appUrl';
import type { BrowserDebugSession } from '../common/browserLink';
import type { Services } from '../common/services';
import { browserClient } from '../common/featureBundles';
import type { BrowserCookie, BrowserCookieWatch, CdpConnection, CookieSnapshot } from '../core/browser';
import { signCookie } from '../core/cookies/sign';
import type { BrowserTag, CookieResult, CookieResults } from '../core/cookies/results';
import { isLoopbackHost } from '../core/inspector/address';
import { shortId } from '../core/sessions/describe';
import type { SessionSource } from '../core/sessions/types';
import type { CookiesNode } from './cookiesTreeProvider';
import type { CookiesView } from './cookiesView';

const COMPONENT = 'browser';
/** Store changes come in bursts; the browsers' sessions are looked up again once per burst. */
const RECHECK_MS = 150;

type DecodeToResult = (input: string, adHoc: { label: string; value: string }[], nowMs: number, browser?: BrowserTag) => Promise<CookieResult | { error: string }>;
type DescribeOwners = (result: CookieResult, markStale?: boolean) => Promise<void>;
type Register = <A extends unknown[], R>(id: string, title: string, body: (...args: A) => Promise<R>) => void;

interface Browser {
  /** Its URL follows the page's origin when no app URL was named. */
  tag: BrowserTag;
  readonly watch: BrowserCookieWatch;
  readonly debugSessionId?: string;
  /** Decodes run one after another, so an older snapshot never replaces a newer one. */
  queue: Promise<unknown>;
}

/** Arguments of Connect to Browser for scripted use: the address skips the input box. */
export interface ConnectBrowserArgs { address?: string; url?: string }

export class BrowserSources implements vscode.Disposable {
  private readonly browsers = new Map<string, Browser>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly sourceStops = new Map<string, () => void>();
  private recheckTimer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a browser is connected or disconnected, or its cookies were decoded again. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly services: Services,
    private readonly results: CookieResults,
    private readonly decode: DecodeToResult,
    private readonly describeOwners: DescribeOwners,
  ) {
    this.disposables.push(this.changed, services.browsers.setDebugHandler({
      follow: (debug) => this.followDebugSession(debug),
      end: (id) => { for (const b of [...this.browsers.values()]) if (b.debugSessionId === id) void this.disconnect(b.tag.key); },
    }));
    // A session destroyed, created or changed in a store may make a browser's cookie stale, or valid again.
    this.disposables.push(services.sessionSources.onDidChange(() => this.watchSources()));
    this.watchSources();
  }

  list(): BrowserTag[] {
    return [...this.browsers.values()].map((b) => b.tag);
  }

  /** The current cookies of a browser (values in memory only). */
  cookiesOf(key: string): readonly BrowserCookie[] {
    return this.browsers.get(key)?.watch.snapshot?.cookies ?? [];
  }

  /** Connects to a browser's remote debugging port (loopback only) and shows its cookies for the app's URL. */
  async connectPort(address: string, url?: string): Promise<CookieResult> {
    const appUrl = await this.appUrlFor(url);
    const { client, where } = await browserClient().openBrowserPage(address, appUrl.url);
    const name = await browserName(client);
    return this.start(client, { key: `port:${where}`, label: `${name} at ${where}`, via: 'port' }, appUrl);
  }

  /** Shows the cookies of a page debugged with js-debug, through its CDP proxy. */
  async followDebugSession({ session, proxyUrl }: BrowserDebugSession): Promise<void> {
    const key = `debug:${session.id}`;
    if (this.browsers.has(key)) return;
    const configured = [session.configuration.url, session.parentSession?.configuration.url].find((u): u is string => typeof u === 'string' && /^https?:\/\//i.test(u));
    const appUrl = configured ? { url: configured, from: 'setting' as const } : await this.appUrlFor(undefined);
    try {
      const client = await browserClient().CdpClient.connect(proxyUrl, { requestTimeoutMs: 5000 });
      const label = `${session.parentSession?.name ?? session.name} (debugging)`;
      await this.start(client, { key, label, via: 'debug' }, appUrl, {
        debugSessionId: session.id,
        subscribe: (events) => client.send('JsDebug.subscribe', { events }),
      });
    } catch (err) {
      this.services.log.warn(COMPONENT, `cannot read the cookies of debug session '${session.name}': ${(err as Error).message}`);
    }
  }

  private async start(client: CdpConnection, identity: Omit<BrowserTag, 'url'>, appUrl: { url: string; from: string }, options: { debugSessionId?: string; subscribe?: (events: string[]) => Promise<unknown> } = {}): Promise<CookieResult> {
    const { log } = this.services;
    await this.disconnect(identity.key);
    let watch: BrowserCookieWatch;
    try {
      // A URL the user named is kept; a guess from .env or the default gives way to the page's own origin.
      watch = await browserClient().BrowserCookieWatch.start(client, {
        ...(appUrl.from === 'setting' ? { appUrl: appUrl.url } : {}),
        fallbackUrl: appUrl.url,
        subscribe: options.subscribe,
      });
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
    const browser: Browser = { tag: { ...identity, url: watch.appUrl }, watch, queue: Promise.resolve(), ...(options.debugSessionId ? { debugSessionId: options.debugSessionId } : {}) };
    this.browsers.set(identity.key, browser);
    watch.onChange((snapshot) => { void this.enqueue(browser, snapshot); });
    watch.onClose((reason) => {
      if (this.browsers.get(identity.key) !== browser) return;
      log.info(COMPONENT, `${identity.label}: ${reason}`);
      void this.disconnect(identity.key);
    });
    log.info(COMPONENT, `reading the cookies of ${watch.appUrl} in ${identity.label}`);
    const shown = await this.enqueue(browser, watch.snapshot!);
    this.changed.fire();
    return shown;
  }

  private enqueue(browser: Browser, snapshot: CookieSnapshot): Promise<CookieResult> {
    const next = browser.queue.then(() => this.show(browser, snapshot));
    browser.queue = next.catch(() => undefined);
    return next;
  }

  /** Decodes a snapshot into the browser's result, then looks its sessions up in the connected stores. */
  private async show(browser: Browser, snapshot: CookieSnapshot): Promise<CookieResult> {
    if (this.browsers.get(browser.tag.key) !== browser) return this.results.browserResult(browser.tag.key)!;
    const tag: BrowserTag = { ...browser.tag, url: snapshot.url };
    browser.tag = tag;
    let result: CookieResult;
    if (snapshot.cookies.length === 0) {
      result = this.results.add({ input: '', cookies: [], inputWarnings: [], secretLabels: [], nowMs: snapshot.browserNowMs, browser: tag }, []);
    } else {
      const decoded = await this.decode(browserClient().setCookieLines(snapshot.cookies), [], snapshot.browserNowMs, tag);
      if ('error' in decoded) throw new Error(decoded.error);
      result = decoded;
    }
    // Disconnected while it was being decoded: its result must not come back.
    if (this.browsers.get(browser.tag.key) !== browser) {
      this.results.removeBrowser(browser.tag.key);
      return result;
    }
    await this.joinSessions(result);
    this.changed.fire();
    return result;
  }

  /** Which sessions the browser's cookies carry: shown on the cookies, and as "in this browser" in the Sessions view. */
  private async joinSessions(result: CookieResult): Promise<void> {
    if (!result.browser) return;
    await this.describeOwners(result, true);
    if (!this.browsers.has(result.browser.key)) return;
    // Sessions the server would take: a cookie that fails its signature or has expired carries none.
    const held = result.cookies.filter((c) => c.sid && c.verified !== false && !c.expired).map((c) => c.sid!);
    this.services.browsers.setHeld(result.browser.key, result.browser.label, held);
  }

  private watchSources(): void {
    const sources = this.services.sessionSources.all();
    for (const [id, stop] of this.sourceStops) if (!sources.some((s) => s.id === id)) { stop(); this.sourceStops.delete(id); }
    for (const source of sources) {
      if (this.sourceStops.has(source.id)) continue;
      const stopChange = source.onChange(() => this.recheck());
      const stopState = source.onStateChange(() => this.recheck());
      this.sourceStops.set(source.id, () => { stopChange(); stopState(); });
    }
    this.recheck();
  }

  /** Looks the browsers' sessions up again (soon, once per burst). */
  recheck(): void {
    if (this.recheckTimer || this.browsers.size === 0) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      for (const browser of this.browsers.values()) {
        browser.queue = browser.queue.then(async () => {
          const result = this.results.browserResult(browser.tag.key);
          if (result) await this.joinSessions(result);
        }).catch(() => undefined);
      }
    }, RECHECK_MS);
  }

  async disconnect(key: string): Promise<boolean> {
    const browser = this.browsers.get(key);
    if (!browser) return false;
    this.browsers.delete(key);
    this.results.removeBrowser(key);
    this.services.browsers.setHeld(key, browser.tag.label, []);
    await browser.watch.close().catch(() => undefined);
    this.changed.fire();
    return true;
  }

  /** The result of the browser with this key in the Cookies view. */
  resultOf(key: string): CookieResult | undefined {
    return this.results.browserResult(key);
  }

  /** The browser a Cookies view node belongs to. */
  browserOf(node: CookiesNode | undefined): Browser | undefined {
    const key = node ? this.results.get(node.resultId)?.browser?.key : undefined;
    return key ? this.browsers.get(key) : this.browsers.size === 1 ? [...this.browsers.values()][0] : undefined;
  }

  /** Sets the browser's session cookie to the signed cookie of `sid` (loopback apps only), after consent. */
  async switchSession(browser: Browser, sid: string): Promise<CookieResult> {
    const result = this.results.browserResult(browser.tag.key);
    const current = result?.cookies.find((c) => c.sid);
    const format = current?.format ?? 'express-session';
    if (format !== 'express-session') throw new Error(`switching sessions works for express-session cookies; this browser's session cookie is ${format}`);
    const hints = await this.services.setups.hints();
    const name = current?.name ?? hints.find((h) => h.formats?.includes('express-session'))?.name ?? 'connect.sid';
    const secret = await this.signingSecret(current?.secretLabel ?? undefined);
    this.services.log.addSecretValues([secret]);
    const signed = signCookie('express-session', sid, secret, name);
    if ('error' in signed) throw new Error(signed.error);
    const held = browser.watch.snapshot?.cookies.find((c) => c.name === name);
    await browser.watch.setCookie({ ...(held ?? { httpOnly: true, path: '/' }), name, value: signed.value });
    // The watch reported the new cookie as it read it; it is decoded in the browser's queue.
    await browser.queue;
    return this.resultOf(browser.tag.key)!;
  }

  /** The secret that verified the browser's cookie, else the first the app's code names, else the first stored. */
  private async signingSecret(verifiedWith: string | undefined): Promise<string> {
    const stored = await this.services.secrets.list();
    const fromCode = (await this.services.setups.hints()).flatMap((h) => h.secrets ?? []);
    const all = [...stored, ...fromCode];
    const secret = all.find((s) => s.label === verifiedWith) ?? fromCode[0] ?? stored[0];
    if (!secret) throw new Error('no signing secret known: add one (Add Signing Secret…) or a SESSION_SECRET in .env');
    return secret.value;
  }

  /** The app URL: the one given, else the workspace's (a setting wins over the page; .env and the default do not). */
  private async appUrlFor(url: string | undefined): Promise<{ url: string; from: 'setting' | 'env' | 'default' }> {
    if (url) return { url, from: 'setting' };
    return workspaceAppUrl(this.services.log, COMPONENT);
  }

  dispose(): void {
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    for (const stop of this.sourceStops.values()) stop();
    for (const key of [...this.browsers.keys()]) void this.disconnect(key);
    for (const d of this.disposables) d.dispose();
  }
}

/** "Chrome", "Edge", "Chrome (headless)", from the browser's own version. */
async function browserName(client: CdpConnection): Promise<string> {
  try {
    const { product, userAgent } = await client.send<{ product?: string; userAgent?: string }>('Browser.getVersion', {}, { timeoutMs: 2000 });
    const name = /Edg\//.test(userAgent ?? '') ? 'Edge' : /Chrome/.test(product ?? '') ? 'Chrome' : 'Browser';
    return /HeadlessChrome/.test(`${product ?? ''} ${userAgent ?? ''}`) ? `${name} (headless)` : name;
  } catch {
    return 'Browser';
  }
}

/** The Cookies view's browser commands. */
export function registerBrowserCommands(browsers: BrowserSources, view: CookiesView, command: Register, services: Services): void {
  const target = (arg: unknown): CookiesNode | undefined => {
    if (arg && typeof arg === 'object' && 'type' in arg && 'resultId' in arg) return arg as CookiesNode;
    return view.treeView.selection[0];
  };
  const browserFor = (arg: unknown) => {
    const browser = browsers.browserOf(target(arg));
    if (!browser) throw new Error(browsers.list().length ? 'choose a browser in the Cookies view' : 'no browser is connected: run Connect to Browser… first');
    return browser;
  };
  /** The session id the browser's cookie carries, from the node's cookie when it names one. */
  const sidOf = (arg: unknown, browser: Browser): string | undefined => {
    const node = target(arg);
    const own = node && node.type !== 'result' && node.type !== 'folded' ? view.provider.cookieOf(node)?.sid : undefined;
    return own ?? browsers.resultOf(browser.tag.key)?.cookies.find((c) => c.sid)?.sid ?? undefined;
  };

  command('sessionLens.connectBrowser', 'Connect to Browser', async (arg?: ConnectBrowserArgs | string) => {
    const given = typeof arg === 'string' ? { address: arg } : arg ?? {};
    const address = given.address ?? await vscode.window.showInputBox({
      title: 'Session Lens: Connect to Browser',
      prompt: 'Remote debugging address of a Chrome, Edge or Chromium on this machine (started with --remote-debugging-port=PORT and --user-data-dir=DIR)',
      value: '127.0.0.1:9222',
      placeHolder: '127.0.0.1:9222',
      ignoreFocusOut: true,
      validateInput: (text) => (/^\s*(\[[^\]]+\]|[^:\s]+):\d+\s*$|^\s*\d+\s*$/.test(text) ? undefined : 'HOST:PORT, e.g. 127.0.0.1:9222'),
    });
    if (!address) return undefined;
    const result = await vscode.window.withProgress({ location: { viewId: 'sessionLens.cookies' }, title: 'Connecting to the browser' }, () => browsers.connectPort(address, given.url));
    await view.show(result);
    return result;
  });

  // From a session in the Sessions view to the browser cookie that carries it.
  command('sessionLens.revealBrowserCookie', 'Reveal Browser Cookie', async (arg?: { id?: string; sid?: string } | string) => {
    const sid = typeof arg === 'string' ? arg : arg?.sid ?? arg?.id;
    if (!sid) throw new Error('choose a session in the Sessions view');
    for (const tag of browsers.list()) {
      const result = browsers.resultOf(tag.key);
      const index = result?.cookies.findIndex((c) => c.sid === sid) ?? -1;
      if (result && index >= 0) {
        await view.reveal(view.provider.sidNode(result.id, index));
        return true;
      }
    }
    void vscode.window.showInformationMessage(`Session Lens: no connected browser holds the cookie of session ${shortId(sid)}.`);
    return false;
  });

  command('sessionLens.disconnectBrowser', 'Disconnect Browser', async (arg?: CookiesNode) => {
    const browser = browserFor(arg);
    return browsers.disconnect(browser.tag.key);
  });

  // The Sessions view's Delete Session does it (asks first, then drops the session from the view at once).
  command('sessionLens.logBrowserOut', 'Log This Browser Out', async (arg?: CookiesNode, options?: { confirmed?: boolean }) => {
    const browser = browserFor(arg);
    const sid = sidOf(arg, browser);
    if (!sid) throw new Error(`${browser.tag.label} holds no session cookie for ${new URL(browser.tag.url).host}`);
    const destroyed = await vscode.commands.executeCommand<boolean | undefined>('sessionLens.deleteSession', { sid }, options);
    if (destroyed) services.log.info(COMPONENT, `logged ${browser.tag.label} out (session ${shortId(sid)})`);
    browsers.recheck(); // the cookie is stale now, whenever the store reports the change
    return destroyed === true;
  });

  command('sessionLens.switchBrowserSession', 'Switch This Browser to Another Session', async (arg?: CookiesNode, choice?: { sid: string; confirmed?: boolean }) => {
    const browser = browserFor(arg);
    const host = new URL(browser.tag.url).hostname;
    if (!isLoopbackHost(host)) throw new Error(`Session Lens changes cookies only for apps on this machine (loopback), not ${host}`);
    const current = sidOf(arg, browser);
    const sid = choice?.sid ?? await pickSession(services.sessionSources.all(), current);
    if (!sid) return undefined;
    if (!choice?.confirmed) {
      const action = 'Switch';
      const answer = await vscode.window.showWarningMessage(`Switch ${browser.tag.label} to session ${shortId(sid)}?`, {
        modal: true,
        detail: `Session Lens signs the session id with the app's secret and sets it as the browser's session cookie for ${new URL(browser.tag.url).origin}, replacing the cookie it holds now. The next request the browser makes to the app runs in that session.`,
      }, action);
      if (answer !== action) return undefined;
    }
    return browsers.switchSession(browser, sid);
  });

  command('sessionLens.copyBrowserCookieHeader', 'Copy as Cookie Header', async (arg?: CookiesNode) => {
    const browser = browserFor(arg);
    const cookies = browsers.cookiesOf(browser.tag.key);
    if (cookies.length === 0) throw new Error(`${browser.tag.label} holds no cookie for ${new URL(browser.tag.url).host}`);
    return copy(`Cookie: ${browserClient().cookieHeader(cookies)}`, `Copied the Cookie header of ${browser.tag.label} (${cookies.length} cookie${cookies.length === 1 ? '' : 's'}).`);
  });

  command('sessionLens.copyBrowserCurl', 'Copy as curl Command', async (arg?: CookiesNode) => {
    const browser = browserFor(arg);
    const cookies = browsers.cookiesOf(browser.tag.key);
    if (cookies.length === 0) throw new Error(`${browser.tag.label} holds no cookie for ${new URL(browser.tag.url).host}`);
    return copy(browserClient().curlCommand(cookies, browser.tag.url), `Copied a curl command for ${browser.tag.url} with the cookies of ${browser.tag.label}.`);
  });

  /** Writes to the clipboard; where the page may not (a browser-hosted VS Code), shows the text to copy by hand. */
  async function copy(text: string, done: string): Promise<string> {
    try {
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage(done);
    } catch {
      await vscode.window.showInputBox({ title: 'Session Lens: copy this text (Ctrl+C)', value: text, ignoreFocusOut: true });
    }
    return text;
  }
}

/** A quick pick of the sessions the connected stores hold (the first page of each). */
async function pickSession(sources: SessionSource[], current: string | undefined): Promise<string | undefined> {
  if (sources.length === 0) throw new Error('no session store is connected: connect one in the Sessions view to choose a session');
  type Item = vscode.QuickPickItem & { sid: string };
  const items: Item[] = [];
  for (const source of sources) {
    const page = await source.list({ limit: 200 }).catch(() => undefined);
    for (const r of page?.sessions ?? []) {
      items.push({ label: `$(account) ${r.user ?? 'anonymous'}`, description: `${shortId(r.id)}${r.id === current ? ' · this browser now' : ''}`, detail: source.label, sid: r.id });
    }
  }
  if (items.length === 0) throw new Error('the connected stores hold no session to switch to');
  const pick = await vscode.window.showQuickPick(items, { title: 'Session Lens: Switch This Browser to Another Session', placeHolder: 'The session the browser should use', matchOnDescription: true, matchOnDetail: true });
  return pick?.sid;
}
