// The Sessions view's data model, apart from the tree provider: which sessions each source holds, the
// pages loaded so far, the filter, and live updates from the sources' change events. Pure (no vscode).
import type { SessionChange, SessionRecord, SessionSource, SourceState } from './types';
import { Listeners } from '../listeners';

export interface SourceSnapshot {
  readonly source: SessionSource;
  readonly state: SourceState;
  /** Loaded sessions, in listing order (live additions at the end). */
  readonly sessions: readonly SessionRecord[];
  readonly hasMore: boolean;
  readonly loading: boolean;
  /** The last listing error, shown as an error node. */
  readonly error?: string;
  /** Sessions changed by the latest update (for the "changed" icon). */
  readonly changed: ReadonlySet<string>;
}

interface SourceEntry {
  source: SessionSource;
  sessions: Map<string, SessionRecord>;
  cursor?: string;
  hasMore: boolean;
  loading: boolean;
  error?: string;
  changed: Set<string>;
  /** Bumped by every refresh so results of an older one are dropped. */
  generation: number;
  loadedOnce: boolean;
  unsubscribe: () => void;
}

export interface SessionsModelOptions {
  pageSize?: number;
  /** Listener calls are coalesced over this window (ms). */
  notifyDelayMs?: number;
  /** More changes than this in one batch reload the source instead of fetching each session. */
  maxIncrementalChanges?: number;
  onError?: (sourceId: string, err: unknown) => void;
}

export class SessionsModel {
  private readonly entries = new Map<string, SourceEntry>();
  private readonly listeners = new Listeners<void>();
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  private filterText = '';
  private disposed = false;

  constructor(private readonly options: SessionsModelOptions = {}) {}

  get pageSize(): number { return this.options.pageSize ?? 200; }

  onDidChange(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  private notify(): void {
    if (this.disposed || this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.listeners.fire();
    }, this.options.notifyDelayMs ?? 30);
  }

  /** Follows the registry: adds new sources (and loads their first page), drops removed ones. */
  setSources(sources: readonly SessionSource[]): void {
    const ids = new Set(sources.map((s) => s.id));
    for (const [id, entry] of this.entries) {
      if (!ids.has(id) || !sources.includes(entry.source)) {
        entry.unsubscribe();
        this.entries.delete(id);
      }
    }
    for (const source of sources) {
      if (this.entries.has(source.id)) continue;
      const entry: SourceEntry = { source, sessions: new Map(), hasMore: false, loading: false, changed: new Set(), generation: 0, loadedOnce: false, unsubscribe: () => {} };
      const stopChanges = source.onChange((changes) => void this.applyChanges(entry, changes));
      const stopState = source.onStateChange((state) => this.onState(entry, state));
      entry.unsubscribe = () => { stopChanges(); stopState(); };
      this.entries.set(source.id, entry);
      void this.refresh(source.id);
    }
    this.notify();
  }

  snapshots(): SourceSnapshot[] {
    return [...this.entries.values()].map((e) => this.snapshot(e));
  }

  snapshot(sourceOrEntry: string | SourceEntry): SourceSnapshot {
    const e = typeof sourceOrEntry === 'string' ? this.entries.get(sourceOrEntry) : sourceOrEntry;
    if (!e) throw new Error(`unknown source ${String(sourceOrEntry)}`);
    return {
      source: e.source,
      state: e.source.state,
      sessions: [...e.sessions.values()].filter((r) => this.matches(r)),
      hasMore: e.hasMore,
      loading: e.loading,
      ...(e.error !== undefined ? { error: e.error } : {}),
      changed: e.changed,
    };
  }

  get filter(): string { return this.filterText; }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.notify();
  }

  /** Sessions loaded (all sources) and how many of them pass the filter. */
  counts(): { loaded: number; shown: number; more: boolean } {
    let loaded = 0;
    let shown = 0;
    let more = false;
    for (const e of this.entries.values()) {
      loaded += e.sessions.size;
      for (const r of e.sessions.values()) if (this.matches(r)) shown++;
      more ||= e.hasMore;
    }
    return { loaded, shown, more };
  }

  private matches(record: SessionRecord): boolean {
    if (!this.filterText) return true;
    const needle = this.filterText.toLowerCase();
    if (record.id.toLowerCase().includes(needle)) return true;
    if (record.user?.toLowerCase().includes(needle)) return true;
    const text = record.data !== null ? safeStringify(record.data) : (record.raw ?? '');
    return text.toLowerCase().includes(needle);
  }

  /** Reloads the first page of one source (or every source). */
  async refresh(sourceId?: string): Promise<void> {
    const targets = sourceId ? [this.entries.get(sourceId)].filter((e): e is SourceEntry => !!e) : [...this.entries.values()];
    await Promise.all(targets.map(async (entry) => {
      const generation = ++entry.generation;
      entry.loading = true;
      this.notify();
      try {
        const page = await entry.source.list({ limit: this.pageSize });
        if (generation !== entry.generation) return;
        entry.sessions = new Map(page.sessions.map((r) => [r.id, r]));
        entry.cursor = page.cursor;
        entry.hasMore = page.cursor !== undefined;
        entry.error = undefined;
        entry.loadedOnce = true;
      } catch (err) {
        if (generation !== entry.generation) return;
        entry.error = errorText(err);
        this.options.onError?.(entry.source.id, err);
      } finally {
        if (generation === entry.generation) entry.loading = false;
        this.notify();
      }
    }));
  }

  async loadMore(sourceId: string): Promise<void> {
    const entry = this.entries.get(sourceId);
    if (!entry || !entry.cursor || entry.loading) return;
    const generation = entry.generation;
    entry.loading = true;
    this.notify();
    try {
      const page = await entry.source.list({ cursor: entry.cursor, limit: this.pageSize });
      if (generation !== entry.generation) return;
      for (const r of page.sessions) entry.sessions.set(r.id, r);
      entry.cursor = page.cursor;
      entry.hasMore = page.cursor !== undefined;
      entry.error = undefined;
    } catch (err) {
      if (generation !== entry.generation) return;
      if ((err as Error | null)?.name === 'StaleCursorError') {
        entry.loading = false;
        return this.refresh(sourceId);
      }
      entry.error = errorText(err);
      this.options.onError?.(sourceId, err);
    } finally {
      if (generation === entry.generation) entry.loading = false;
      this.notify();
    }
  }

  /** Finds a session among the loaded ones, or asks each source for it and adds it. */
  async reveal(id: string): Promise<{ sourceId: string; record: SessionRecord } | undefined> {
    const found = this.find(id);
    if (found) return found;
    for (const entry of this.entries.values()) {
      try {
        const record = await entry.source.get(id);
        if (record) {
          entry.sessions.set(id, record);
          this.notify();
          return { sourceId: entry.source.id, record };
        }
      } catch {
        // this source is unavailable: try the next
      }
    }
    return undefined;
  }

  find(id: string, sourceId?: string): { sourceId: string; record: SessionRecord } | undefined {
    for (const entry of this.entries.values()) {
      if (sourceId && entry.source.id !== sourceId) continue;
      const record = entry.sessions.get(id);
      if (record) return { sourceId: entry.source.id, record };
    }
    return undefined;
  }

  /**
   * The shown sessions of a source grouped by user (filter applied): users in alphabetical order, each
   * with its sessions in listing order, and the anonymous sessions apart.
   */
  groups(sourceId: string): { users: { user: string; sessions: SessionRecord[] }[]; anonymous: SessionRecord[] } {
    const entry = this.entries.get(sourceId);
    const byUser = new Map<string, SessionRecord[]>();
    const anonymous: SessionRecord[] = [];
    for (const r of entry ? entry.sessions.values() : []) {
      if (!this.matches(r)) continue;
      if (r.user === null) anonymous.push(r);
      else {
        const list = byUser.get(r.user);
        if (list) list.push(r);
        else byUser.set(r.user, [r]);
      }
    }
    const users = [...byUser.keys()].sort((a, b) => a.localeCompare(b)).map((user) => ({ user, sessions: byUser.get(user)! }));
    return { users, anonymous };
  }

  /** The loaded sessions of a user in a source (for "log out everywhere"). */
  sessionsOfUser(sourceId: string, user: string): SessionRecord[] {
    const entry = this.entries.get(sourceId);
    return entry ? [...entry.sessions.values()].filter((r) => r.user === user) : [];
  }

  /** Applies an action's effect at once, without waiting for the store's event. */
  forget(sourceId: string, id: string): void {
    this.entries.get(sourceId)?.sessions.delete(id);
    this.notify();
  }

  async reload(sourceId: string, id: string): Promise<void> {
    const entry = this.entries.get(sourceId);
    if (!entry) return;
    const record = await entry.source.get(id);
    if (record) entry.sessions.set(id, record);
    else entry.sessions.delete(id);
    this.notify();
  }

  private onState(entry: SourceEntry, state: SourceState): void {
    if (state.kind === 'connected' && (!entry.loadedOnce || entry.error !== undefined)) void this.refresh(entry.source.id);
    this.notify();
  }

  private async applyChanges(entry: SourceEntry, changes: SessionChange[]): Promise<void> {
    if (changes.some((c) => c.kind === 'reset') || changes.length > (this.options.maxIncrementalChanges ?? 200)) {
      entry.changed = new Set();
      return this.refresh(entry.source.id);
    }
    const changed = new Set<string>();
    const refetch: string[] = [];
    for (const change of changes) {
      if (change.kind === 'reset') continue;
      if (change.kind === 'destroy' || change.kind === 'expire') entry.sessions.delete(change.id);
      else {
        refetch.push(change.id);
        changed.add(change.id);
      }
    }
    const generation = entry.generation;
    const records = await Promise.all(refetch.map((id) => entry.source.get(id).catch(() => undefined)));
    if (generation !== entry.generation) return;
    refetch.forEach((id, i) => {
      const record = records[i];
      if (record) entry.sessions.set(id, lighten(record));
      else entry.sessions.delete(id);
    });
    entry.changed = changed;
    this.notify();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.notifyTimer);
    for (const e of this.entries.values()) e.unsubscribe();
    this.entries.clear();
    this.listeners.clear();
  }
}

/** A record kept in the tree does not need the stored text `get()` returns (the editor fetches its own). */
function lighten(record: SessionRecord): SessionRecord {
  if (record.value === undefined) return record;
  const { value: _value, ...rest } = record;
  return rest;
}

function safeStringify(data: unknown): string {
  try {
    return JSON.stringify(data) ?? '';
  } catch {
    return '';
  }
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
