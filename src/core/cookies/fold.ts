// Folds companion cookies into the cookie they belong to: keygrip `<name>.sig` signatures and
// `<name>.0`, `<name>.1`, … chunks (Auth.js splits large session tokens this way).
import type { InputCookie } from './types';

const CHUNK = /^(.+)\.(\d{1,3})$/;

export function foldCompanions(cookies: InputCookie[]): InputCookie[] {
  const byName = new Map<string, InputCookie>();
  for (const c of cookies) if (c.name !== null && !byName.has(c.name)) byName.set(c.name, c);

  // Chunks: group `<base>.<n>` cookies whose base is not itself present.
  const groups = new Map<string, { index: number; cookie: InputCookie }[]>();
  for (const c of cookies) {
    const m = c.name === null ? null : CHUNK.exec(c.name);
    if (!m || byName.has(m[1])) continue;
    const list = groups.get(m[1]) ?? [];
    list.push({ index: Number(m[2]), cookie: c });
    groups.set(m[1], list);
  }
  const consumed = new Set<InputCookie>();
  const joined = new Map<InputCookie, InputCookie>();
  for (const [base, parts] of groups) {
    if (!parts.some((p) => p.index === 0)) continue;
    parts.sort((a, b) => a.index - b.index);
    const warnings: string[] = [];
    parts.forEach((p, i) => { if (p.index !== i && warnings.length === 0) warnings.push(`chunk ${base}.${i} is missing; the chunks given were joined in order`); });
    const first = parts[0].cookie;
    const cookie: InputCookie = {
      ...first,
      name: base,
      value: parts.map((p) => p.cookie.value).join(''),
      rawValue: parts.map((p) => p.cookie.rawValue).join(''),
      chunks: parts.length,
      warnings: [...parts.flatMap((p) => p.cookie.warnings), ...warnings],
    };
    for (const p of parts) consumed.add(p.cookie);
    joined.set(first, cookie);
  }

  const out: InputCookie[] = [];
  for (const c of cookies) {
    if (joined.has(c)) { out.push(joined.get(c)!); continue; }
    if (consumed.has(c)) continue;
    out.push(c);
  }
  // Signatures: `<name>.sig` next to `<name>`.
  const result: InputCookie[] = [];
  const outByName = new Map(out.filter((c) => c.name !== null).map((c) => [c.name!, c]));
  const folded = new Set<InputCookie>();
  for (const c of out) {
    if (c.name?.endsWith('.sig')) {
      const target = outByName.get(c.name.slice(0, -4));
      if (target && target.signature === undefined) {
        target.signature = c.value;
        folded.add(c);
      }
    }
  }
  for (const c of out) if (!folded.has(c)) result.push(c);
  return result;
}
