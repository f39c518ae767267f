// The source files of a directory, for reading its session setups outside the editor (the CLI's `config`
// and `decode --workspace`). Node only, no `vscode`.
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { SetupSourceFile } from './types';

/** Directories never entered: dependencies, version control and build output. */
export const SKIPPED_SOURCE_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', 'coverage', '.next', '.nuxt', '.svelte-kit', '.turbo', '.cache']);
const SOURCE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/i;
/** How deep below DIR the walk looks, how many files it reads and how large one may be. */
export const MAX_SOURCE_DEPTH = 12;
export const MAX_SOURCE_FILES = 5000;
export const MAX_SOURCE_BYTES = 512 * 1024;
const MAX_DIRECTORIES = 5000;

export interface WorkspaceSources {
  /** Paths relative to DIR with "/" separators, names sorted, shallower first. */
  files: SetupSourceFile[];
  /** `dependencies` + `devDependencies` of DIR's package.json, when it has one. */
  dependencies?: Record<string, string>;
  /** Why the walk stopped early (one line each), for a warning. */
  notes: string[];
}

/**
 * Reads the JavaScript and TypeScript files under `dir` (breadth first; symbolic links to directories are not
 * followed; declaration files and files over MAX_SOURCE_BYTES skipped). Throws only when `dir` cannot be listed.
 */
export async function readWorkspaceSources(dir: string): Promise<WorkspaceSources> {
  const root = path.resolve(dir);
  const files: SetupSourceFile[] = [];
  const notes: string[] = [];
  let queue: { abs: string; rel: string; depth: number }[] = [{ abs: root, rel: '', depth: 0 }];
  let listed = 0;
  walk: while (queue.length > 0) {
    const next: typeof queue = [];
    for (const d of queue) {
      if (++listed > MAX_DIRECTORIES) { notes.push(`stopped after ${MAX_DIRECTORIES} directories`); break walk; }
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
          if (!SKIPPED_SOURCE_DIRECTORIES.has(e.name) && d.depth < MAX_SOURCE_DEPTH) next.push({ abs, rel, depth: d.depth + 1 });
          continue;
        }
        if (!e.isFile() || !SOURCE_FILE.test(e.name) || /\.d\.[cm]?ts$/i.test(e.name) || /\.min\.js$/i.test(e.name)) continue;
        if (files.length >= MAX_SOURCE_FILES) { notes.push(`read the first ${MAX_SOURCE_FILES} source files only`); break walk; }
        const text = await readSmall(abs);
        if (text !== null) files.push({ path: rel, text });
      }
    }
    queue = next;
  }
  return { files, dependencies: await readDependencies(root), notes };
}

async function readSmall(file: string): Promise<string | null> {
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_SOURCE_BYTES) return null;
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

async function readDependencies(root: string): Promise<Record<string, string> | undefined> {
  const text = await readSmall(path.join(root, 'package.json'));
  if (text === null) return undefined;
  try {
    const pkg = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return { ...pkg.devDependencies, ...pkg.dependencies };
  } catch {
    return undefined;
  }
}
