// Each feature's heavy code is a bundle of its own (dist/features/*.js, see esbuild.config.mjs), required the
// first time the feature is used, so activating the extension loads none of it. Call sites reach that code
// only through these loaders; importing a value from one of these modules anywhere else loads its bundle at
// activation (the activation test fails then).
import { performance } from 'node:perf_hooks';
import type * as BrowserClient from '../core/browser';
import type * as CookieDecoder from '../core/cookies/decode';
import type * as FileSource from '../core/files/fileSessionSource';
import type * as InspectorSource from '../core/inspector/inspectorSource';
import type * as LintEngine from '../core/lint';
import type * as PostgresSource from '../core/postgres/pgSessionSource';
import type * as RedisSource from '../core/redis/redisSessionSource';
import type * as SqliteSource from '../core/sqlite/sqliteSessionSource';
import type * as SetupReader from '../core/setups';

/** The feature bundles loaded so far, and how long each took to load. */
const loaded = new Map<string, number>();

function onFirstUse<T>(bundle: string, load: () => T): () => T {
  let value: T | undefined;
  return () => {
    if (value === undefined) {
      const started = performance.now();
      value = load();
      if (!loaded.has(bundle)) loaded.set(bundle, performance.now() - started);
    }
    return value;
  };
}

// The literal require() calls are what the build turns into the bundles' files.
/* eslint-disable @typescript-eslint/no-require-imports */
/** The session-config analyzer and @babel/parser (bundle "analysis"). */
export const lintEngine = onFirstUse('analysis', () => require('../core/lint') as typeof LintEngine);
/** The session setups read from code (bundle "analysis", with the analyzer). */
export const setupReader = onFirstUse('analysis', () => require('../core/setups') as typeof SetupReader);
/** The cookie formats and their crypto (bundle "cookies"). */
export const cookieDecoder = onFirstUse('cookies', () => require('../core/cookies/decode') as typeof CookieDecoder);
/** The Redis session source and ioredis (bundle "redis"). */
export const redisSource = onFirstUse('redis', () => require('../core/redis/redisSessionSource') as typeof RedisSource);
/** The PostgreSQL session source and pg (bundle "postgres"). */
export const postgresSource = onFirstUse('postgres', () => require('../core/postgres/pgSessionSource') as typeof PostgresSource);
/** The SQLite session source and sql.js, its WebAssembly SQLite inlined (bundle "sqlite"). */
export const sqliteSource = onFirstUse('sqlite', () => require('../core/sqlite/sqliteSessionSource') as typeof SqliteSource);
/** The session-file-store source (bundle "files"). */
export const fileSource = onFirstUse('files', () => require('../core/files/fileSessionSource') as typeof FileSource);
/** The Node inspector client (bundle "inspector"). */
export const inspectorSource = onFirstUse('inspector', () => require('../core/inspector/inspectorSource') as typeof InspectorSource);
/** The browser cookie client (bundle "inspector", with the CDP client it shares). */
export const browserClient = onFirstUse('inspector', () => require('../core/browser') as typeof BrowserClient);
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every loader by bundle name (the extension-host tests load each one, as a first use would). */
export const FEATURE_LOADERS: Record<string, () => unknown> = {
  analysis: () => [lintEngine(), setupReader()],
  cookies: cookieDecoder,
  redis: redisSource,
  postgres: postgresSource,
  sqlite: sqliteSource,
  files: fileSource,
  inspector: () => [inspectorSource(), browserClient()],
};

/** The feature bundles loaded so far, with the milliseconds each took to load. */
export function loadedFeatureBundles(): ReadonlyMap<string, number> {
  return loaded;
}
