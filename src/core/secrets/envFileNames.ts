// Which files are the workspace's .env files; no dependency, so the activation bundle can use it.

/**
 * A VS Code `findFiles` / file-watcher glob for every `.env` file the extension reads: `.env` and any
 * `.env.<something>` (`.env.local`, `.env.development.local`, …). Filter the matches with isEnvFileName,
 * which drops placeholder files (`.env.example`, `.env.sample`, …). No brace alternative is empty:
 * VS Code's file search does not match an empty one (`.env{,.local}` never found a plain `.env`).
 */
export const ENV_FILE_GLOB = '{**/.env,**/.env.*}';

/** Name parts of `.env` files that hold placeholders, not the secrets the app runs with. */
const PLACEHOLDER_PARTS = new Set(['example', 'examples', 'sample', 'samples', 'template', 'templates', 'tpl', 'dist', 'schema']);

/**
 * Whether a file name (no directory) is a `.env` file the extension reads: `.env`, or `.env.` followed by
 * name parts (`.env.local`, `.env.development.local`, `.env.test`, …), except placeholder files whose
 * parts (split at ".", "-" and "_", any case) include example, sample, template, tpl, dist or schema.
 */
export function isEnvFileName(basename: string): boolean {
  if (basename === '.env') return true;
  if (!basename.startsWith('.env.') || basename.length === 5 || basename.length > 255) return false;
  const rest = basename.slice(5);
  if (/[/\\]/.test(rest) || rest.endsWith('.')) return false;
  return !rest.toLowerCase().split(/[._-]/).some((part) => PLACEHOLDER_PARTS.has(part));
}
