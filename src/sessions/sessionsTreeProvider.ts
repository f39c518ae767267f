// Maps the SessionsModel to tree items: a node per source, sessions (optionally grouped by user) with
// state icons and time to expiry, their fields, "Load more", and error/disconnected nodes.
import * as vscode from 'vscode';
import { formatBytes, shortId, ttlDrift } from '../core/sessions/describe';
import type { SessionsModel, SourceSnapshot } from '../core/sessions/sessionsModel';
import type { SessionRecord } from '../core/sessions/types';

export type SessionsNode =
  | { type: 'source'; sourceId: string }
  | { type: 'user'; sourceId: string; user: string }
  | { type: 'session'; sourceId: string; id: string; user: string | null }
  | { type: 'field'; sourceId: string; id: string; path: string[]; label: string; value: unknown }
  | { type: 'message'; sourceId: string; kind: 'error' | 'disconnected' | 'loading' | 'empty' | 'connecting'; text: string }
  | { type: 'loadMore'; sourceId: string };

export interface TreeSettings {
  groupByUser: boolean;
  expiringSoonSeconds: number;
}

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Node objects are kept per id so reveal() and the tree agree on identity. */
  private readonly nodes = new Map<string, SessionsNode>();

  constructor(private readonly model: SessionsModel, private settings: TreeSettings) {}

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
      return this.model.snapshots().map((s) => this.intern({ type: 'source', sourceId: s.source.id }));
    }
    switch (node.type) {
      case 'source': return this.sourceChildren(node.sourceId);
      case 'user': {
        const group = this.userGroup(node.sourceId, node.user);
        return group.map((r) => this.sessionNode(node.sourceId, r));
      }
      case 'session': {
        const record = this.model.find(node.id, node.sourceId)?.record;
        return record ? this.fieldNodes(node.sourceId, record) : [];
      }
      case 'field': return this.childFields(node);
      default: return [];
    }
  }

  getParent(node: SessionsNode): SessionsNode | undefined {
    switch (node.type) {
      case 'source': return undefined;
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
      default: return this.intern({ type: 'source', sourceId: node.sourceId });
    }
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
    if (this.settings.groupByUser) {
      const { users, anonymous } = this.model.groups(sourceId);
      for (const { user } of users) out.push(this.intern({ type: 'user', sourceId, user }));
      for (const r of anonymous) out.push(this.sessionNode(sourceId, r));
    } else {
      for (const r of snap.sessions) out.push(this.sessionNode(sourceId, r));
    }
    if (snap.sessions.length === 0 && state.kind === 'connected' && snap.error === undefined) {
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
    item.iconPath = new vscode.ThemeIcon(snap.source.kind === 'redis' ? 'database' : 'server-process',
      state.kind === 'disconnected' ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = `source ${snap.source.kind}${snap.source.writable ? ' writable' : ' readonly'}`;
    item.tooltip = `${snap.source.label}\n${state.kind === 'disconnected' ? state.reason : stateText}`;
    return item;
  }

  private sessionItem(node: Extract<SessionsNode, { type: 'session' }>): vscode.TreeItem {
    const found = this.model.find(node.id, node.sourceId);
    const snap = this.safeSnapshot(node.sourceId);
    const r = found?.record;
    const item = new vscode.TreeItem(r?.user ?? 'anonymous', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = nodeId(node);
    if (!r) return item;
    const remaining = remainingSeconds(r);
    item.description = `${shortId(r.id)} · ${remaining === null ? (r.ttl === -1 ? 'no expiry' : 'expiry unknown') : remaining <= 0 ? 'expired' : formatDuration(remaining)}`;
    const changed = snap?.changed.has(r.id) ?? false;
    const soon = remaining !== null && remaining <= this.settings.expiringSoonSeconds;
    item.iconPath = changed ? new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.blue'))
      : soon ? new vscode.ThemeIcon('watch', new vscode.ThemeColor('list.warningForeground'))
        : r.data === null ? new vscode.ThemeIcon('file-binary')
          : r.user !== null ? new vscode.ThemeIcon('account') : new vscode.ThemeIcon('circle-outline');
    const states = [changed ? 'changed' : '', soon ? 'expiring soon' : '', r.user !== null ? 'authenticated' : 'anonymous'].filter(Boolean).join(', ');
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(r.user ?? 'anonymous')}** — ${states}\n\n`);
    md.appendMarkdown(`sid \`${escapeMd(r.id)}\`\n\nexpires ${r.expiresAt ?? 'never'}${r.raw ? `\n\n${escapeMd(r.raw.slice(0, 300))}` : ''}`);
    item.tooltip = md;
    item.contextValue = ['session', snap?.source.writable ? 'writable' : '', r.user !== null ? 'user' : '', r.data !== null ? 'json' : ''].filter(Boolean).join(' ');
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
  }
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
