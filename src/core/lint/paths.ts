// Which files are tests, fixtures or examples (their findings are reported as info), and the exclude globs of
// `sessionLens.lint.exclude` / `--exclude`. Paths are relative to the project (workspace folder, or the CLI's
// current directory) with `/` separators, so a project that itself lives under a `test/` folder is not a test.

/** Folders whose files are tests, test data or examples. */
const TEST_DIRS = new Set(['test', 'tests', '__tests__', 'spec', 'specs', '__mocks__', 'fixtures', '__fixtures__', 'e2e', 'cypress', 'example', 'examples']);
/** `login.test.ts`, `auth.spec.js`, `app.e2e-spec.ts`, `session_test.js`. */
const TEST_FILE = /[._-](test|spec|e2e-spec)\.[cm]?[jt]sx?$/i;

export function isTestPath(relativePath: string): boolean {
  const parts = normalize(relativePath).split('/');
  const file = parts[parts.length - 1];
  if (TEST_FILE.test(file)) return true;
  for (let i = 0; i < parts.length - 1; i++) if (TEST_DIRS.has(parts[i].toLowerCase())) return true;
  return false;
}

function normalize(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/**
 * A set of exclude globs. `*` and `?` stay within one path segment, `**` spans segments, `{a,b}` and `[...]` as
 * usual. A glob without `/` matches a file or folder name at any depth (`fixtures`, `*.stories.ts`); one with `/`
 * (also a leading one: `/app.js`) matches the relative path from its start (`examples/**`, `src/legacy`). A glob
 * that matches a folder excludes everything below it. Matching ignores case and takes time proportional to the
 * glob's length times the path's (no backtracking regular expressions).
 */
export class PathGlobs {
  /** Globs matched against each name, and globs matched against the path, each as segments of tokens. */
  private readonly names: Token[][] = [];
  private readonly paths: Token[][][] = [];

  constructor(patterns: readonly string[]) {
    for (const raw of patterns) {
      if (typeof raw !== 'string') continue;
      const trimmed = raw.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
      const pattern = normalize(trimmed).replace(/\/+$/, '');
      if (pattern === '') continue;
      for (const expanded of expandBraces(pattern.toLowerCase())) {
        // A leading `/` anchors a name to the top (`/app.js`), as in .gitignore.
        if (expanded.includes('/') || trimmed.startsWith('/')) this.paths.push(expanded.split('/').filter((x) => x !== '').map(tokens));
        else this.names.push(tokens(expanded));
      }
    }
  }

  get empty(): boolean {
    return this.names.length === 0 && this.paths.length === 0;
  }

  /** Whether the file (or a folder above it) is excluded. */
  matches(relativePath: string): boolean {
    if (this.empty) return false;
    const parts = normalize(relativePath).toLowerCase().split('/').filter((x) => x !== '');
    for (const part of parts) for (const glob of this.names) if (matchSegment(glob, part)) return true;
    for (const glob of this.paths) if (matchPrefix(glob, parts)) return true;
    return false;
  }
}

type Token = { k: 'lit'; c: string } | { k: 'any' } | { k: 'star' } | { k: 'globstar' } | { k: 'set'; chars: string; negate: boolean };

/** `{a,b}` alternatives expanded (nested ones too), at most 256 globs. */
function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  let depth = 0;
  const cuts: number[] = [];
  let close = -1;
  for (let i = open; i < glob.length; i++) {
    if (glob[i] === '{') depth++;
    else if (glob[i] === '}' && --depth === 0) { close = i; break; } else if (glob[i] === ',' && depth === 1) cuts.push(i);
  }
  if (close < 0) return [glob];
  const options: string[] = [];
  let from = open + 1;
  for (const cut of [...cuts, close]) { options.push(glob.slice(from, cut)); from = cut + 1; }
  const out: string[] = [];
  for (const option of options) {
    for (const rest of expandBraces(glob.slice(0, open) + option + glob.slice(close + 1))) {
      if (out.length >= 256) return out;
      out.push(rest);
    }
  }
  return out;
}

function tokens(segment: string): Token[] {
  if (segment === '**') return [{ k: 'globstar' }];
  const out: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') { if (out[out.length - 1]?.k !== 'star') out.push({ k: 'star' }); continue; }
    if (c === '?') { out.push({ k: 'any' }); continue; }
    if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end > 0) {
        let body = segment.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        out.push({ k: 'set', chars: expandRanges(body), negate });
        i = end;
        continue;
      }
    }
    out.push({ k: 'lit', c });
  }
  return out;
}

function expandRanges(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const from = body.charCodeAt(i);
      const to = body.charCodeAt(i + 2);
      for (let c = from; c <= to && c - from < 256; c++) out += String.fromCharCode(c);
      i += 2;
    } else out += body[i];
  }
  return out;
}

function tokenMatches(tok: Token, c: string): boolean {
  if (tok.k === 'lit') return tok.c === c;
  if (tok.k === 'any') return true;
  if (tok.k === 'set') return tok.chars.includes(c) !== tok.negate;
  return false;
}

/** One segment against one name: the usual wildcard walk that remembers only the last `*` (no backtracking blow-up). */
function matchSegment(glob: Token[], name: string): boolean {
  if (glob.length === 1 && glob[0].k === 'globstar') return true;
  let g = 0;
  let n = 0;
  let starG = -1;
  let starN = 0;
  while (n < name.length) {
    const tok = glob[g];
    if (tok && tok.k !== 'star' && tok.k !== 'globstar' && tokenMatches(tok, name[n])) { g++; n++; continue; }
    if (tok && (tok.k === 'star' || tok.k === 'globstar')) { starG = g++; starN = n; continue; }
    if (starG < 0) return false;
    g = starG + 1;
    n = ++starN;
  }
  while (g < glob.length && (glob[g].k === 'star' || glob[g].k === 'globstar')) g++;
  return g === glob.length;
}

/** Whether the glob's segments match the path or a folder above it (`**` spans any number of segments). */
function matchPrefix(glob: Token[][], parts: string[]): boolean {
  // reach[j]: the first j parts are matched by the glob segments seen so far.
  let reach = new Array<boolean>(parts.length + 1).fill(false);
  reach[0] = true;
  for (const seg of glob) {
    const next = new Array<boolean>(parts.length + 1).fill(false);
    const globstar = seg.length === 1 && seg[0].k === 'globstar';
    for (let j = 0; j <= parts.length; j++) {
      if (!reach[j]) continue;
      if (globstar) { for (let k = j; k <= parts.length; k++) next[k] = true; break; }
      if (j < parts.length && matchSegment(seg, parts[j])) next[j + 1] = true;
    }
    reach = next;
  }
  // Matching any prefix (a folder of the path) excludes the file.
  for (let j = 1; j <= parts.length; j++) if (reach[j]) return true;
  return false;
}
