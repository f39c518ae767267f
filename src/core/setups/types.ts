// What Session Lens knows about one session setup of the app, read from its code (see findSessionSetups).
// Plain data, safe to print: a secret is described by where it comes from, never by its value.

export type SetupLibrary =
  | 'express-session' | 'cookie-session' | '@fastify/session' | '@fastify/secure-session' | 'koa-session'
  | 'iron-session' | 'next-auth' | '@auth/core';

export type StoreKind =
  | 'MemoryStore' | 'memorystore' | 'connect-redis' | 'connect-pg-simple' | 'session-file-store' | 'connect-sqlite3'
  | 'better-sqlite3-session-store' | 'connect-mongo' | 'unknown' | (string & {});

/** Where the signing secret (or key, or password) comes from. `name` is an env variable or, for a literal, `file:line`. */
export interface SetupSecret {
  kind: 'env' | 'literal' | 'unknown';
  name: string | null;
}

export interface SetupStore {
  /** The store's package (`connect-redis`, …), `MemoryStore` (express-session's default), or the package of a custom store. */
  kind: StoreKind;
  /** connect-redis: the key prefix (default `sess:`). */
  prefix?: string | null;
  /** connect-pg-simple: `schema.table` or `table` (default `session`); connect-mongo: the collection (default `sessions`). */
  table?: string | null;
  /** session-file-store: the folder (default `./sessions`); connect-sqlite3 and better-sqlite3-session-store: the database file. */
  path?: string | null;
  /** The env variable holding the URL of the store's client (`REDIS_URL`, `DATABASE_URL`, …), when the code says. */
  urlVariable: string | null;
}

export interface SessionSetup {
  /** The file as given to findSessionSetups, and the 1-based line of the call that sets the session up. */
  file: string;
  line: number;
  library: SetupLibrary;
  /** The session cookie's name: the configured one, else the library's default; null when it cannot be known. */
  cookieName: string | null;
  secret: SetupSecret;
  /** @fastify/secure-session: the `salt` written in the code (null: the library's default salt, or not known). */
  salt: string | null;
  /** @fastify/secure-session: `expiry` in seconds (default 86401); null for other libraries. */
  expirySeconds: number | null;
  /** The cookie's lifetime in ms as configured, or the library's default; null: a browser-session cookie, or not known. */
  maxAgeMs: number | null;
  /** Where sessions are kept; null for libraries that keep the whole session in the cookie. */
  store: SetupStore | null;
}

export interface SetupSourceFile {
  /** A path (relative to the workspace, "/" separators, is best): setups and literal labels name it as given. */
  path: string;
  text: string;
}

export interface FindSetupsOptions {
  /** `dependencies` + `devDependencies` of the project (tells next-auth 4 from 5). */
  dependencies?: Record<string, string>;
}
