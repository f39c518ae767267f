// `// session-lens-disable-next-line [rule-id, ...]`: the line after the comment is exempt from those rules
// (from all rules when no id is named).
import type * as t from '@babel/types';

const DIRECTIVE = /^\s*session-lens-disable-next-line\b(.*)$/;

/** Line (1-based) -> rule ids suppressed on it ('*' for all). */
export function suppressions(comments: readonly t.Comment[] | null | undefined): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  for (const c of comments ?? []) {
    const m = DIRECTIVE.exec(c.value.replace(/^\*+/, ''));
    if (!m || !c.loc) continue;
    const ids = m[1].split(/--/)[0].split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    const line = c.loc.end.line + 1;
    const set = out.get(line) ?? new Set<string>();
    for (const id of ids.length ? ids : ['*']) set.add(id);
    out.set(line, set);
  }
  return out;
}

export function isSuppressed(map: Map<number, Set<string>>, line: number, rule: string): boolean {
  const set = map.get(line);
  return set !== undefined && (set.has('*') || set.has(rule));
}
