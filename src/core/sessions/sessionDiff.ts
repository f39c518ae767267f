// What a request changed in its session: the stored value when the request began against the request's
// `req.session` now, as added/removed/changed field paths. Pure (the Sessions view renders it while the
// debugger is paused in a request handler).

export interface SessionFieldChange {
  kind: 'added' | 'removed' | 'changed';
  /** Field path from the session's root, e.g. `['user', 'email']`. */
  path: string[];
  /** The value before (absent for `added`). */
  before?: unknown;
  /** The value now (absent for `removed`). */
  after?: unknown;
}

/** Paths deeper than this are compared as whole values (guards against very deep or cyclic-looking data). */
const MAX_DEPTH = 32;

/**
 * The differences from `before` to `after`. Objects are compared field by field (recursively); arrays,
 * primitives and values of different types are compared as a whole. A missing or non-object root (a session
 * that was not stored yet) counts as an empty session, so every field of `after` is listed as added.
 * Changes come in a stable order: the fields of `after` in their order, then removed fields.
 */
export function diffSessions(before: unknown, after: unknown): SessionFieldChange[] {
  const out: SessionFieldChange[] = [];
  walk(isPlainObject(before) ? before : {}, isPlainObject(after) ? after : {}, [], out);
  return out;
}

function walk(before: Record<string, unknown>, after: Record<string, unknown>, path: string[], out: SessionFieldChange[]): void {
  for (const [key, value] of Object.entries(after)) {
    const at = [...path, key];
    if (!Object.prototype.hasOwnProperty.call(before, key)) {
      out.push({ kind: 'added', path: at, after: value });
      continue;
    }
    const old = before[key];
    if (isPlainObject(old) && isPlainObject(value) && at.length < MAX_DEPTH) walk(old, value, at, out);
    else if (!sameValue(old, value)) out.push({ kind: 'changed', path: at, before: old, after: value });
  }
  for (const [key, value] of Object.entries(before)) {
    if (!Object.prototype.hasOwnProperty.call(after, key)) out.push({ kind: 'removed', path: [...path, key], before: value });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Structural equality of JSON-like values (what a session holds once serialized). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((v, i) => sameValue(v, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameValue(ao[k], bo[k]));
}

/** A short one-line rendering of a value for a tree description: `"alice"`, `42`, `{…3}`, `[2]`. */
export function briefValue(value: unknown, maxLength = 60): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `[${value.length}]`;
  if (value !== null && typeof value === 'object') return `{…${Object.keys(value).length}}`;
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

/** `added: {…5}`, `removed (was 3)`, `"a" → "b"` — the description of one change. */
export function describeChange(change: SessionFieldChange): string {
  switch (change.kind) {
    case 'added': return `added: ${briefValue(change.after)}`;
    case 'removed': return `removed (was ${briefValue(change.before)})`;
    case 'changed': return `${briefValue(change.before)} → ${briefValue(change.after)}`;
  }
}
