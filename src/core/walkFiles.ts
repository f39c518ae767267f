// Reads the files of a directory tree that a caller wants, breadth first, within bounds: the one walk behind
// the CLI's `.env` discovery and its reading of an app's source files. Node only, no `vscode`.
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';

export interface WalkOptions {
  /** Directories never entered (by name). */
  skipDirectories: ReadonlySet<string>;
  /** How deep below the root the walk looks (the root is depth 0). */
  maxDepth: number;
  /** At most this many directories are listed. */
  maxDirectories: number;
  /** At most this many files are read. */
  maxFiles: number;
  /** Larger files are skipped. */
  maxBytes: number;
  /** Whether a file (by name) is wanted; symbolic links to files count as files when `followFileLinks`. */
  wanted(name: string): boolean;
  followFileLinks?: boolean;
  /** What the notes call the files, e.g. ".env files". */
  what: string;
}

export interface WalkedFile {
  /** The path relative to the root, "/" separators. */
  path: string;
  text: string;
}

/**
 * The wanted files under `root` with their UTF-8 text: shallower first, names sorted; symbolic links to
 * directories are not followed. `notes` say why the walk stopped early. Throws only when `root` cannot be listed.
 */
export async function walkFiles(root: string, options: WalkOptions): Promise<{ files: WalkedFile[]; notes: string[] }> {
  const files: WalkedFile[] = [];
  let queue: { abs: string; rel: string; depth: number }[] = [{ abs: path.resolve(root), rel: '', depth: 0 }];
  let listed = 0;
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const d of queue) {
      if (listed >= options.maxDirectories) {
        return { files, notes: [`stopped after ${options.maxDirectories} directories; ${options.what} deeper in the tree were not read`] };
      }
      listed += 1;
      let entries: Dirent[];
      try {
        entries = await fs.readdir(d.abs, { withFileTypes: true });
      } catch (err) {
        if (d.depth === 0) throw err;
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const abs = path.join(d.abs, e.name);
        const rel = d.rel ? `${d.rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!options.skipDirectories.has(e.name) && d.depth < options.maxDepth) next.push({ abs, rel, depth: d.depth + 1 });
          continue;
        }
        if (!(e.isFile() || (options.followFileLinks && e.isSymbolicLink())) || !options.wanted(e.name)) continue;
        if (files.length >= options.maxFiles) {
          return { files, notes: [`read the first ${options.maxFiles} ${options.what} only; ${rel} and later ones were not read`] };
        }
        const text = await readSmallFile(abs, options.maxBytes);
        if (text !== null) files.push({ path: rel, text });
      }
    }
    queue = next;
  }
  return { files, notes: [] };
}

/** A regular file's UTF-8 text, or null when it is not a file, is unreadable or is larger than `maxBytes`. */
export async function readSmallFile(file: string, maxBytes: number): Promise<string | null> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > maxBytes) return null;
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}
