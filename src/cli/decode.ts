// `session-lens decode [--secret S]... [--workspace DIR] [--salt SALT]... [--name NAME] [--format ID] [--now UNIX_SECONDS] [--json] <input|->`
// Exit status: 0 every cookie verified (or none could be checked), 1 any failed verification or expired,
// 2 unusable input or flags.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeCookies, isFormatId, type CookieHint, type DecodedCookie } from '../core/cookies/decode';
import { FORMATS } from '../core/cookies/registry';
import { formatDecodedText, isFolded } from '../core/cookies/report';
import { secretBytes, type SigningSecret } from '../core/secrets/secret';
import { readWorkspaceEnvFiles } from '../core/secrets/workspaceEnv';
import { collectEnvSecrets, type EnvFileText } from '../core/secrets/envSecrets';
import { decoderHints } from '../core/setups';
import { workspaceSetups } from './config';
import { CliIo, Subcommand, UsageError } from './io';

const HELP = `Usage: session-lens decode [--secret S]... [--workspace DIR] [--salt SALT]... [--name NAME] [--format ID] [--now UNIX_SECONDS] [--json] <input|->

Decodes and verifies session cookies: a bare value, name=value, a Cookie: header, Set-Cookie lines,
a devtools table row, or curl -b/-H arguments ("-" reads standard input).

Options:
  --secret S       A signing secret or key (repeat for rotation lists; "hex:" and "base64:" give raw bytes,
                   a PEM or JWK verifies RS/ES/EdDSA JWTs). Output names secrets by position, never by value.
                   This is also the way to try a secret once: nothing is stored.
  --workspace DIR  Also try the signing secrets the extension finds in DIR: every value of SESSION_SECRET,
                   AUTH_SECRET, SECRET_KEY, … in its .env files (.env, .env.local, .env.development, …;
                   not .env.example or other placeholders; node_modules and .git skipped), each value once,
                   after the --secret ones. Output names them by label, e.g. "SESSION_SECRET (.env)".
                   DIR's code is read too (as \`session-lens config DIR\` shows it): for a cookie named as
                   a session setup names it, that library's format is tried first, with the secret in the
                   env variable the code reads (from the .env files, whatever its name), a secret written
                   in the code (labelled "secret literal (FILE:LINE)"), and the app's salt and expiry
                   (@fastify/secure-session).
  --salt SALT      A key-derivation salt for @fastify/secure-session apps that set their own \`salt\`
                   (16 bytes: text as the library takes it, or "hex:"/"base64:"); repeatable; tried after
                   the library's default salt with every --secret.
  --name NAME      The cookie name of a bare value (some formats sign or derive keys from the name).
  --format ID      Force a format: ${FORMATS.map((f) => f.id).join(', ')}.
  --now SECONDS    The clock for expiry checks (Unix seconds).
  --json           Print {"cookies":[...]} instead of text; each cookie's secretLabel names the secret that
                   verified it ("--secret #0", "SESSION_SECRET (.env)"), never its value.

Cookies that are not sessions (analytics, CSRF tokens, preferences, consent, …) are named for what they
are on one line and never change the exit status; so are unrecognized cookies pasted among others.

Exit status: 0 all verified (or nothing could be checked), 1 a cookie failed verification or is expired,
2 unusable input or flags.
`;

/**
 * The CLI's JSON contract: exactly these keys, in this order. `secretLabel` (after `secretIndex`) is the
 * label of the secret that verified the cookie, never its value; null when nothing verified it. `kind` is
 * "session" (a known format), "not-session" (named for what it is in `purpose`: "analytics", "CSRF token", …)
 * or "unknown"; among several cookies an unknown one has no `error`.
 */
export function toJson(c: DecodedCookie) {
  return {
    name: c.name, format: c.format, verified: c.verified, secretIndex: c.secretIndex, secretLabel: c.secretLabel, sid: c.sid,
    payload: c.payload, expiresAt: c.expiresAt, expired: c.expired, attributes: c.attributes,
    warnings: c.warnings, error: c.error, kind: c.kind, purpose: c.purpose,
  };
}

/** 1 when a cookie failed verification or is expired; cookies folded as not sessions (or unrecognized among others) never count. */
export function exitStatus(cookies: readonly DecodedCookie[]): 0 | 1 {
  return cookies.some((c) => !isFolded(c, cookies) && (c.verified === false || c.expired)) ? 1 : 0;
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        secret: { type: 'string', multiple: true },
        workspace: { type: 'string' },
        salt: { type: 'string', multiple: true },
        name: { type: 'string' },
        format: { type: 'string' },
        now: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // node:util's messages span lines; the contract is one line (a PEM key needs --secret=<PEM>).
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
}

export const decode: Subcommand = async (args: string[], io: CliIo) => {
  const { values, positionals } = parseFlags(args);
  if (values.help) { io.stdout(HELP); return 0; }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'decode needs one input (a cookie, or - to read standard input)' : 'decode takes one input; quote a Cookie header so it stays one argument');
  if (values.format !== undefined && !isFormatId(values.format)) throw new UsageError(`unknown format '${values.format}'; known: ${FORMATS.map((f) => f.id).join(', ')}`);
  let nowMs: number | undefined;
  if (values.now !== undefined) {
    if (!/^\d{1,12}(?:\.\d+)?$/.test(values.now)) throw new UsageError('--now takes Unix seconds, e.g. --now 1767225600');
    nowMs = Number(values.now) * 1000;
  }
  if (values.name !== undefined && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(values.name)) throw new UsageError('--name must be a cookie name (letters, digits and !#$%&\'*+-.^_`|~)');
  const input = positionals[0] === '-' ? await io.readStdin() : positionals[0];
  const { secrets, hints, workspaceLines } = await gatherSecrets(values.secret ?? [], values.workspace, io);
  const salts = (values.salt ?? []).map((value, i) => ({ label: `--salt #${i}`, value }));
  const result = await decodeCookies(input, { secrets, salts, name: values.name, format: values.format as never, nowMs, hints });
  if ('error' in result) throw new UsageError(result.error);
  if (values.json) io.stdout(`${JSON.stringify({ cookies: result.cookies.map(toJson) }, null, 2)}\n`);
  else io.stdout(workspaceLines.map((l) => `${l}\n`).join('') + formatDecodedText(result.cookies, result.warnings, nowMs ?? Date.now(), secrets.length ? 'none of the secrets given verified it: try another with --secret S (used once, never stored)' : 'verify it with --secret S (used once, never stored)'));
  return exitStatus(result.cookies);
};

/**
 * The secrets to verify with: the `--secret` values, then (with `--workspace DIR`) those of DIR's .env files and
 * the app's setups in its code (formats, secret variables, literal secrets, salts, expiries by cookie name),
 * with the lines that say what was found. Shared by `decode` and `cookies`.
 */
export async function gatherSecrets(given: readonly string[], workspace: string | undefined, io: CliIo): Promise<{ secrets: SigningSecret[]; hints: CookieHint[]; workspaceLines: string[] }> {
  const secrets: SigningSecret[] = given.map((value, i) => ({ label: `--secret #${i}`, value }));
  const workspaceLines: string[] = [];
  let hints: CookieHint[] = [];
  if (workspace !== undefined) {
    const { secrets: found, envFiles } = await workspaceSecrets(workspace, io);
    const known = new Set(secrets.map((s) => s.value));
    const added = found.filter((s) => !known.has(s.value));
    secrets.push(...added.map((s) => ({ label: s.label, value: s.value })));
    const setups = await workspaceSetups(workspace, io, '--workspace ');
    hints = decoderHints(setups, envFiles);
    const all = new Set(secrets.map((s) => s.value));
    const fromCode = [...new Map(hints.flatMap((h) => h.secrets ?? []).filter((s) => !all.has(s.value)).map((s) => [s.value, s.label])).values()];
    const labels = [...added.map((s) => s.label), ...fromCode];
    workspaceLines.push(labels.length ? `secrets from ${workspace}: ${labels.join(', ')}` : `no signing secret in the .env files of ${workspace}`);
    for (const s of setups) workspaceLines.push(`session setup: ${s.library} at ${s.file}:${s.line}, cookie ${s.cookieName ?? '(name not known)'}`);
  }
  return { secrets, hints, workspaceLines };
}

/** The signing secrets of DIR's .env files, as the extension finds them, and the files; a DIR that is not a directory is a usage error. */
async function workspaceSecrets(dir: string, io: CliIo): Promise<{ secrets: SigningSecret[]; envFiles: EnvFileText[] }> {
  if (dir === '' || !(await stat(dir).then((st) => st.isDirectory(), () => false))) throw new UsageError(`--workspace ${dir}: not a directory`);
  let found;
  try {
    found = await readWorkspaceEnvFiles(dir);
  } catch (err) {
    throw new UsageError(`--workspace ${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  for (const note of found.notes) io.stderr(`session-lens: warning: ${note}\n`);
  // A value the decoder cannot use (a malformed hex:/base64: prefix) is skipped, named by its label only.
  const secrets = collectEnvSecrets(found.files).filter((s) => {
    const usable = !('error' in secretBytes(s.value));
    if (!usable) io.stderr(`session-lens: warning: ${s.label} is not a usable secret (malformed hex: or base64: prefix); skipped\n`);
    return usable;
  });
  return { secrets, envFiles: found.files };
}
