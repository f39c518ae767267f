// A small .gitignore matcher (patterns, `!` negation, `/` anchoring, trailing `/` for directories, `*`, `**`, `?`)
// used to skip ignored paths when linting a directory.

interface IgnoreRule { regex: RegExp; negate: boolean; dirOnly: boolean }

export class IgnoreRules {
  private readonly rules: IgnoreRule[] = [];

  /** Adds the patterns of a .gitignore found in `base` (a path relative to the walk root, '' for the root). */
  add(base: string, text: string): void {
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.replace(/(?<!\\)\s+$/, '');
      if (!line || line.startsWith('#')) continue;
      const negate = line.startsWith('!');
      if (negate) line = line.slice(1);
      const dirOnly = line.endsWith('/');
      if (dirOnly) line = line.slice(0, -1);
      const anchored = line.includes('/');
      if (line.startsWith('/')) line = line.slice(1);
      const body = globToRegex(line);
      const prefix = base ? `${escape(base)}/` : '';
      const regex = new RegExp(`^${prefix}${anchored ? '' : '(?:.*/)?'}${body}$`);
      this.rules.push({ regex, negate, dirOnly });
    }
  }

  /** Whether a path relative to the walk root (with `/` separators) is ignored. */
  ignores(path: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDirectory) continue;
      if (rule.regex.test(path)) ignored = !rule.negate;
    }
    return ignored;
  }
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '\\' && i + 1 < glob.length) { out += escape(glob[i + 1]); i++; }
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close > i) { out += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`; i = close; } else out += '\\[';
    } else out += escape(c);
  }
  return out;
}
