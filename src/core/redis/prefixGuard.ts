// The one place that turns a session id into a Redis key for a write or delete. Every mutating command
// of the Redis store goes through `guardedKey`, so nothing outside the configured prefix is ever touched.

/** Refused because the key would fall outside the configured prefix (or the prefix itself is unsafe). */
export class PrefixViolationError extends Error {}

/** Checks that a prefix can safely scope writes: a non-empty string. (Glob characters are escaped where used.) */
export function assertUsablePrefix(prefix: string): void {
  if (typeof prefix !== 'string' || prefix === '') {
    throw new PrefixViolationError('an empty prefix would let actions touch every key: set a session prefix such as "sess:"');
  }
}

/**
 * The key of session `id` under `prefix`, for a command that changes or deletes it. Throws unless the
 * result starts with the prefix and names exactly one session (no empty id, no control characters).
 */
export function guardedKey(prefix: string, id: string): string {
  assertUsablePrefix(prefix);
  if (typeof id !== 'string' || id === '') throw new PrefixViolationError('refused: empty session id');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\x00-\x1f\x7f]/.test(id)) throw new PrefixViolationError('refused: the session id contains control characters');
  const key = prefix + id;
  if (!key.startsWith(prefix) || key.length <= prefix.length) throw new PrefixViolationError(`refused: key outside the prefix '${prefix}'`);
  return key;
}

/** Checks an already-built key (e.g. from SCAN) before a write; returns it unchanged. */
export function assertKeyInPrefix(prefix: string, key: string): string {
  assertUsablePrefix(prefix);
  if (!key.startsWith(prefix) || key.length <= prefix.length) throw new PrefixViolationError(`refused: key outside the prefix '${prefix}'`);
  return key;
}

/** The glob for SCAN MATCH that matches exactly the keys starting with `prefix` (glob characters escaped). */
export function matchPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
}
