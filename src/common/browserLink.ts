// What joins connected browsers to the rest of the extension: which browser holds the cookie of which session
// (the Sessions view says "in this browser"), and the hand-over of browser debug sessions from the debug
// follower (in-process feature) to the Cookies view's browser sources.
import * as vscode from 'vscode';

/** A js-debug browser page session and its CDP proxy URL, handed to the Cookies view. */
export interface BrowserDebugSession {
  readonly session: vscode.DebugSession;
  /** `ws://127.0.0.1:PORT/…` of js-debug's CDP proxy for the page. */
  readonly proxyUrl: string;
}

export interface BrowserDebugHandler {
  follow(debug: BrowserDebugSession): Promise<void>;
  end(debugSessionId: string): void;
}

export class BrowserLink implements vscode.Disposable {
  private readonly held = new Map<string, { label: string; sids: ReadonlySet<string> }>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a browser starts or stops holding a session's cookie. */
  readonly onDidChangeHolders = this.changed.event;
  private handler: BrowserDebugHandler | undefined;

  /** The labels of the browsers whose cookie carries this session id. */
  holdersOf(sid: string): string[] {
    return [...this.held.values()].filter((h) => h.sids.has(sid)).map((h) => h.label);
  }

  /** Records the session ids a browser's cookies carry now (none: the browser holds no session). */
  setHeld(browserKey: string, label: string, sids: readonly string[]): void {
    const before = this.held.get(browserKey);
    const same = before && before.label === label && before.sids.size === sids.length && sids.every((s) => before.sids.has(s));
    if (same || (!before && sids.length === 0)) return;
    if (sids.length === 0) this.held.delete(browserKey);
    else this.held.set(browserKey, { label, sids: new Set(sids) });
    this.changed.fire();
  }

  setDebugHandler(handler: BrowserDebugHandler): vscode.Disposable {
    this.handler = handler;
    return { dispose: () => { if (this.handler === handler) this.handler = undefined; } };
  }

  followDebugSession(debug: BrowserDebugSession): Promise<void> {
    return this.handler?.follow(debug) ?? Promise.resolve();
  }

  endDebugSession(debugSessionId: string): void {
    this.handler?.end(debugSessionId);
  }

  dispose(): void {
    this.held.clear();
    this.changed.dispose();
  }
}
