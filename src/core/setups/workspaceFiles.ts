// The source files of a directory, for reading its session setups outside the editor (the CLI's `config`
// and `decode --workspace`). Node only, no `vscode`.
import * as path from 'node:path';
import { readSmallFile, walkFiles } from '../walkFiles';
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
  const { files, notes } = await walkFiles(dir, {
    skipDirectories: SKIPPED_SOURCE_DIRECTORIES, maxDepth: MAX_SOURCE_DEPTH, maxDirectories: MAX_DIRECTORIES, maxFiles: MAX_SOURCE_FILES,
    maxBytes: MAX_SOURCE_BYTES, wanted: (name) => SOURCE_FILE.test(name) && !/\.d\.[cm]?ts$/i.test(name) && !/\.min\.js$/i.test(name), what: 'source files',
  });
  return { files, dependencies: await readDependencies(path.resolve(dir)), notes };
}

async function readDependencies(root: string): Promise<Record<string, string> | undefined> {
  const text = await readSmallFile(path.join(root, 'package.json'), MAX_SOURCE_BYTES);
  if (text === null) return undefined;
  try {
    const pkg = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return { ...pkg.devDependencies, ...pkg.dependencies };
  } catch {
    return undefined;
  }
}
