// Turns the app's session setups into the decoder's per-cookie hints: the format the app makes under each
// cookie name, the secrets its code names (env variables read from the workspace's .env files, whatever their
// name; literals written in the code), its salt and its expiry.
import type { CookieHint } from '../cookies/decode';
import type { FormatId } from '../cookies/types';
import { readEnvVariables } from '../envFile';
import type { EnvFileText } from '../secrets/envSecrets';
import type { SigningSecret } from '../secrets/secret';
import { setupSecretSources } from './sources';
import type { SessionSetup, SetupLibrary } from './types';

const FORMATS: Record<SetupLibrary, FormatId[]> = {
  'express-session': ['express-session'], 'cookie-session': ['cookie-session'], '@fastify/session': ['fastify-session'],
  '@fastify/secure-session': ['fastify-secure-session'], 'koa-session': ['koa-session'], 'iron-session': ['iron-session'],
  'next-auth': ['next-auth', 'authjs'], '@auth/core': ['authjs'],
};

/**
 * One hint per setup with a known cookie name (Auth.js names also with their `__Secure-` prefix). Env variables
 * are read from `envFiles` (plain `.env` first, then shallower files), labelled `NAME (file)`; literal secrets
 * keep their `secret literal (file:line)` label. Never throws.
 */
export function decoderHints(setups: readonly SessionSetup[], envFiles: readonly EnvFileText[]): CookieHint[] {
  const files = [...envFiles].sort((a, b) => rank(a) - rank(b) || a.label.split('/').length - b.label.split('/').length || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const hints: CookieHint[] = [];
  for (const setup of setups) {
    if (setup.cookieName === null) continue;
    const sources = setupSecretSources(setup);
    const wanted = new Set(sources.variables.map((v) => v.name));
    const secrets: SigningSecret[] = [];
    for (const variable of sources.variables) {
      for (const file of files) {
        const value = readEnvVariables(file.text, (name) => wanted.has(name)).get(variable.name);
        if (!value) continue;
        const prefixed = variable.encoding ? `${variable.encoding}:${value}` : value;
        if (!secrets.some((s) => s.value === prefixed)) secrets.push({ label: `${variable.name} (${file.label})`, value: prefixed });
      }
    }
    for (const literal of sources.literals) if (!secrets.some((s) => s.value === literal.value)) secrets.push(literal);
    const salts = setup.salt !== null ? [{ label: `salt (${setup.file}:${setup.line})`, value: setup.salt }] : [];
    const names = [setup.cookieName];
    if ((setup.library === 'next-auth' || setup.library === '@auth/core') && !setup.cookieName.startsWith('__')) names.push(`__Secure-${setup.cookieName}`);
    for (const name of names) {
      hints.push({
        name, formats: FORMATS[setup.library], secrets, salts,
        ...(setup.library === '@fastify/secure-session' && setup.expirySeconds !== null ? { expirySeconds: setup.expirySeconds } : {}),
      });
    }
  }
  return hints;
}

function rank(f: EnvFileText): number {
  const base = f.label.slice(f.label.lastIndexOf('/') + 1);
  return base === '.env' ? 0 : 1;
}
