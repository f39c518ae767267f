// Maps the SessionsModel to tree items: a node per source, sessions (optionally grouped by user) with
// state icons and time to expiry, their fields, "Load more", and error/disconnected nodes. For attached Node
// processes followed while debugging: the session of the paused request (with what the request changed so
// far) and the sessions the last request created, changed or destroyed.
import * as vscode from 'vscode';
import type { DebugMarks } from '../core/inspector/inspectorSource';
import { formatBytes, shortId, ttlDrift } from '../core/sessions/describe';
import { describeChange, diffSessions, type SessionFieldChange } from '../core/sessions/sessionDiff';
import type { SessionsModel, SourceSnapshot } from '../core/sessions/sessionsModel';
import type { SessionRecord } from '../core/sessions/types';

export type SessionsNode =
  | { type: 'source'; sourceId: string }
  | { type: 'user'; sourceId: string; user: string }
  | { type: 'session'; sourceId: string; id: string; user: string | null }
  | { type: 'field'; sourceId: string; id: string; path: string[]; label: string; value: unknown }
  | { type: 'message'; sourceId: string; kind: 'error' | 'disconnected' | 'loading' | 'empty' | 'connecting'; text: string }
  | { type: 'loadMore'; sourceId: string }
  /** "Changed since the request started", under the session of the paused request. */
  | { type: 'changes'; sourceId: string; id: string }
  | { type: 'change'; sourceId: string; id: string; change: SessionFieldChange }
  /** A session the last request destroyed (no longer in the store). */
  | { type: 'destroyed'; sourceId: string; id: string }
  /** With nothing connected: what the app's code says about its store, and what to do (see setOffer). */
  | { type: 'offer'; sourceId: ''; n: number };

/** A root row shown while no store is connected, e.g. "Connect to the app's session store". */
export interface StoreOffer {
  label: string;
  description?: string;
  tooltip?: string;
  icon: string;
  command?: vscode.Command;
}

/** The debugger marks of a source, when it has them (sources of kind 'inspector' followed while debugging). */
export function marksOf(source: { kind: string } | undefined): DebugMarks | undefined {
  if (!source || source.kind !== 'inspector') return undefined;
  const marks = (source as { marks?: unknown }).marks;
  return marks !== null && typeof marks === 'object' && 'highlight' in marks ? marks as DebugMarks : undefined;
}

/** The id of the session the debugger is paused in, for this source. */
function pausedSessionId(marks: DebugMarks | undefined): string | undefined {
  return marks?.paused && marks.markedSessionId ? marks.markedSessionId : undefined;
}

export interface TreeSettings {
  groupByUser: boolean;
  expiringSoonSeconds: number;
}

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Node objects are kept per id so reveal() and the tree agree on identity. */
  private readonly nodes = new Map<string, SessionsNode>();
  private offers: StoreOffer[] = [];

  /** `browsersHolding`: the connected browsers whose cookie carries a session ("in this browser"). */
  constructor(private readonly model: SessionsModel, private settings: TreeSettings, private readonly browsersHolding: (sid: string) => string[] = () => []) {}

  update(settings?: Partial<TreeSettings>): void {
    if (settings) this.settings = { ...this.settings, ...settings };
    this.changed.fire(undefined);
  }

  get groupByUser(): boolean { return this.settings.groupByUser; }

  private intern<T extends SessionsNode>(node: T): T {
    const key = nodeId(node);
    const existing = this.nodes.get(key);
    if (existing) {
      Object.assign(existing, node);
      return existing as T;
    }
    this.nodes.set(key, node);
    return node;
  }

  getChildren(node?: SessionsNode): SessionsNode[] {
    if (!node) {
      this.nodes.clear();
      const sources = this.model.snapshots().map((s) => this.intern({ type: 'source', sourceId: s.source.id }) as SessionsNode);
      return sources.length > 0 ? sources : this.offers.map((_, n) => this.intern({ type: 'offer', sourceId: '', n }));
    }
    switch (node.type) {
      case 'source': return this.sourceChildren(node.sourceId);
      case 'user': {
        const group = this.userGroup(node.sourceId, node.user);
        return group.map((r) => this.sessionNode(node.sourceId, r));
      }
      case 'session': {
        const record = this.model.find(node.id, node.sourceId)?.record;
        const paused = pausedSessionId(this.marks(node.sourceId)) === node.id;
        return [
          ...(paused ? [this.intern({ type: 'changes', sourceId: node.sourceId, id: node.id })] : []),
          ...(record ? this.fieldNodes(node.sourceId, record) : []),
        ];
      }
      case 'field': return this.childFields(node);
      case 'changes': return this.changeNodes(node.sourceId, node.id);
      default: return [];
    }
  }

  /** The rows shown while no store is connected (none: the view's welcome content shows instead). */
  setOffers(offers: readonly StoreOffer[]): void {
    this.offers = [...offers];
    if (this.model.snapshots().length === 0) this.changed.fire(undefined);
  }

  getParent(node: SessionsNode): SessionsNode | undefined {
    switch (node.type) {
      case 'source': case 'offer': return undefined;
      case 'session':
        if (this.settings.groupByUser && node.user !== null) return this.intern({ type: 'user', sourceId: node.sourceId, user: node.user });
        return this.intern({ type: 'source', sourceId: node.sourceId });
      case 'field': {
        if (node.path.length <= 1) {
          const rec = this.model.find(node.id, node.sourceId)?.record;
          return this.intern({ type: 'session', sourceId: node.sourceId, id: node.id, user: rec?.user ?? null });
        }
        return undefined;
      }
      case 'changes': {
        const rec = this.model.find(node.id, node.sourceId)?.record;
        return this.intern({ type: 'session', sourceId: node.sourceId, id: node.id, user: rec?.user ?? null });
      }
      case 'change': return this.intern({ type: 'changes', sourceId: node.sourceId, id: node.id });
      default: return this.intern({ type: 'source', sourceId: node.sourceId });
    }
  }

  private marks(sourceId: string): DebugMarks | undefined {
    return marksOf(this.safeSnapshot(sourceId)?.source);
  }

  private changeNodes(sourceId: string, id: string): SessionsNode[] {
    const marks = this.marks(sourceId);
    if (pausedSessionId(marks) !== id) return [];
    return diffSessions(marks!.markedBaseline, marks!.markedLive).map((change) => this.intern({ type: 'change', sourceId, id, change }));
  }

  /** The tree node of a session, for TreeView.reveal. */
  sessionNodeFor(sourceId: string, record: SessionRecord): SessionsNode {
    return this.sessionNode(sourceId, record);
  }

  private safeSnapshot(sourceId: string): SourceSnapshot | undefined {
    try {
      return this.model.snapshot(sourceId);
    } catch {
      return undefined;
    }
  }

  private sourceChildren(sourceId: string): SessionsNode[] {
    const snap = this.safeSnapshot(sourceId);
    if (!snap) return [];
    const out: SessionsNode[] = [];
    const state = snap.state;
    if (state.kind === 'disconnected') {
      out.push(this.intern({ type: 'message', sourceId, kind: 'disconnected', text: `${state.retrying ? 'disconnected — retrying' : 'disconnected'}: ${state.reason}` }));
    } else if (state.kind === 'connecting' && snap.sessions.length === 0) {
      out.push(this.intern({ type: 'message', sourceId, kind: 'connecting', text: 'connecting…' }));
    } else if (snap.error !== undefined) {
      out.push(this.intern({ type: 'message', sourceId, kind: 'error', text: snap.error }));
    }
    const marks = marksOf(snap.source);
    const pausedId = pausedSessionId(marks);
    // The paused request's session may not be stored yet (a login creating it): show it anyway.
    if (pausedId && !this.model.find(pausedId, sourceId)) out.push(this.intern({ type: 'session', sourceId, id: pausedId, user: null }));
    if (this.settings.groupByUser) {
      const { users, anonymous } = this.model.groups(sourceId);
      for (const { user } of users) out.push(this.intern({ type: 'user', sourceId, user }));
      for (const r of anonymous) out.push(this.sessionNode(sourceId, r));
    } else {
      for (const r of snap.sessions) out.push(this.sessionNode(sourceId, r));
    }
    for (const id of marks?.highlight.destroyed ?? []) {
      if (id !== pausedId && !this.model.find(id, sourceId)) out.push(this.intern({ type: 'destroyed', sourceId, id }));
    }
    if (snap.sessions.length === 0 && !pausedId && state.kind === 'connected' && snap.error === undefined) {
      out.push(this.intern({ type: 'message', sourceId, kind: snap.loading ? 'loading' : 'empty', text: snap.loading ? 'loading…' : this.model.filter ? 'no session matches the filter' : 'no sessions' }));
    }
    if (snap.hasMore) out.push(this.intern({ type: 'loadMore', sourceId }));
    return out;
  }

  private sessionNode(sourceId: string, r: SessionRecord): SessionsNode {
    return this.intern({ type: 'session', sourceId, id: r.id, user: r.user });
  }

  private fieldNodes(sourceId: string, r: SessionRecord): SessionsNode[] {
    const out: SessionsNode[] = [];
    const f = (label: string, value: unknown, path: string[] = [label]) => out.push(this.intern({ type: 'field', sourceId, id: r.id, path, label, value }));
    if (r.data !== null && typeof r.data === 'object') {
      for (const [k, v] of Object.entries(r.data as Record<string, unknown>)) f(k, v, ['data', k]);
    } else {
      f('value', r.raw ?? '(empty)', ['raw']);
    }
    f('time to live', formatTtl(r), ['meta', 'ttl']);
    const drift = ttlDrift(r.ttl, r.data);
    if (drift !== null) f('TTL drift', drift === 0 ? 'none (store and cookie expire together)' : `${drift > 0 ? '+' : '−'}${formatDuration(Math.abs(drift))} (${drift > 0 ? 'Redis keeps it after the cookie expires' : 'Redis drops it before the cookie expires'})`, ['meta', 'drift']);
    if (r.size !== undefined) f('size', formatBytes(r.size), ['meta', 'size']);
    f('key', r.key, ['meta', 'key']);
    return out;
  }

  private childFields(node: Extract<SessionsNode, { type: 'field' }>): SessionsNode[] {
    const v = node.value;
    if (v === null || typeof v !== 'object') return [];
    return Object.entries(v as Record<string, unknown>).map(([k, child]) =>
      this.intern({ type: 'field', sourceId: node.sourceId, id: node.id, path: [...node.path, k], label: k, value: child }));
  }

  getTreeItem(node: SessionsNode): vscode.TreeItem {
    switch (node.type) {
      case 'source': return this.sourceItem(node.sourceId);
      case 'user': {
        const count = this.userGroup(node.sourceId, node.user).length;
        const item = new vscode.TreeItem(node.user, vscode.TreeItemCollapsibleState.Expanded);
        item.id = nodeId(node);
        item.description = `${count} session${count === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('account');
        item.contextValue = `userGroup${this.writable(node.sourceId) ? ' writable' : ''}`;
        return item;
      }
      case 'session': return this.sessionItem(node);
      case 'field': {
        const expandable = node.value !== null && typeof node.value === 'object' && Object.keys(node.value).length > 0;
        const item = new vscode.TreeItem(node.label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        const meta = node.path[0] === 'meta' || node.path[0] === 'raw';
        item.description = expandable ? (Array.isArray(node.value) ? `[${(node.value as unknown[]).length}]` : '{…}') : meta ? String(node.value) : fieldText(node.value);
        if (meta) item.iconPath = new vscode.ThemeIcon(node.path[1] === 'drift' ? 'arrow-swap' : node.path[1] === 'ttl' ? 'watch' : 'info');
        item.tooltip = typeof node.value === 'string' ? node.value.slice(0, 2000) : undefined;
        item.contextValue = 'field';
        return item;
      }
      case 'offer': {
        const offer = this.offers[node.n];
        const item = new vscode.TreeItem(offer?.label ?? '', vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        item.description = offer?.description;
        item.tooltip = offer?.tooltip;
        item.iconPath = new vscode.ThemeIcon(offer?.icon ?? 'info');
        item.command = offer?.command;
        item.contextValue = 'offer';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        item.tooltip = node.text;
        item.iconPath = new vscode.ThemeIcon(
          node.kind === 'error' ? 'error' : node.kind === 'disconnected' ? 'debug-disconnect' : node.kind === 'empty' ? 'info' : 'loading~spin',
          node.kind === 'error' || node.kind === 'disconnected' ? new vscode.ThemeColor('errorForeground') : undefined,
        );
        item.contextValue = `message ${node.kind}`;
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'sessionLens.loadMoreSessions', title: 'Load More Sessions', arguments: [node] };
        item.contextValue = 'loadMore';
        return item;
      }
      case 'changes': {
        const marks = this.marks(node.sourceId);
        const count = pausedSessionId(marks) === node.id ? diffSessions(marks!.markedBaseline, marks!.markedLive).length : 0;
        const item = new vscode.TreeItem('Changed since the request started', count > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        item.description = count === 0 ? 'nothing yet' : `${count} field${count === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('diff');
        item.tooltip = 'The stored session when the request began, compared with the request\'s req.session now (not saved until the request ends).';
        item.contextValue = 'sessionChanges';
        return item;
      }
      case 'change': {
        const { change } = node;
        const item = new vscode.TreeItem(change.path.join('.'), vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        item.description = describeChange(change);
        item.iconPath = new vscode.ThemeIcon(change.kind === 'added' ? 'diff-added' : change.kind === 'removed' ? 'diff-removed' : 'diff-modified',
          new vscode.ThemeColor(change.kind === 'added' ? 'gitDecoration.addedResourceForeground' : change.kind === 'removed' ? 'gitDecoration.deletedResourceForeground' : 'gitDecoration.modifiedResourceForeground'));
        item.tooltip = `${change.kind}: ${change.path.join('.')}\n${'before' in change ? `before: ${previewJson(change.before)}\n` : ''}${'after' in change ? `now: ${previewJson(change.after)}` : ''}`;
        item.contextValue = `sessionChange ${change.kind}`;
        return item;
      }
      case 'destroyed': {
        const item = new vscode.TreeItem(shortId(node.id), vscode.TreeItemCollapsibleState.None);
        item.id = nodeId(node);
        item.description = 'destroyed by the last request';
        item.iconPath = new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground'));
        item.tooltip = `Session ${node.id} was destroyed (or expired) since the debugger last paused.`;
        item.contextValue = 'destroyedSession';
        return item;
      }
    }
  }

  private userGroup(sourceId: string, user: string): SessionRecord[] {
    return this.model.groups(sourceId).users.find((g) => g.user === user)?.sessions ?? [];
  }

  private writable(sourceId: string): boolean {
    return this.safeSnapshot(sourceId)?.source.writable ?? false;
  }

  private sourceItem(sourceId: string): vscode.TreeItem {
    const snap = this.safeSnapshot(sourceId);
    const item = new vscode.TreeItem(snap?.source.label ?? sourceId, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `source:${sourceId}`;
    if (!snap) return item;
    const state = snap.state;
    const count = `${snap.sessions.length}${snap.hasMore ? '+' : ''} session${snap.sessions.length === 1 ? '' : 's'}`;
    const stateText = state.kind === 'connected' ? count : state.kind === 'disconnected' ? (state.retrying ? 'disconnected — retrying' : 'disconnected') : state.kind;
    item.description = `${stateText}${snap.source.writable ? '' : ' · read-only'}`;
    item.iconPath = new vscode.ThemeIcon(snap.source.kind === 'inspector' ? 'server-process' : 'database',
      state.kind === 'disconnected' ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = `source ${snap.source.kind}${snap.source.writable ? ' writable' : ' readonly'}`;
    const readOnlyReason = (snap.source as { readOnlyReason?: unknown }).readOnlyReason;
    item.tooltip = `${snap.source.label}\n${state.kind === 'disconnected' ? state.reason : stateText}${typeof readOnlyReason === 'string' ? `\n${readOnlyReason}` : ''}`;
    return item;
  }

  private sessionItem(node: Extract<SessionsNode, { type: 'session' }>): vscode.TreeItem {
    const found = this.model.find(node.id, node.sourceId);
    const snap = this.safeSnapshot(node.sourceId);
    const r = found?.record;
    const marks = marksOf(snap?.source);
    const paused = pausedSessionId(marks) === node.id;
    const item = new vscode.TreeItem(r?.user ?? (paused ? liveUser(marks!.markedLive) ?? 'new session' : 'anonymous'),
      paused ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = nodeId(node);
    if (!r) {
      if (!paused) return item;
      item.description = `paused in this request · ${shortId(node.id)} · not stored yet`;
      item.iconPath = new vscode.ThemeIcon('debug-stackframe', new vscode.ThemeColor('debugIcon.breakpointCurrentStackframeForeground'));
      item.tooltip = `The debugger is paused in the request of session ${node.id}; the store does not hold it yet (it is saved when the request ends).`;
      item.contextValue = 'pausedSession';
      return item;
    }
    const remaining = remainingSeconds(r);
    const debugMark = paused ? 'paused in this request · '
      : marks?.highlight.created.includes(r.id) ? 'created by the last request · '
        : marks?.highlight.changed.includes(r.id) ? 'changed by the last request · ' : '';
    const browsers = this.browsersHolding(r.id);
    // Short, for a narrow view: the browser's name without its address (the tooltip has it).
    const inBrowser = browsers.length === 0 ? '' : `in ${browsers.length === 1 ? browsers[0].replace(/ at \S+$/, '') : `${browsers.length} browsers`} · `;
    item.description = `${debugMark}${inBrowser}${shortId(r.id)} · ${remaining === null ? (r.ttl === -1 ? 'no expiry' : 'expiry unknown') : remaining <= 0 ? 'expired' : formatDuration(remaining)}`;
    const changed = snap?.changed.has(r.id) ?? false;
    const soon = remaining !== null && remaining <= this.settings.expiringSoonSeconds;
    item.iconPath = paused ? new vscode.ThemeIcon('debug-stackframe', new vscode.ThemeColor('debugIcon.breakpointCurrentStackframeForeground'))
      : debugMark ? new vscode.ThemeIcon(marks!.highlight.created.includes(r.id) ? 'diff-added' : 'diff-modified', new vscode.ThemeColor('charts.blue'))
        : changed ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.blue'))
          : soon ? new vscode.ThemeIcon('watch', new vscode.ThemeColor('list.warningForeground'))
            : r.data === null ? new vscode.ThemeIcon('file-binary')
              : r.user !== null ? new vscode.ThemeIcon('account') : new vscode.ThemeIcon('circle-outline');
    const states = [paused ? 'the debugger is paused in its request' : '', debugMark && !paused ? debugMark.slice(0, -3) : '',
      changed ? 'changed' : '', soon ? 'expiring soon' : '', r.user !== null ? 'authenticated' : 'anonymous'].filter(Boolean).join(', ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(r.user ?? 'anonymous')}** — ${states}\n\n`);
    md.appendMarkdown(`sid \`${escapeMd(r.id)}\`\n\nexpires ${r.expiresAt ?? 'never'}${r.raw ? `\n\n${escapeMd(r.raw.slice(0, 300))}` : ''}`);
    if (browsers.length) md.appendMarkdown(`\n\nIn this browser: ${browsers.map(escapeMd).join(', ')} (its cookie carries this session)`);
    item.tooltip = md;
    item.contextValue = ['session', snap?.source.writable ? 'writable' : '', r.user !== null ? 'user' : '', r.data !== null ? 'json' : '', browsers.length ? 'inBrowser' : ''].filter(Boolean).join(' ');
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

export function nodeId(node: SessionsNode): string {
  switch (node.type) {
    case 'source': return `source:${node.sourceId}`;
    case 'user': return `user:${node.sourceId}\u0000${node.user}`;
    case 'session': return `session:${node.sourceId}\u0000${node.id}`;
    case 'field': return `field:${node.sourceId}\u0000${node.id}\u0000${node.path.join('\u0000')}`;
    case 'message': return `message:${node.sourceId}`;
    case 'loadMore': return `more:${node.sourceId}`;
    case 'changes': return `changes:${node.sourceId}\u0000${node.id}`;
    case 'change': return `change:${node.sourceId}\u0000${node.id}\u0000${node.change.path.join('\u0000')}`;
    case 'destroyed': return `destroyed:${node.sourceId}\u0000${node.id}`;
    case 'offer': return `offer:${node.n}`;
  }
}

/** A label for the paused request's session from its live value (`user.email`, `user.name`, …). */
function liveUser(live: unknown): string | undefined {
  if (live === null || typeof live !== 'object') return undefined;
  const user = (live as Record<string, unknown>).user;
  if (typeof user === 'string') return user;
  if (user !== null && typeof user === 'object') {
    for (const key of ['email', 'name', 'username', 'id']) {
      const v = (user as Record<string, unknown>)[key];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
    }
  }
  return undefined;
}

function previewJson(value: unknown): string {
  let text: string;
  try { text = JSON.stringify(value) ?? 'undefined'; } catch { text = String(value); }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

function remainingSeconds(r: SessionRecord): number | null {
  if (!r.expiresAt) return null;
  return Math.round((new Date(r.expiresAt).getTime() - Date.now()) / 1000);
}

function formatTtl(r: SessionRecord): string {
  if (r.ttl === -1) return 'none (kept until deleted)';
  const remaining = remainingSeconds(r);
  return remaining === null ? 'unknown' : remaining <= 0 ? 'expired' : formatDuration(remaining);
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return '[]';
  if (value !== null && typeof value === 'object') return '{}';
  return String(value);
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
