// `session-lens cookies --browser HOST:PORT [--url URL] [--secret S]... [--workspace DIR] [--json]`: the cookies a
// Chromium-family browser holds for the app's origin, read through its remote debugging port (loopback only),
// decoded and verified as `decode` does. Only that origin's cookies are read; values are never stored.
import { parseArgs } from 'node:util';
import { decodeCookies } from '../core/cookies/decode';
import { formatDecodedText } from '../core/cookies/report';
import { BrowserUnreachableError, appOrigin, readBrowserCookies, setCookieLines } from '../core/browser/browserCookies';
import { exitStatus, gatherSecrets, toJson } from './decode';
import { CliIo, Subcommand, UsageError } from './io';

const HELP = `Usage: session-lens cookies --browser HOST:PORT [--url URL] [--secret S]... [--workspace DIR] [--json]

Reads the cookies a Chromium-family browser (Chrome, Edge, Chromium) holds for the app's origin through its
remote debugging port, and decodes and verifies them as \`session-lens decode\` does. Start the browser with
--remote-debugging-port=PORT and --user-data-dir=DIR (Chrome ignores the port on its default profile); only
loopback addresses are used, and only the cookies of --url are read.
Expiry is judged by the browser's clock, which its cookie expiries follow.

Options:
  --browser HOST:PORT  The browser's remote debugging port (e.g. 127.0.0.1:9222).
  --url URL            The app's URL (default http://localhost:3000/): whose cookies to read.
  --secret S           A signing secret (repeatable), as for decode.
  --workspace DIR      Also try the secrets of DIR's .env files and its code's session setups, as for decode.
  --json               Print {"cookies":[...]} as decode --json does.

Exit status: 0 all verified (or nothing could be checked), 1 a cookie failed verification or is expired,
2 unusable flags, or the browser cannot be reached.
`;

export const cookies: Subcommand = async (args: string[], io: CliIo) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        browser: { type: 'string' },
        url: { type: 'string' },
        secret: { type: 'string', multiple: true },
        workspace: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const { values } = parsed;
  if (values.help) { io.stdout(HELP); return 0; }
  if (values.browser === undefined) throw new UsageError('give --browser HOST:PORT (the browser\'s --remote-debugging-port); see `session-lens cookies --help`');
  const url = values.url ?? 'http://localhost:3000/';
  try {
    appOrigin(url);
  } catch (err) {
    throw new UsageError(`--url: ${(err as Error).message}`);
  }
  const { secrets, hints, workspaceLines } = await gatherSecrets(values.secret ?? [], values.workspace, io);
  let held;
  try {
    held = await readBrowserCookies(values.browser, url);
  } catch (err) {
    if (err instanceof BrowserUnreachableError) throw new UsageError(err.message);
    throw err;
  }
  if (held.cookies.length === 0) {
    if (values.json) io.stdout(`${JSON.stringify({ cookies: [] }, null, 2)}\n`);
    else io.stdout(`the browser holds no cookie for ${url}\n`);
    return 0;
  }
  const nowMs = held.browserNowMs;
  const result = await decodeCookies(setCookieLines(held.cookies), { secrets, hints, nowMs });
  if ('error' in result) throw new UsageError(result.error);
  if (values.json) io.stdout(`${JSON.stringify({ cookies: result.cookies.map(toJson) }, null, 2)}\n`);
  else io.stdout(workspaceLines.map((l) => `${l}\n`).join('') + formatDecodedText(result.cookies, result.warnings, nowMs, secrets.length ? 'none of the secrets given verified it: try another with --secret S' : 'verify it with --secret S or --workspace DIR'));
  return exitStatus(result.cookies);
};
