// When to lint a document after it changes: a short debounce (a pause in typing), stretched for documents
// whose last lint took long, so large files do not keep the extension host busy while the user types.
// No vscode import: the lint bench drives this class directly to time "last keystroke -> result".

/** The debounce after an edit: 50 ms, or twice the document's last lint time when that is longer, at most 500 ms. */
export function debounceFor(lastLintMs: number | undefined): number {
  return Math.round(Math.min(MAX_DEBOUNCE_MS, Math.max(MIN_DEBOUNCE_MS, 2 * (lastLintMs ?? 0))));
}

export const MIN_DEBOUNCE_MS = 50;
export const MAX_DEBOUNCE_MS = 500;

export class LintScheduler<K> {
  private readonly timers = new Map<K, ReturnType<typeof setTimeout>>();
  private readonly lastLintMs = new Map<K, number>();

  /** Runs `lint` for `key` after `delay` ms (default: the debounce for that key), replacing a pending run. */
  schedule(key: K, lint: () => void | Promise<void>, delay = debounceFor(this.lastLintMs.get(key))): void {
    this.cancel(key);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void lint();
    }, delay));
  }

  /** Records how long a lint of `key` took, for its next debounce. */
  recordDuration(key: K, ms: number): void {
    this.lastLintMs.set(key, ms);
  }

  cancel(key: K): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
  }

  forget(key: K): void {
    this.cancel(key);
    this.lastLintMs.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.lastLintMs.clear();
  }
}
