// The signing secrets of a directory's `.env` files, found the way the extension finds them in a workspace
// (isEnvFileName, collectEnvSecrets), for the CLI's `decode --workspace DIR`. Node only, no `vscode`.
import { MAX_ENV_CHARS } from '../envFile';
import { walkFiles } from '../walkFiles';
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
  const { files, notes } = await walkFiles(dir, {
    skipDirectories: SKIPPED_DIRECTORIES, maxDepth: MAX_ENV_DEPTH, maxDirectories: MAX_DIRECTORIES, maxFiles: MAX_ENV_FILES,
    maxBytes: MAX_ENV_CHARS * 4, wanted: isEnvFileName, followFileLinks: true, what: '.env files',
  });
  return { files: files.map((f) => ({ label: f.path, text: f.text })), notes };
}

/** The signing secrets of every `.env` file under `dir`, each value once (see collectEnvSecrets). */
export async function readWorkspaceEnvSecrets(dir: string): Promise<EnvSecret[]> {
  return collectEnvSecrets((await readWorkspaceEnvFiles(dir)).files);
}
