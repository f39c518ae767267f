// Following sessions while debugging with VS Code's JavaScript debugger (js-debug): for each concrete
// Node child session, ask js-debug for a CDP connection (`extension.js-debug.requestCDPProxy`), subscribe
// to the events we need (`JsDebug.subscribe`), and show the process's stores; drop them when the debug
// session ends. When paused in a request handler, mark that request's session; highlight the sessions
// each request created, changed or destroyed.
import * as vscode from 'vscode';
import type { Services } from '../common/services';
import { DisposableStore } from '../common/lifecycle';
import type { CdpClient } from '../core/inspector/cdpClient';
import { isLoopbackHost } from '../core/inspector/address';
import { mayFollowAutomatically } from '../core/inspector/followPolicy';
import type { DebugMarks, InspectorSessionSource } from '../core/inspector/inspectorSource';
import type { SessionChange } from '../core/sessions/types';
import { COMPONENT, type InProcessController } from './controller';

const NODE_DEBUG_TYPES = new Set(['pwa-node', 'node']);
/** js-debug's browser sessions: each page's cookies are shown in the Cookies view. */
export const BROWSER_DEBUG_TYPES = new Set(['pwa-chrome', 'pwa-msedge', 'chrome', 'msedge']);
const PROXY_TIMEOUT_MS = 5000;
export const AUTO_CONNECT_SETTING = 'sessionLens.inProcess.autoConnect';

/** The request of a paused frame: its session id and its `req.session` as the handler sees it now. */
const PAUSED_REQUEST = `(() => {
  let r;
  try { if (typeof req !== 'undefined') r = req; } catch (e) { /* not in scope */ }
  try { if (!r && typeof request !== 'undefined') r = request; } catch (e) { /* not in scope */ }
  if (!r || typeof r.sessionID !== 'string') return null;
  let live = null;
  try { live = JSON.parse(JSON.stringify(r.session)); } catch (e) { /* not serializable */ }
  return { id: r.sessionID, live };
})()`;

interface Followed {
  session: vscode.DebugSession;
  sourceId?: string;
  known: Set<string>;
  marks: DebugMarks;
  stop?: () => void;
}

export class DebugFollower extends DisposableStore {
  private following: boolean;
  /** Node child debug sessions alive now (followed or not). */
  private readonly candidates = new Map<string, vscode.DebugSession>();
  private readonly followed = new Map<string, Followed>();
  /** Browser page debug sessions alive now, and those whose cookies are shown. */
  private readonly browserCandidates = new Map<string, vscode.DebugSession>();
  private readonly browsersFollowed = new Set<string>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when following starts or stops for a debug session, or marks change. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: Services, private readonly controller: InProcessController) {
    super();
    this.following = this.autoConnectAllowed();
    this.register(vscode.debug.onDidStartDebugSession((s) => { void this.onStart(s); }));
    this.register(vscode.debug.onDidTerminateDebugSession((s) => this.onEnd(s)));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (this.autoConnectAllowed() && !this.following) void this.setFollowing(true);
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(AUTO_CONNECT_SETTING)) void this.setFollowing(this.autoConnectAllowed());
    }));
    this.register({ dispose: () => { for (const f of this.followed.values()) this.drop(f); } });
  }

  get isFollowing(): boolean {
    return this.following;
  }

  /** The source following a debug session, when connected. */
  sourceFor(debugSessionId: string): InspectorSessionSource | undefined {
    const id = this.followed.get(debugSessionId)?.sourceId;
    return id ? this.controller.get(id) : undefined;
  }

  async toggle(): Promise<boolean> {
    if (!this.following && !vscode.workspace.isTrusted) {
      const answer = await vscode.window.showWarningMessage(
        'This workspace is not trusted. Follow the sessions of the programs you debug here anyway?',
        { modal: true, detail: 'Session Lens connects to each Node process you debug and adds small wrappers to its session store until the debug session ends.' },
        'Follow',
      );
      if (answer !== 'Follow') return false;
    }
    await this.setFollowing(!this.following);
    return this.following;
  }

  private autoConnectAllowed(): boolean {
    // Untrusted workspaces: never connect because of a setting or a launch configuration alone.
    return mayFollowAutomatically({
      workspaceTrusted: vscode.workspace.isTrusted,
      autoConnectSetting: vscode.workspace.getConfiguration().get<boolean>(AUTO_CONNECT_SETTING),
    });
  }

  private async setFollowing(on: boolean): Promise<void> {
    if (on === this.following) return;
    this.following = on;
    if (on) {
      for (const session of this.candidates.values()) void this.follow(session);
      for (const session of this.browserCandidates.values()) void this.followBrowser(session);
    } else {
      for (const f of [...this.followed.values()]) this.drop(f);
      for (const id of [...this.browsersFollowed]) this.dropBrowser(id);
    }
    this.changed.fire();
  }

  /** The last few things the follower did or failed at (shown in test failures and the log). */
  readonly recent: string[] = [];

  private note(message: string): void {
    this.recent.push(message);
    if (this.recent.length > 30) this.recent.shift();
  }

  /** A debug session that started before the follower existed (its start is what loaded the features). */
  sessionStarted(session: vscode.DebugSession): void {
    void this.onStart(session);
  }

  private async onStart(session: vscode.DebugSession): Promise<void> {
    this.note(`debug session started: ${session.type} '${session.name}' child=${Boolean(session.configuration.__pendingTargetId)}`);
    // The top-level launch session answers no custom requests; its concrete child has __pendingTargetId.
    if (!session.configuration.__pendingTargetId) return;
    if (BROWSER_DEBUG_TYPES.has(session.type)) {
      this.browserCandidates.set(session.id, session);
      if (this.following) await this.followBrowser(session);
      return;
    }
    if (!NODE_DEBUG_TYPES.has(session.type)) return;
    this.candidates.set(session.id, session);
    if (this.following) await this.follow(session);
  }

  private onEnd(session: vscode.DebugSession): void {
    this.candidates.delete(session.id);
    this.browserCandidates.delete(session.id);
    this.dropBrowser(session.id);
    const f = this.followed.get(session.id);
    if (f) this.drop(f);
  }

  private async follow(session: vscode.DebugSession): Promise<void> {
    if (this.followed.has(session.id)) return;
    const f: Followed = { session, known: new Set(), marks: { highlight: { created: [], changed: [], destroyed: [] } } };
    this.followed.set(session.id, f);
    const log = this.services.log;
    try {
      const url = proxyUrl(await requestProxy(session.id));
      if (this.followed.get(session.id) !== f) return;
      const source = await this.controller.attach({
        description: `debug session '${session.name}'`,
        reconnect: false,
        resolve: async () => url,
        onConnected: (client) => this.onConnected(f, client),
      }, { id: `inspector:debug:${session.id}`, label: `${session.name} (debugging)` });
      if (this.followed.get(session.id) !== f) { this.controller.detach(source.id); return; }
      f.sourceId = source.id;
      // A pause that came while the source was being attached was marked on `f` only: hand it on now.
      if (f.marks.paused) this.setMarks(f, f.marks);
      const stopChanges = source.onChange((changes) => this.onChanges(f, changes));
      const stopState = source.onStateChange((state) => { if (state.kind === 'connected') void this.refreshKnown(f); });
      f.stop = () => { stopChanges(); stopState(); };
      await this.refreshKnown(f);
      log.info(COMPONENT, `following debug session '${session.name}'`);
      this.note(`following '${session.name}' (${source.stores.length} store(s) so far)`);
      this.changed.fire();
    } catch (err) {
      this.followed.delete(session.id);
      log.warn(COMPONENT, `cannot follow debug session '${session.name}': ${(err as Error).message}`);
      this.note(`cannot follow '${session.name}': ${(err as Error).message}`);
    }
  }

  /** Hands a browser page's CDP proxy to the Cookies view, which shows the cookies the page holds for the app. */
  private async followBrowser(session: vscode.DebugSession): Promise<void> {
    if (this.browsersFollowed.has(session.id)) return;
    this.browsersFollowed.add(session.id);
    try {
      const url = proxyUrl(await requestProxy(session.id));
      if (!this.browsersFollowed.has(session.id)) return;
      await this.services.browsers.followDebugSession({ session, proxyUrl: url });
      this.note(`reading the cookies of browser page '${session.name}'`);
    } catch (err) {
      this.browsersFollowed.delete(session.id);
      this.services.log.warn(COMPONENT, `cannot read the cookies of debug session '${session.name}': ${(err as Error).message}`);
      this.note(`cannot read the cookies of '${session.name}': ${(err as Error).message}`);
    }
  }

  private dropBrowser(sessionId: string): void {
    if (!this.browsersFollowed.delete(sessionId)) return;
    this.services.browsers.endDebugSession(sessionId);
  }

  private async onConnected(f: Followed, client: CdpClient): Promise<void> {
    // js-debug's proxy forwards only the events a client subscribes to.
    await client.send('JsDebug.subscribe', { events: ['Runtime.bindingCalled', 'Debugger.paused', 'Debugger.resumed'] });
    client.on('Debugger.paused', (params: { callFrames?: { callFrameId: string }[] }) => { void this.onPaused(f, client, params.callFrames ?? []); });
    client.on('Debugger.resumed', () => this.setMarks(f, { ...f.marks, paused: false, markedSessionId: undefined, markedBaseline: undefined, markedLive: undefined }));
  }

  private async onPaused(f: Followed, client: CdpClient, frames: { callFrameId: string }[]): Promise<void> {
    // A new pause starts a new highlight window.
    const marks: DebugMarks = { paused: true, highlight: { created: [], changed: [], destroyed: [] } };
    for (const frame of frames.slice(0, 12)) {
      try {
        const { result } = await client.send('Debugger.evaluateOnCallFrame', { callFrameId: frame.callFrameId, expression: PAUSED_REQUEST, returnByValue: true, silent: true }, { timeoutMs: 2000 });
        const value = result?.value as { id: string; live: unknown } | null | undefined;
        if (value && typeof value.id === 'string') {
          marks.markedSessionId = value.id;
          marks.markedLive = value.live;
          break;
        }
      } catch {
        // a frame that cannot evaluate: try the next one
      }
    }
    const source = f.sourceId ? this.controller.get(f.sourceId) : undefined;
    if (marks.markedSessionId && source) {
      // Reading while paused is safe: it runs no callback and awaits nothing in the app.
      marks.markedBaseline = (await source.get(marks.markedSessionId).catch(() => undefined))?.data;
    }
    this.setMarks(f, marks);
  }

  private onChanges(f: Followed, changes: SessionChange[]): void {
    const h = f.marks.highlight;
    const add = (list: string[], id: string) => { if (!list.includes(id)) list.push(id); };
    for (const change of changes) {
      if (change.kind === 'set') {
        if (f.known.has(change.id)) { if (!h.created.includes(change.id)) add(h.changed, change.id); } else add(h.created, change.id);
        f.known.add(change.id);
      } else if (change.kind === 'destroy' || change.kind === 'expire') {
        add(h.destroyed, change.id);
        f.known.delete(change.id);
      } else if (change.kind === 'reset') {
        void this.refreshKnown(f);
      }
    }
    this.setMarks(f, { ...f.marks, highlight: h });
  }

  private async refreshKnown(f: Followed): Promise<void> {
    const source = f.sourceId ? this.controller.get(f.sourceId) : undefined;
    if (!source) return;
    try {
      f.known = new Set((await source.listIds()).map((x) => x.id));
    } catch {
      // not connected now; refreshed on the next reset
    }
  }

  private setMarks(f: Followed, marks: DebugMarks): void {
    f.marks = marks;
    const source = f.sourceId ? this.controller.get(f.sourceId) : undefined;
    source?.setMarks(marks);
    this.changed.fire();
  }

  private drop(f: Followed): void {
    this.followed.delete(f.session.id);
    f.stop?.();
    if (f.sourceId) this.controller.detach(f.sourceId);
    this.changed.fire();
  }
}

/** The WebSocket URL of js-debug's CDP proxy; refused unless on loopback. */
function proxyUrl(proxy: { host: string; port: number; path?: string } | undefined): string {
  if (!proxy || typeof proxy.port !== 'number') throw new Error('the JavaScript debugger has no CDP connection for this session');
  if (!isLoopbackHost(proxy.host)) throw new Error(`the debugger's CDP connection is not on loopback (${proxy.host})`);
  const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
  return `ws://${host}:${proxy.port}${proxy.path ?? ''}`;
}

/**
 * Asks js-debug for a CDP connection to the session's debuggee. js-debug learns about a new session from
 * the same start event as we do and answers `undefined` until it has, so an empty answer is asked again.
 */
async function requestProxy(sessionId: string): Promise<{ host: string; port: number; path?: string } | undefined> {
  const deadline = Date.now() + PROXY_TIMEOUT_MS;
  for (let delay = 25; ; delay = Math.min(delay * 2, 400)) {
    const remaining = deadline - Date.now();
    const proxy = await withTimeout(
      Promise.resolve(vscode.commands.executeCommand<{ host: string; port: number; path?: string } | undefined>('extension.js-debug.requestCDPProxy', sessionId)),
      Math.max(remaining, 1),
      'the JavaScript debugger did not hand out a CDP connection',
    );
    if (proxy || Date.now() + delay > deadline) return proxy;
    await new Promise((r) => setTimeout(r, delay));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}
