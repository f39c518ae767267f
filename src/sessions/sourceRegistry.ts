import * as vscode from 'vscode';
import type { SessionSource } from '../core/sessions/types';

/**
 * The session stores currently shown by the Sessions view. Redis connections and attached Node processes
 * add their source here; the view's model listens and shows each as a top-level node.
 */
export class SessionSourceRegistry implements vscode.Disposable {
  private readonly sources = new Map<string, SessionSource>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  all(): SessionSource[] {
    return [...this.sources.values()];
  }

  get(id: string): SessionSource | undefined {
    return this.sources.get(id);
  }

  /** Adds (or replaces, closing the old one) the source with this id. */
  add(source: SessionSource): void {
    const old = this.sources.get(source.id);
    this.sources.set(source.id, source);
    if (old && old !== source) void old.close();
    this.changed.fire();
  }

  remove(id: string): void {
    const source = this.sources.get(id);
    if (!source) return;
    this.sources.delete(id);
    void source.close();
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.sources.values()) void s.close();
    this.sources.clear();
    this.changed.dispose();
  }
}
