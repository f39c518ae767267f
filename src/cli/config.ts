// `session-lens config [--json] [DIR]`: the session setups the app's code makes (library, cookie name, where the
// secret comes from, store), as the extension reads them. Exit status: 0, or 2 for bad flags or an unreadable DIR.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { findSessionSetups, type SessionSetup } from '../core/setups';
import { readWorkspaceSources } from '../core/setups/workspaceFiles';
import { CliIo, Subcommand, UsageError } from './io';

const HELP = `Usage: session-lens config [--json] [DIR]

Prints the session setups found in the JavaScript and TypeScript files under DIR (default "."):
express-session, cookie-session, @fastify/session, @fastify/secure-session, koa-session, iron-session,
next-auth and Auth.js. Options are followed through constants, config modules, helper functions and
imports between files. node_modules, .git, dist, build, out and other build folders are skipped.

A secret's value is never printed: only the env variable the code reads it from, or for a secret
written in the code, the file and line where it is written.

Options:
  --json      Print {"setups":[...]}; each setup has exactly these keys:
                file           path relative to DIR, "/" separators
                line           1-based line of the call that sets the session up
                library        express-session, cookie-session, @fastify/session, @fastify/secure-session,
                               koa-session, iron-session, next-auth, @auth/core
                cookieName     the configured name, else the library's default; null if not known
                secret         {"kind":"env","name":VARIABLE} | {"kind":"literal","name":"FILE:LINE"}
                               | {"kind":"unknown","name":null}
                salt           @fastify/secure-session's salt as written; null otherwise (default salt)
                expirySeconds  @fastify/secure-session's expiry (default 86401); null for other libraries
                maxAgeMs       the cookie's lifetime in ms, configured or the library default; null for a
                               browser-session cookie or when not known
                store          null when the session lives in the cookie; else {"kind", "urlVariable"} plus
                               "prefix" (connect-redis), "table" (connect-pg-simple: [schema.]table;
                               connect-mongo: collection) or "path" (session-file-store, connect-sqlite3,
                               better-sqlite3-session-store); a value that cannot be known is null.
                               kind "MemoryStore" is express-session's default store.
  -h, --help  Show this help.

Exit status: 0 (also when nothing is found), 2 for bad flags or a DIR that cannot be read.
`;

/** The CLI's JSON contract: exactly these keys, in this order. */
export function setupJson(s: SessionSetup) {
  return {
    file: s.file, line: s.line, library: s.library, cookieName: s.cookieName,
    secret: { kind: s.secret.kind, name: s.secret.name },
    salt: s.salt, expirySeconds: s.expirySeconds, maxAgeMs: s.maxAgeMs,
    store: s.store === null ? null : {
      kind: s.store.kind,
      ...('prefix' in s.store ? { prefix: s.store.prefix ?? null } : {}),
      ...('table' in s.store ? { table: s.store.table ?? null } : {}),
      ...('path' in s.store ? { path: s.store.path ?? null } : {}),
      urlVariable: s.store.urlVariable,
    },
  };
}

export function setupText(s: SessionSetup): string {
  const secret = s.secret.kind === 'env' ? `env ${s.secret.name}` : s.secret.kind === 'literal' ? `written in the code at ${s.secret.name}` : 'not known';
  const lines = [`${s.file}:${s.line}  ${s.library}`, `  cookie   ${s.cookieName ?? '(not known)'}`, `  secret   ${secret}`];
  if (s.salt !== null) lines.push(`  salt     ${s.salt}`);
  if (s.expirySeconds !== null) lines.push(`  expiry   ${s.expirySeconds} s`);
  lines.push(`  max age  ${s.maxAgeMs === null ? 'browser session (or not known)' : `${s.maxAgeMs} ms`}`);
  if (s.store === null) lines.push('  store    the cookie itself');
  else {
    const where = s.store.prefix !== undefined ? `prefix ${s.store.prefix ?? '(not known)'}` : s.store.table !== undefined ? `table ${s.store.table ?? '(not known)'}` : s.store.path !== undefined ? `path ${s.store.path ?? '(not known)'}` : '';
    const parts = [s.store.kind, where, s.store.urlVariable ? `URL in ${s.store.urlVariable}` : ''].filter(Boolean);
    lines.push(`  store    ${parts.join(', ')}`);
  }
  return lines.join('\n');
}

/** The setups of DIR's code (with DIR's package.json dependencies); a DIR that cannot be listed is a usage error. */
export async function workspaceSetups(dir: string, io: CliIo, flag: string): Promise<SessionSetup[]> {
  if (dir === '' || !(await stat(dir).then((st) => st.isDirectory(), () => false))) throw new UsageError(`${flag}${dir}: not a directory`);
  let found;
  try {
    found = await readWorkspaceSources(dir);
  } catch (err) {
    throw new UsageError(`${flag}${dir}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  for (const note of found.notes) io.stderr(`session-lens: warning: ${note}\n`);
  return findSessionSetups(found.files, { dependencies: found.dependencies });
}

export const config: Subcommand = async (args: string[], io: CliIo) => {
  let parsed;
  try {
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout(HELP); return 0; }
  if (positionals.length > 1) throw new UsageError('config takes one directory');
  const dir = positionals[0] ?? '.';
  const setups = await workspaceSetups(dir, io, '');
  if (values.json) io.stdout(`${JSON.stringify({ setups: setups.map(setupJson) }, null, 2)}\n`);
  else io.stdout(setups.length === 0 ? `no session setup found in ${dir}\n` : `${setups.map(setupText).join('\n\n')}\n`);
  return 0;
};
