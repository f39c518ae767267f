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
 * matches the relative path from its start (`examples/**`, `src/legacy`). A glob that matches a folder excludes
 * everything below it.
 */
export class PathGlobs {
  private readonly names: RegExp[] = [];
  private readonly paths: RegExp[] = [];

  constructor(patterns: readonly string[]) {
    for (const raw of patterns) {
      if (typeof raw !== 'string') continue;
      const pattern = normalize(raw.trim()).replace(/\/+$/, '');
      if (pattern === '') continue;
      const re = new RegExp(`^${globToRegExp(pattern)}$`, 'i');
      if (pattern.includes('/')) this.paths.push(re); else this.names.push(re);
    }
  }

  get empty(): boolean {
    return this.names.length === 0 && this.paths.length === 0;
  }

  /** Whether the file (or a folder above it) is excluded. */
  matches(relativePath: string): boolean {
    if (this.empty) return false;
    const parts = normalize(relativePath).split('/');
    for (const part of parts) for (const re of this.names) if (re.test(part)) return true;
    if (this.paths.length === 0) return false;
    let prefix = '';
    for (const part of parts) {
      prefix = prefix ? `${prefix}/${part}` : part;
      for (const re of this.paths) if (re.test(prefix)) return true;
    }
    return false;
  }
}

/** The body of a regular expression for one glob (no anchors). */
export function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more folders, a trailing or inner `**` anything.
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
        // Further stars right after are the same `**`.
        while (glob[i + 1] === '*') i++;
      } else {
        out += '[^/]*';
        while (glob[i + 1] === '*') i++;
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) { out += '\\{'; continue; }
      out += `(?:${glob.slice(i + 1, end).split(',').map(globToRegExp).join('|')})`;
      i = end;
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) { out += '\\['; continue; }
      const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/[\\\]]/g, '\\$&');
      out += `[${body}]`;
      i = end;
    } else {
      out += c.replace(/[.+^$()|\\/]/g, '\\$&');
    }
  }
  return out;
}
