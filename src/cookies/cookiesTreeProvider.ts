// Maps the decoder's recent results (CookieResults) to the Cookies view: a group per result, a node per
// cookie with its verdict, and under it the session id (Enter reveals it in the Sessions view), the expiry
// counting down, the payload as a tree, the Set-Cookie attributes with their warnings, and what to do next
// when no secret verified it. Cookies that are not sessions are folded under one node.
import * as vscode from 'vscode';
import type { DecodedCookie } from '../core/cookies/decode';
import { attributesText, verdictText } from '../core/cookies/report';
import {
  expiryText, foldedCookies, shownCookies, valueAt, valueSummary, verdictOf, type BrowserTag, type CookieResult, type CookieResults, type Verdict,
} from '../core/cookies/results';

type Path = readonly (string | number)[];

export type CookiesNode =
  | { type: 'result'; resultId: number }
  | { type: 'cookie'; resultId: number; index: number }
  | { type: 'folded'; resultId: number }
  | { type: 'sid'; resultId: number; index: number }
  | { type: 'expiry'; resultId: number; index: number }
  | { type: 'payload'; resultId: number; index: number }
  /** A value under the cookie's payload, or (`stored`) under the session data its store holds. */
  | { type: 'value'; resultId: number; index: number; path: Path; stored?: true }
  | { type: 'stored'; resultId: number; index: number }
  | { type: 'attributes'; resultId: number; index: number }
  | { type: 'line'; resultId: number; index: number; parent: 'cookie' | 'attributes' | 'result'; kind: 'attribute' | 'warning' | 'problem' | 'note'; n: number; text: string }
  | { type: 'next'; resultId: number; index: number }
  | { type: 'action'; resultId: number; index: number; action: 'tryAnotherSecret' | 'addSigningSecret' };

/** What the Session id node says after a reveal: found, or not in the connected store. */
export type SidState = 'found' | 'notFound';

const VERDICT_ICON: Record<Verdict, [string, string | undefined]> = {
  verified: ['pass', 'testing.iconPassed'],
  'not-verified': ['error', 'testing.iconFailed'],
  expired: ['history', 'list.warningForeground'],
  'not-checked': ['circle-large-outline', undefined],
  'not-session': ['circle-slash', undefined],
  unrecognized: ['question', undefined],
};

const VERDICT_WORDS: Record<Verdict, string> = {
  verified: 'verified', 'not-verified': 'not verified', expired: 'expired', 'not-checked': 'not checked',
  'not-session': 'not a session cookie', unrecognized: 'no session format recognized',
};

export function nodeId(node: CookiesNode): string {
  switch (node.type) {
    case 'result': return `r${node.resultId}`;
    case 'folded': return `r${node.resultId}/folded`;
    case 'value': return `r${node.resultId}/c${node.index}/${node.stored ? 's' : 'v'}${JSON.stringify(node.path)}`;
    case 'line': return `r${node.resultId}/c${node.index}/${node.parent}/${node.kind}${node.n}`;
    case 'action': return `r${node.resultId}/c${node.index}/${node.action}`;
    default: return `r${node.resultId}/c${node.index}/${node.type}`;
  }
}

export class CookiesTreeProvider implements vscode.TreeDataProvider<CookiesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CookiesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Node objects kept per id, so reveal() and the tree agree on identity. */
  private readonly nodes = new Map<string, CookiesNode>();
  /** What each session id node learned from its last reveal, by node id. */
  private readonly sidStates = new Map<string, SidState>();
  /** Whose session a session id node names (user label and store), when a connected store holds it. */
  private readonly sidOwners = new Map<string, string>();
  /** The session data a connected store holds for a cookie's session id, by the cookie's sid node id. */
  private readonly storedData = new Map<string, unknown>();
  private readonly stop: () => void;
  /** The result objects drawn last, by id: a browser's result is replaced in place when its cookies change. */
  private seen = new Map<number, CookieResult>();
  /** The clock of relative times (refreshed by the view's timer while it is visible). */
  private nowMs = Date.now();

  constructor(readonly results: CookieResults) {
    this.stop = results.onDidChange(() => {
      // Results gone, and browsers' results replaced by a newer snapshot (same id, other cookies), start afresh.
      const live = new Set(results.list().filter((r) => this.seen.get(r.id) === r || !this.seen.has(r.id)).map((r) => r.id));
      this.seen = new Map(results.list().map((r) => [r.id, r]));
      const resultIdOf = (key: string) => Number(/^r(\d+)/.exec(key)?.[1]);
      for (const [key, node] of this.nodes) if (!live.has(node.resultId)) this.nodes.delete(key);
      for (const map of [this.sidStates, this.sidOwners, this.storedData]) {
        for (const key of map.keys()) if (!live.has(resultIdOf(key))) map.delete(key);
      }
      this.refresh();
    });
  }

  /** Redraws the tree with the current time (countdowns). */
  refresh(nowMs = Date.now()): void {
    this.nowMs = nowMs;
    this.changed.fire(undefined);
  }

  /** Records what revealing a session id node found, and redraws it. */
  setSidState(node: Extract<CookiesNode, { type: 'sid' }>, state: SidState, owner?: string, data?: unknown): void {
    this.sidStates.set(nodeId(node), state);
    if (owner !== undefined) this.sidOwners.set(nodeId(node), owner);
    if (data !== undefined && data !== null) this.storedData.set(nodeId(node), data);
    this.changed.fire(undefined);
  }

  /** The session id node of a cookie that names one. */
  sidNode(resultId: number, index: number): Extract<CookiesNode, { type: 'sid' }> {
    return this.intern({ type: 'sid', resultId, index });
  }

  sidState(node: CookiesNode): SidState | undefined {
    return this.sidStates.get(nodeId(node));
  }

  private intern<T extends CookiesNode>(node: T): T {
    const key = nodeId(node);
    const existing = this.nodes.get(key);
    if (existing) return existing as T;
    this.nodes.set(key, node);
    return node;
  }

  resultOf(node: CookiesNode): CookieResult | undefined {
    return this.results.get(node.resultId);
  }

  /** The value a payload, stored or value node shows the root of: the cookie's payload, or its stored session data. */
  valueRoot(node: CookiesNode): unknown {
    if (node.type === 'stored' || (node.type === 'value' && node.stored)) return this.storedData.get(nodeId({ type: 'sid', resultId: node.resultId, index: node.index }));
    return this.cookieOf(node)?.payload;
  }

  cookieOf(node: CookiesNode): DecodedCookie | undefined {
    if (node.type === 'result' || node.type === 'folded') return undefined;
    return this.resultOf(node)?.cookies[node.index];
  }

  /** The node of a result, and of the cookie to select in it (the first shown cookie, else the folded group). */
  resultNode(resultId: number): CookiesNode {
    return this.intern({ type: 'result', resultId });
  }

  firstCookieNode(result: CookieResult): CookiesNode {
    const first = shownCookies(result.cookies)[0];
    return first ? this.intern({ type: 'cookie', resultId: result.id, index: result.cookies.indexOf(first) }) : this.intern({ type: 'folded', resultId: result.id });
  }

  getChildren(node?: CookiesNode): CookiesNode[] {
    if (!node) return this.results.list().map((r) => this.intern({ type: 'result', resultId: r.id }));
    const result = this.resultOf(node);
    if (!result) return [];
    const resultId = result.id;
    switch (node.type) {
      case 'result': {
        const out: CookiesNode[] = result.inputWarnings.map((text, n) => this.intern({ type: 'line', resultId, index: -1, parent: 'result', kind: 'warning', n, text }));
        if (result.browser && result.cookies.length === 0) out.push(this.intern({ type: 'line', resultId, index: -1, parent: 'result', kind: 'note', n: 0, text: `No cookies for ${new URL(result.browser.url).origin} yet` }));
        for (const c of shownCookies(result.cookies)) out.push(this.intern({ type: 'cookie', resultId, index: result.cookies.indexOf(c) }));
        if (foldedCookies(result.cookies).length) out.push(this.intern({ type: 'folded', resultId }));
        return out;
      }
      case 'folded': return foldedCookies(result.cookies).map((c) => this.intern({ type: 'cookie', resultId, index: result.cookies.indexOf(c) }));
      case 'cookie': return this.cookieChildren(result, node.index);
      case 'payload': return this.valueChildren(node, []);
      case 'stored': return this.valueChildren(node, []);
      case 'value': return this.valueChildren(node, node.path);
      case 'attributes': {
        const c = result.cookies[node.index];
        const attrs = attributesText(c).split('; ').filter(Boolean);
        return [
          ...attrs.map((text, n) => this.intern({ type: 'line', resultId, index: node.index, parent: 'attributes', kind: 'attribute', n, text })),
          ...c.warnings.map((text, n) => this.intern({ type: 'line', resultId, index: node.index, parent: 'attributes', kind: 'warning', n, text })),
        ];
      }
      case 'next': return [
        this.intern({ type: 'action', resultId, index: node.index, action: 'tryAnotherSecret' }),
        this.intern({ type: 'action', resultId, index: node.index, action: 'addSigningSecret' }),
      ];
      default: return [];
    }
  }

  private cookieChildren(result: CookieResult, index: number): CookiesNode[] {
    const c = result.cookies[index];
    const resultId = result.id;
    const out: CookiesNode[] = [];
    if (c.sid) out.push(this.intern({ type: 'sid', resultId, index }));
    if (c.sid && this.storedData.has(nodeId({ type: 'sid', resultId, index }))) out.push(this.intern({ type: 'stored', resultId, index }));
    if (c.kind === 'session') out.push(this.intern({ type: 'expiry', resultId, index }));
    // Data kept server-side (a session id, and a note saying so) needs no "not readable" node of its own.
    if ((c.payload !== null && c.payload !== undefined) || (c.kind === 'session' && !c.sid)) out.push(this.intern({ type: 'payload', resultId, index }));
    const hasAttributes = attributesText(c) !== '';
    if (hasAttributes) out.push(this.intern({ type: 'attributes', resultId, index }));
    if (c.error) out.push(this.intern({ type: 'line', resultId, index, parent: 'cookie', kind: 'problem', n: 0, text: c.error }));
    if (!hasAttributes) c.warnings.forEach((text, n) => out.push(this.intern({ type: 'line', resultId, index, parent: 'cookie', kind: 'warning', n, text })));
    c.notes.forEach((text, n) => out.push(this.intern({ type: 'line', resultId, index, parent: 'cookie', kind: 'note', n, text })));
    if (c.secretMayHelp && c.verified !== true) out.push(this.intern({ type: 'next', resultId, index }));
    return out;
  }

  private valueChildren(parent: CookiesNode & { index: number }, path: Path): CookiesNode[] {
    const value = valueAt(this.valueRoot(parent), path);
    if (value === null || typeof value !== 'object') return [];
    const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
    const stored = parent.type === 'stored' || (parent.type === 'value' && parent.stored) ? { stored: true as const } : {};
    return keys.map((k) => this.intern({ type: 'value', resultId: parent.resultId, index: parent.index, path: [...path, k], ...stored }));
  }

  getParent(node: CookiesNode): CookiesNode | undefined {
    const resultId = node.resultId;
    const result = this.resultOf(node);
    switch (node.type) {
      case 'result': return undefined;
      case 'folded': return this.intern({ type: 'result', resultId });
      case 'cookie': {
        const c = result?.cookies[node.index];
        return result && c && foldedCookies(result.cookies).includes(c) ? this.intern({ type: 'folded', resultId }) : this.intern({ type: 'result', resultId });
      }
      case 'value':
        if (node.path.length <= 1) return this.intern({ type: node.stored ? 'stored' : 'payload', resultId, index: node.index });
        return this.intern({ type: 'value', resultId, index: node.index, path: node.path.slice(0, -1), ...(node.stored ? { stored: true as const } : {}) });
      case 'line':
        if (node.parent === 'result') return this.intern({ type: 'result', resultId });
        if (node.parent === 'attributes') return this.intern({ type: 'attributes', resultId, index: node.index });
        return this.intern({ type: 'cookie', resultId, index: node.index });
      case 'action': return this.intern({ type: 'next', resultId, index: node.index });
      default: return this.intern({ type: 'cookie', resultId, index: node.index });
    }
  }

  getTreeItem(node: CookiesNode): vscode.TreeItem {
    const item = this.describe(node);
    item.id = nodeId(node);
    return item;
  }

  private describe(node: CookiesNode): vscode.TreeItem {
    const result = this.resultOf(node);
    if (!result) return new vscode.TreeItem('(this result is no longer in memory)');
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const Expanded = vscode.TreeItemCollapsibleState.Expanded;
    switch (node.type) {
      case 'result': {
        if (result.browser) return this.browserItem(result, result.browser);
        const newest = this.results.newest()?.id === result.id;
        const names = shownCookies(result.cookies).map((c) => c.name ?? '(unnamed cookie)');
        const label = names.length ? names.join(', ') : 'No session cookie';
        const item = new vscode.TreeItem(label, newest ? Expanded : Collapsed);
        const when = new Date(result.nowMs).toLocaleTimeString();
        item.description = `${result.cookies.length} cookie${result.cookies.length === 1 ? '' : 's'} · decoded ${when}`;
        item.iconPath = new vscode.ThemeIcon('history');
        item.contextValue = 'cookieResult';
        item.tooltip = `Decoded ${new Date(result.nowMs).toISOString()}\nSecrets tried: ${result.secretLabels.length ? result.secretLabels.join(', ') : 'none'}`;
        item.accessibilityInformation = { label: `Decoded cookies: ${label}, ${item.description}`, role: 'treeitem' };
        return item;
      }
      case 'folded': {
        const folded = foldedCookies(result.cookies);
        const other = folded.every((c) => c.kind === 'not-session');
        const label = `${other ? 'Not session cookies' : 'Other cookies'} (${folded.length})`;
        const item = new vscode.TreeItem(label, Collapsed);
        item.description = folded.map((c) => `${c.name ?? '(unnamed)'}${c.purpose ? ` (${c.purpose})` : ''}`).join(', ');
        item.iconPath = new vscode.ThemeIcon('fold');
        item.contextValue = 'cookieFolded';
        item.accessibilityInformation = { label: `${label}: ${item.description}` };
        return item;
      }
      case 'cookie': {
        const c = result.cookies[node.index];
        const verdict = verdictOf(c);
        const name = c.name ?? '(unnamed cookie)';
        const item = new vscode.TreeItem(name, c.kind === 'session' || (c.kind === 'unknown' && c.payload != null) ? Expanded : Collapsed);
        item.description = this.cookieDescription(c, result.browser !== undefined);
        const [icon, color] = VERDICT_ICON[verdict];
        item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
        item.contextValue = `cookie ${verdict}${c.sid ? ' sid' : ''}${result.browser ? ' browser' : ''}`;
        const tip = new vscode.MarkdownString(undefined, true);
        tip.appendText(`${name}: ${c.format}${c.library ? ` (${c.library})` : ''}\n\n${verdictText(c)}${c.expired ? ' — EXPIRED' : ''}`);
        if (c.error) tip.appendText(`\n\n${c.error}`);
        item.tooltip = tip;
        item.accessibilityInformation = { label: `Cookie ${name}, ${this.cookieDescription(c, result.browser !== undefined)}` };
        return item;
      }
      case 'sid': {
        const c = result.cookies[node.index];
        const item = new vscode.TreeItem(`Session id ${c.sid!}`, None);
        const state = this.sidState(node);
        const owner = state === 'found' ? this.sidOwners.get(nodeId(node)) : undefined;
        // A browser's cookie whose session no store holds: the server logged it out (or the store lost it).
        const stale = state === 'notFound' && result.browser !== undefined;
        const missing = stale ? 'stale cookie: no connected store holds this session' : 'not in the connected store';
        item.description = state === 'notFound' ? missing : owner ? `${owner} — Enter: reveal` : 'Enter: reveal in the Sessions view';
        item.iconPath = stale ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon(state === 'notFound' ? 'circle-slash' : 'key');
        item.contextValue = `cookieSid${result.browser ? ' browser' : ''}${stale ? ' stale' : ''}`;
        item.command = { command: 'sessionLens.openSessionFromCookie', title: 'Reveal Session', arguments: [node] };
        item.tooltip = stale ? 'The browser still sends this cookie, but no connected store holds its session: it was logged out server-side (destroyed or expired in the store). The app treats the browser as logged out.'
          : state === 'notFound' ? 'No connected session store holds this session.' : 'Reveal and select this session in the Sessions view';
        item.accessibilityInformation = { label: `Session id ${c.sid!}${state === 'notFound' ? `, ${missing}` : `${owner ? `, session of ${owner}` : ''}, press Enter to reveal it in the Sessions view`}` };
        return item;
      }
      case 'expiry': {
        const c = result.cookies[node.index];
        const label = c.expiresAt ? expiryText(c.expiresAt, this.nowMs) : 'Expiry not stated';
        const item = new vscode.TreeItem(label, None);
        item.description = c.expiresAt ? `${c.expiresAt}${c.expired ? ' · EXPIRED' : ''}` : 'browser session or server-side expiry';
        item.iconPath = new vscode.ThemeIcon(c.expired ? 'history' : 'watch', c.expired ? new vscode.ThemeColor('list.warningForeground') : undefined);
        item.contextValue = 'cookieExpiry';
        item.accessibilityInformation = { label: `${label}, ${item.description}` };
        return item;
      }
      case 'payload': {
        const c = result.cookies[node.index];
        const readable = c.payload !== null && c.payload !== undefined;
        const label = c.sid ? 'Session data' : 'Payload';
        const item = new vscode.TreeItem(label, readable && typeof c.payload === 'object' ? Expanded : None);
        item.description = readable ? valueSummary(c.payload) : 'not readable here (kept server-side, or encrypted without a matching secret)';
        item.iconPath = new vscode.ThemeIcon('json');
        item.contextValue = readable ? 'cookieValue' : 'cookiePayloadUnreadable';
        item.accessibilityInformation = { label: `${label}: ${String(item.description)}` };
        return item;
      }
      case 'stored': {
        const data = this.valueRoot(node);
        const item = new vscode.TreeItem('Session data in the store', typeof data === 'object' && data !== null ? Expanded : None);
        item.description = valueSummary(data);
        item.iconPath = new vscode.ThemeIcon('database');
        item.contextValue = 'cookieValue';
        item.tooltip = 'What the connected store holds for this session now';
        item.accessibilityInformation = { label: `Session data in the store: ${String(item.description)}` };
        return item;
      }
      case 'value': {
        const value = valueAt(this.valueRoot(node), node.path);
        const key = node.path[node.path.length - 1];
        const nested = value !== null && typeof value === 'object';
        const item = new vscode.TreeItem(typeof key === 'number' ? `[${key}]` : key, nested ? Collapsed : None);
        item.description = valueSummary(value);
        item.iconPath = new vscode.ThemeIcon(Array.isArray(value) ? 'symbol-array' : nested ? 'symbol-object' : 'symbol-field');
        item.contextValue = 'cookieValue';
        item.tooltip = valueSummary(value);
        item.accessibilityInformation = { label: `${String(item.label)}: ${item.description}` };
        return item;
      }
      case 'attributes': {
        const c = result.cookies[node.index];
        const item = new vscode.TreeItem('Attributes', Expanded);
        item.description = attributesText(c) + (c.warnings.length ? ` · ${c.warnings.length} warning${c.warnings.length === 1 ? '' : 's'}` : '');
        item.iconPath = new vscode.ThemeIcon('symbol-property');
        item.contextValue = 'cookieAttributes';
        item.accessibilityInformation = { label: `Set-Cookie attributes: ${item.description}` };
        return item;
      }
      case 'line': {
        const item = new vscode.TreeItem(node.text, None);
        const icons = { attribute: 'symbol-property', warning: 'warning', problem: 'error', note: 'info' } as const;
        const words = { attribute: 'Attribute', warning: 'Warning', problem: 'Problem', note: 'Note' } as const;
        item.iconPath = new vscode.ThemeIcon(icons[node.kind], node.kind === 'warning' ? new vscode.ThemeColor('list.warningForeground') : undefined);
        item.tooltip = node.text;
        item.contextValue = `cookieLine ${node.kind}`;
        item.accessibilityInformation = { label: `${words[node.kind]}: ${node.text}` };
        return item;
      }
      case 'next': {
        const item = new vscode.TreeItem('What to do next', Expanded);
        item.description = 'no secret verified this cookie';
        item.iconPath = new vscode.ThemeIcon('lightbulb');
        item.contextValue = 'cookieNext';
        item.accessibilityInformation = { label: 'What to do next: no secret verified this cookie' };
        return item;
      }
      case 'action': {
        const tryIt = node.action === 'tryAnotherSecret';
        const item = new vscode.TreeItem(tryIt ? 'Try Another Secret…' : 'Add Signing Secret…', None);
        item.description = tryIt ? 'decode again with a secret typed hidden, used once' : 'keep a secret in secret storage for every decode';
        item.iconPath = new vscode.ThemeIcon(tryIt ? 'key' : 'add');
        item.command = tryIt
          ? { command: 'sessionLens.decodeCookieWithSecret', title: 'Try Another Secret…', arguments: [{ input: result.input }] }
          : { command: 'sessionLens.addSigningSecret', title: 'Add Signing Secret…' };
        item.contextValue = 'cookieAction';
        item.accessibilityInformation = { label: `${String(item.label)} ${item.description}, press Enter` };
        return item;
      }
    }
  }

  /** A connected browser: its name, the app origin it is read for, and how many cookies it holds there. */
  private browserItem(result: CookieResult, browser: BrowserTag): vscode.TreeItem {
    const item = new vscode.TreeItem(browser.label, vscode.TreeItemCollapsibleState.Expanded);
    const n = result.cookies.length;
    const host = new URL(browser.url).host;
    // Whose session the browser is in, at a glance: the owner its store names, or that the session is gone.
    const index = result.cookies.findIndex((c) => c.sid);
    const sidNode = index >= 0 ? nodeId({ type: 'sid', resultId: result.id, index }) : undefined;
    const whose = sidNode === undefined ? '' : this.sidStates.get(sidNode) === 'notFound' ? 'logged out (stale cookie) · '
      : this.sidOwners.has(sidNode) ? `${this.sidOwners.get(sidNode)!.split(' · ')[0]} · ` : '';
    item.description = `${whose}${host} · ${n === 0 ? 'no cookies' : `${n} cookie${n === 1 ? '' : 's'}`} · live`;
    item.iconPath = new vscode.ThemeIcon('browser');
    item.contextValue = `cookieResult browser ${browser.via}`;
    item.tooltip = `${browser.label}: the cookies it holds for ${browser.url} (that origin only), updated as the app sets or clears them.\nSecrets tried: ${result.secretLabels.length ? result.secretLabels.join(', ') : 'none'}`;
    item.accessibilityInformation = { label: `Browser ${browser.label}, ${item.description}`, role: 'treeitem' };
    return item;
  }

  private cookieDescription(c: DecodedCookie, inBrowser = false): string {
    const verdict = verdictOf(c);
    if (verdict === 'not-session') return `not a session cookie${c.purpose ? ` · ${c.purpose}` : ''}`;
    if (verdict === 'unrecognized') return VERDICT_WORDS.unrecognized;
    // A browser sends it with every request: say what the server makes of it, and why.
    const rejected = !inBrowser ? '' : c.verified === false ? ' · the app rejects it: no secret matches its signature'
      : c.expired ? ' · the browser no longer sends it' : '';
    return `${c.format} · ${verdictText(c)}${c.expired ? ' · EXPIRED' : ''}${rejected}`;
  }

  dispose(): void {
    this.stop();
    this.changed.dispose();
  }
}
