// The signing secrets of a directory's `.env` files, found the way the extension finds them in a workspace
// (isEnvFileName, collectEnvSecrets), for the CLI's `decode --workspace DIR`. Node only, no `vscode`.
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { MAX_ENV_CHARS } from '../envFile';
import { collectEnvSecrets, isEnvFileName, type EnvFileText, type EnvSecret } from './envSecrets';

/** Directories never entered: dependencies and version-control data. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn']);
/** How deep below DIR the walk looks (DIR itself is depth 0). */
export const MAX_ENV_DEPTH = 6;
/** At most this many `.env` files are read (as many as the extension reads). */
export const MAX_ENV_FILES = 20;
/** At most this many directories are listed, so a huge tree ends the walk quickly. */
export const MAX_DIRECTORIES = 2000;

export interface WorkspaceEnvFiles {
  files: EnvFileText[];
  /** Why the walk stopped early or skipped something (one line each), for a warning. */
  notes: string[];
}

/**
 * Finds the `.env` files under `dir` (breadth first, shallower first, names sorted; symbolic links to
 * files are read, to directories not followed) and reads their text. Labels are paths relative to `dir`
 * with "/" separators. Throws only when `dir` itself cannot be listed.
 */
export async function readWorkspaceEnvFiles(dir: string): Promise<WorkspaceEnvFiles> {
  const root = path.resolve(dir);
  const files: EnvFileText[] = [];
  const notes: string[] = [];
  let queue: { abs: string; rel: string; depth: number }[] = [{ abs: root, rel: '', depth: 0 }];
  let listed = 0;
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const d of queue) {
      if (listed >= MAX_DIRECTORIES) {
        notes.push(`stopped after ${MAX_DIRECTORIES} directories; .env files deeper in the tree were not read`);
        return { files, notes };
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
          if (!SKIPPED_DIRECTORIES.has(e.name) && d.depth < MAX_ENV_DEPTH) next.push({ abs, rel, depth: d.depth + 1 });
          continue;
        }
        if (!isEnvFileName(e.name) || !(e.isFile() || e.isSymbolicLink())) continue;
        if (files.length >= MAX_ENV_FILES) {
          notes.push(`read the first ${MAX_ENV_FILES} .env files only; ${rel} and later ones were not read`);
          return { files, notes };
        }
        const text = await readSmallFile(abs);
        if (text !== null) files.push({ label: rel, text });
      }
    }
    queue = next;
  }
  return { files, notes };
}

/** The signing secrets of every `.env` file under `dir`, each value once (see collectEnvSecrets). */
export async function readWorkspaceEnvSecrets(dir: string): Promise<EnvSecret[]> {
  return collectEnvSecrets((await readWorkspaceEnvFiles(dir)).files);
}

/** A regular file's UTF-8 text, or null when it is not a file, is unreadable or is larger than any .env file. */
async function readSmallFile(file: string): Promise<string | null> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > MAX_ENV_CHARS * 4) return null;
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}
