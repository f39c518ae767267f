// Finds signing secrets in .env file text with the `dotenv` package's own parser.
import { envAssignments, MAX_NAME_CHARS, readEnvVariables } from '../envFile';
import type { SigningSecret } from './secret';

/** Variable names frameworks and their docs use for session signing/encryption secrets. */
export const KNOWN_SECRET_NAMES: readonly string[] = [
  'SESSION_SECRET', 'SESSION_SECRETS', 'COOKIE_SECRET', 'COOKIE_SECRETS', 'SECRET_KEY', 'SECRET_KEY_FALLBACKS',
  'AUTH_SECRET', 'NEXTAUTH_SECRET', 'SECRET_KEY_BASE', 'JWT_SECRET', 'SECRET_COOKIE_PASSWORD', 'SESSION_PASSWORD',
  'IRON_SESSION_PASSWORD', 'IRON_PASSWORD', 'SESSION_KEY', 'SESSION_KEYS', 'COOKIE_KEYS', 'APP_KEYS',
  'DJANGO_SECRET_KEY', 'FLASK_SECRET_KEY', 'RAILS_SECRET_KEY_BASE',
];

const LOOKS_LIKE_SESSION_SECRET = /^(?:[A-Z0-9]+_)*(?:SESSION|COOKIE)_(?:[A-Z0-9]+_)*(?:SECRET|SECRETS|KEY|KEYS|PASSWORD)$/;

/** Names holding several secrets separated by commas (rotation lists). */
const LIST_NAMES = /(?:SECRETS|KEYS|FALLBACKS)$/;

export interface EnvSecret extends SigningSecret {
  /** The variable the secret came from. */
  readonly variable: string;
}

/** Whether a variable name is one the decoder reads as a signing secret. */
export function isSecretVariable(name: string): boolean {
  // The pattern's two `(…_)*` groups are quadratic in the number of words: real names are short.
  return KNOWN_SECRET_NAMES.includes(name) || (name.length <= MAX_NAME_CHARS && LOOKS_LIKE_SESSION_SECRET.test(name));
}

/** The pieces of .env text that assign a signing secret (see envAssignments). */
export function secretAssignments(text: string): string[] {
  return envAssignments(text, isSecretVariable);
}

/**
 * The signing secrets in one .env file's text, labelled `NAME (file)`; list variables give one secret
 * per comma-separated item, labelled `NAME[i] (file)`. Parsed with the `dotenv` package's own parser,
 * one assignment at a time (see secretAssignments); a later assignment of a name wins, in the place of
 * the first, as in dotenv.
 * Never throws.
 */
export function secretsFromEnvText(text: string, fileLabel: string): EnvSecret[] {
  const vars = readEnvVariables(text, isSecretVariable);
  const out: EnvSecret[] = [];
  for (const [name, value] of vars) {
    if (!isSecretVariable(name) || !value) continue;
    const items = LIST_NAMES.test(name) && value.includes(',') ? value.split(',').map((s) => s.trim()).filter(Boolean) : [value];
    items.forEach((item, i) => {
      out.push({ variable: name, value: item, label: items.length > 1 ? `${name}[${i}] (${fileLabel})` : `${name} (${fileLabel})` });
    });
  }
  return out;
}

export { ENV_FILE_GLOB, isEnvFileName } from './envFileNames';

/** A `.env` file's text and the label its secrets carry (its path relative to the workspace, e.g. `.env`, `api/.env.local`). */
export interface EnvFileText {
  readonly label: string;
  readonly text: string;
}

/**
 * The signing secrets of several `.env` files, each distinct value once: files in a stable order (plain
 * `.env` files first, then the others; within each group shallower paths first, then by name), and a value
 * met again keeps the label of its first file (`SESSION_SECRET (.env)`). Never throws.
 */
export function collectEnvSecrets(files: readonly EnvFileText[]): EnvSecret[] {
  const ordered = [...files].sort(compareEnvFiles);
  const seen = new Set<string>();
  const out: EnvSecret[] = [];
  for (const file of ordered) {
    for (const secret of secretsFromEnvText(file.text, file.label)) {
      if (seen.has(secret.value)) continue;
      seen.add(secret.value);
      out.push(secret);
    }
  }
  return out;
}

function compareEnvFiles(a: EnvFileText, b: EnvFileText): number {
  const plain = (f: EnvFileText) => (baseName(f.label) === '.env' ? 0 : 1);
  const depth = (f: EnvFileText) => f.label.split(/[/\\]/).length;
  return plain(a) - plain(b) || depth(a) - depth(b) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
}

function baseName(label: string): string {
  return label.slice(Math.max(label.lastIndexOf('/'), label.lastIndexOf('\\')) + 1);
}
