/**
 * The listeners of one kind of event. `add` returns the function that removes the listener; `fire` calls
 * every listener with the value, and one listener's failure never stops the others.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  get size(): number {
    return this.listeners.size;
  }

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // a listener's failure must not stop the others
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
