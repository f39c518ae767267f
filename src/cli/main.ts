// Dispatches `session-lens <subcommand>`. Heavy libraries (the parser, the Redis client) are loaded by the
// subcommands themselves when they run, so `--help` stays fast.
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { config } from './config';
import { cookies } from './cookies';
import { decode } from './decode';
import { CliIo, Subcommand, UsageError } from './io';
import { lint } from './lint';
import { sessions } from './sessions';

interface SubcommandEntry {
  summary: string;
  run: Subcommand;
}

const subcommands: Record<string, SubcommandEntry> = {
  decode: {
    summary: 'Decode and verify session cookies (express-session, cookie-session, iron, JWT, Auth.js, Flask, Django, Rails, ...).',
    run: decode,
  },
  cookies: {
    summary: 'Decode and verify the cookies a Chromium-family browser holds for the app (--browser HOST:PORT, its remote debugging port).',
    run: cookies,
  },
  sessions: {
    summary: 'List the sessions of a store (--store URL: Redis, PostgreSQL, SQLite, session files) or of any store through a running Node app (--inspect HOST:PORT).',
    run: sessions,
  },
  lint: {
    summary: 'Find insecure session configuration in JavaScript and TypeScript files.',
    run: lint,
  },
  config: {
    summary: 'Print the session setups of the app\'s code: library, cookie name, where the secret comes from, store.',
    run: config,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(subcommands).map((n) => n.length));
  const lines = Object.entries(subcommands).map(([name, s]) => `  ${name.padEnd(width)}  ${s.summary}`);
  return [
    'Usage: session-lens <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Options:',
    '  --help     Show this help, or a command\'s help with `session-lens <command> --help`.',
    '  --version  Print the version.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined || first.startsWith('-')) {
      const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } }, strict: true });
      if (values.version) { io.stdout(`${version}\n`); return 0; }
      if (values.help) { io.stdout(usage()); return 0; }
      throw new UsageError('missing command; run `session-lens --help` for the list');
    }
    const entry = Object.hasOwn(subcommands, first) ? subcommands[first] : undefined;
    if (!entry) throw new UsageError(`unknown command '${first}'; run \`session-lens --help\` for the list`);
    return await entry.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.stderr(`session-lens: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
