// `session-lens decode [--secret S]... [--salt SALT]... [--name NAME] [--format ID] [--now UNIX_SECONDS] [--json] <input|->`
// Exit status: 0 every cookie verified (or none could be checked), 1 any failed verification or expired,
// 2 unusable input or flags.
import { parseArgs } from 'node:util';
import { decodeCookies, isFormatId, type DecodedCookie } from '../core/cookies/decode';
import { FORMATS } from '../core/cookies/registry';
import { formatDecodedText } from '../core/cookies/report';
import { CliIo, Subcommand, UsageError } from './io';

const HELP = `Usage: session-lens decode [--secret S]... [--salt SALT]... [--name NAME] [--format ID] [--now UNIX_SECONDS] [--json] <input|->

Decodes and verifies session cookies: a bare value, name=value, a Cookie: header, Set-Cookie lines,
a devtools table row, or curl -b/-H arguments ("-" reads standard input).

Options:
  --secret S       A signing secret or key (repeat for rotation lists; "hex:" and "base64:" give raw bytes,
                   a PEM or JWK verifies RS/ES/EdDSA JWTs). Output names secrets by position, never by value.
                   This is also the way to try a secret once: nothing is stored.
  --salt SALT      A key-derivation salt for @fastify/secure-session apps that set their own \`salt\`
                   (16 bytes: text as the library takes it, or "hex:"/"base64:"); repeatable; tried after
                   the library's default salt with every --secret.
  --name NAME      The cookie name of a bare value (some formats sign or derive keys from the name).
  --format ID      Force a format: ${FORMATS.map((f) => f.id).join(', ')}.
  --now SECONDS    The clock for expiry checks (Unix seconds).
  --json           Print {"cookies":[...]} instead of text.

Exit status: 0 all verified (or nothing could be checked), 1 a cookie failed verification or is expired,
2 unusable input or flags.
`;

/** The CLI's JSON contract: exactly these keys, in this order. */
function toJson(c: DecodedCookie) {
  return {
    name: c.name, format: c.format, verified: c.verified, secretIndex: c.secretIndex, sid: c.sid,
    payload: c.payload, expiresAt: c.expiresAt, expired: c.expired, attributes: c.attributes,
    warnings: c.warnings, error: c.error,
  };
}

export function exitStatus(cookies: readonly DecodedCookie[]): 0 | 1 {
  return cookies.some((c) => c.verified === false || c.expired) ? 1 : 0;
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        secret: { type: 'string', multiple: true },
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
  const secrets = (values.secret ?? []).map((value, i) => ({ label: `--secret #${i}`, value }));
  const salts = (values.salt ?? []).map((value, i) => ({ label: `--salt #${i}`, value }));
  const result = await decodeCookies(input, { secrets, salts, name: values.name, format: values.format as never, nowMs });
  if ('error' in result) throw new UsageError(result.error);
  if (values.json) io.stdout(`${JSON.stringify({ cookies: result.cookies.map(toJson) }, null, 2)}\n`);
  else io.stdout(formatDecodedText(result.cookies, result.warnings, nowMs ?? Date.now(), secrets.length ? 'none of the secrets given verified it: try another with --secret S (used once, never stored)' : 'verify it with --secret S (used once, never stored)'));
  return exitStatus(result.cookies);
};
