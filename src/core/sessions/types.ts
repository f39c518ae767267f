// The shape shared by every session store (Redis, PostgreSQL, SQLite, files, a Node app's store) and by the CLI's JSON.

/** One session as listed. `data` is the parsed session, or null with `raw` when the value is not JSON. */
export interface SessionRecord {
  /** The session id (the part of the cookie after `s:` and before the signature). */
  id: string;
  /** Where it lives: the Redis key (`sess:<id>`), or the store's map key. */
  key: string;
  /** Seconds to live as the store sees it; -1 when the store keeps it forever; null when unknown. */
  ttl: number | null;
  /** ISO time at which the store drops it (from the TTL, else from `cookie.expires`), or null. */
  expiresAt: string | null;
  /** A label a person recognizes (user name, email, id), or null for an anonymous session. */
  user: string | null;
  /** The parsed session, or null when the value is not JSON (then `raw` says what it is). */
  data: unknown;
  /** For values that are not JSON or too large: a safe text rendering (hex or a summary). */
  raw?: string;
  /** Size of the stored value in bytes, when known. */
  size?: number;
  /**
   * The stored text exactly as read, set by `get()` when the value is text: pass it back as `set`'s
   * `expectRaw` to refuse a write when the session changed meanwhile. Not part of the CLI's JSON.
   */
  value?: string;
  /** Which store instance, when a process has several (in-process sources only). */
  store?: string;
}

export interface ListPage {
  sessions: SessionRecord[];
  /** Present when there is more to list; pass it back to get the next page. */
  cursor?: string;
}

export type SessionChange =
  | { kind: 'set'; id: string }
  | { kind: 'destroy'; id: string }
  | { kind: 'expire'; id: string }
  | { kind: 'touch'; id: string }
  | { kind: 'reset' };

export type SourceState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'disconnected'; reason: string; retrying: boolean }
  | { kind: 'closed' };

/** A store of sessions that the view and the CLI read from, and that actions write to. */
export interface SessionSource {
  /** Stable id, e.g. `redis:local` or `inspector:127.0.0.1:9229`. */
  readonly id: string;
  /** What the view shows as the store's node, e.g. "local Redis (sess:)". */
  readonly label: string;
  readonly kind: 'redis' | 'postgres' | 'sqlite' | 'files' | 'inspector';
  /** False for connections opened read-only (non-loopback hosts until the user allows writes). */
  readonly writable: boolean;
  readonly state: SourceState;

  list(options: { cursor?: string; limit: number }): Promise<ListPage>;
  /** The full record of one session (value fetched on demand, even when large), or undefined if gone. */
  get(id: string): Promise<SessionRecord | undefined>;
  /**
   * Writes the session back. With `expectRaw`, refuses (throws SessionChangedError) when the stored
   * value is no longer that text, so an edit never overwrites a change made meanwhile. Keeps the TTL.
   */
  set(id: string, data: unknown, options?: { expectRaw?: string }): Promise<void>;
  destroy(id: string): Promise<boolean>;
  /** Sets the time to live to `seconds` from now. */
  extend(id: string, seconds: number): Promise<void>;

  /** Live changes; returns a function that stops listening. */
  onChange(listener: (changes: SessionChange[]) => void): () => void;
  onStateChange(listener: (state: SourceState) => void): () => void;
  close(): Promise<void>;
}

/**
 * Thrown by `set` when the session changed or expired since it was read. Sources live in their own bundles,
 * each with its own copy of this class: recognise it with `isSessionChangedError`, not `instanceof`.
 */
export class SessionChangedError extends Error {
  override readonly name = 'SessionChangedError';
}

export function isSessionChangedError(err: unknown): err is SessionChangedError {
  return err instanceof Error && err.name === 'SessionChangedError';
}
