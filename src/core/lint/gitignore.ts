// A small .gitignore matcher (patterns, `!` negation, `/` anchoring, trailing `/` for directories, `*`, `**`, `?`)
// used to skip ignored paths when linting a directory. Patterns come from the repository being linted, so they
// are matched by a set-of-positions walk (time: pattern length x path length), never by a backtracking regex.

type Token =
  | { k: 'char'; c: string }
  | { k: 'one' } // ?
  | { k: 'class'; re: RegExp } // [a-z], tested on one character
  | { k: 'star' } // * : anything but '/'
  | { k: 'any' } // ** : anything
  | { k: 'dirs' }; // **/ (and the implicit start of an unanchored pattern): nothing, or anything ending in '/'

interface IgnoreRule { tokens: Token[]; negate: boolean; dirOnly: boolean }

export class IgnoreRules {
  private readonly rules: IgnoreRule[] = [];

  /** Adds the patterns of a .gitignore found in `base` (a path relative to the walk root, '' for the root). */
  add(base: string, text: string): void {
    for (const raw of text.split(/\r?\n/)) {
      let line = trimTrailingSpace(raw);
      if (!line || line.startsWith('#')) continue;
      const negate = line.startsWith('!');
      if (negate) line = line.slice(1);
      const dirOnly = line.endsWith('/');
      if (dirOnly) line = line.slice(0, -1);
      const anchored = line.includes('/');
      if (line.startsWith('/')) line = line.slice(1);
      const tokens: Token[] = (base ? `${base}/` : '').split('').map((c) => ({ k: 'char', c }) as Token);
      if (!anchored) tokens.push({ k: 'dirs' });
      tokens.push(...globTokens(line));
      this.rules.push({ tokens, negate, dirOnly });
    }
  }

  /** Whether a path relative to the walk root (with `/` separators) is ignored. */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDirectory) continue;
      if (matches(rule.tokens, path)) ignored = !rule.negate;
    }
    return ignored;
  }
}

/** Drops trailing whitespace, keeping one that is escaped with a backslash (`foo\ `). */
function trimTrailingSpace(line: string): string {
  let end = line.length;
  while (end > 0 && /\s/.test(line[end - 1])) end--;
  if (end < line.length && end > 0 && line[end - 1] === '\\') end++;
  return line.slice(0, end);
}

function globTokens(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out.push(slash ? { k: 'dirs' } : { k: 'any' });
        i += slash ? 2 : 1;
      } else out.push({ k: 'star' });
    } else if (c === '?') out.push({ k: 'one' });
    else if (c === '\\' && i + 1 < glob.length) { out.push({ k: 'char', c: glob[i + 1] }); i++; }
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      const re = close > i ? characterClass(glob.slice(i + 1, close)) : undefined;
      if (re) { out.push({ k: 'class', re }); i = close; } else out.push({ k: 'char', c });
    } else out.push({ k: 'char', c });
  }
  return out;
}

/** `a-z` / `!abc` as a one-character test, or undefined when it is not a valid class. */
function characterClass(body: string): RegExp | undefined {
  try {
    return new RegExp(`^[${body.replace(/^!/, '^').replace(/\\/g, '\\\\')}]$`);
  } catch {
    return undefined;
  }
}

/** Walks the tokens keeping the set of path positions reachable so far. */
function matches(tokens: readonly Token[], path: string): boolean {
  const n = path.length;
  let at = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  at[0] = 1;
  for (const token of tokens) {
    next.fill(0);
    let any = false;
    switch (token.k) {
      case 'char': case 'one': case 'class':
        for (let i = 0; i < n; i++) {
          if (!at[i]) continue;
          const c = path[i];
          if (token.k === 'char' ? c === token.c : token.k === 'one' ? c !== '/' : token.re.test(c)) { next[i + 1] = 1; any = true; }
        }
        break;
      case 'star':
        for (let i = 0; i <= n; i++) {
          if (at[i] || (i > 0 && next[i - 1] && path[i - 1] !== '/')) { next[i] = 1; any = true; }
        }
        break;
      case 'any': case 'dirs': {
        const from = at.indexOf(1);
        if (from < 0) break;
        for (let i = from; i <= n; i++) {
          if (token.k === 'any' || i === from || path[i - 1] === '/' || at[i]) { next[i] = 1; any = true; }
        }
        break;
      }
    }
    if (!any) return false;
    [at, next] = [next, at];
  }
  return at[n] === 1;
}
