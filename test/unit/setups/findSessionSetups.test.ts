import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { findSessionSetups, setupSecretSources, type SessionSetup, type SetupSourceFile } from '../../../src/core/setups';
import { readWorkspaceSources } from '../../../src/core/setups/workspaceFiles';

const FIXTURES = join(__dirname, '../../fixtures/setups');

async function fixture(name: string): Promise<SessionSetup[]> {
  const { files, dependencies } = await readWorkspaceSources(join(FIXTURES, name));
  return findSessionSetups(files, { dependencies });
}

function app(files: Record<string, string>, options = {}): SessionSetup[] {
  return findSessionSetups(Object.entries(files).map(([path, text]): SetupSourceFile => ({ path, text })), options);
}

const none = { salt: null, expirySeconds: null };

describe('session setups read from the code', () => {
  it('CommonJS: options from a config module, a connect-redis store whose ioredis client is made in another file', async () => {
    assert.deepEqual(await fixture('express-cjs'), [{
      file: 'src/app.js', line: 10, library: 'express-session', cookieName: 'shop.sid',
      secret: { kind: 'env', name: 'MY_APP_COOKIE_SIGNING' }, ...none, maxAgeMs: 8 * 3600 * 1000,
      store: { kind: 'connect-redis', prefix: 'shop:sess:', urlVariable: 'CACHE_REDIS_URL' },
    }]);
  });

  it('TypeScript ESM: options returned by a helper, secret from a validated env module, connect-pg-simple with schema and table', async () => {
    assert.deepEqual(await fixture('express-ts'), [{
      file: 'src/server.ts', line: 12, library: 'express-session', cookieName: 'sid',
      secret: { kind: 'env', name: 'SESSION_SECRET' }, ...none, maxAgeMs: 7 * 24 * 3600 * 1000,
      store: { kind: 'connect-pg-simple', table: 'auth.user_sessions', urlVariable: 'DATABASE_URL' },
    }]);
  });

  it('@fastify/secure-session: salt, expiry and cookie maxAge (seconds) of the app', async () => {
    assert.deepEqual(await fixture('fastify-secure'), [{
      file: 'server.mjs', line: 8, library: '@fastify/secure-session', cookieName: 'app-session',
      secret: { kind: 'env', name: 'COOKIE_ENCRYPTION_SECRET' }, salt: 'mq9hDxBVDbspDR6n', expirySeconds: 7 * 24 * 3600,
      maxAgeMs: 7 * 24 * 3600 * 1000, store: null,
    }]);
  });

  it('several setups in one workspace, each with its library defaults; build output is not read', async () => {
    const setups = await fixture('monorepo');
    assert.deepEqual(setups.map((s) => [s.file, s.line, s.library, s.cookieName, s.secret.kind, s.secret.name, s.maxAgeMs, s.store]), [
      ['admin/app.ts', 7, 'cookie-session', 'admin', 'env', 'ADMIN_KEY_CURRENT', 2 * 3600 * 1000, null],
      ['api/server.js', 7, 'express-session', 'connect.sid', 'literal', 'api/server.js:8', null, { kind: 'MemoryStore', urlVariable: null }],
      ['auth/auth.ts', 5, 'next-auth', 'authjs.session-token', 'env', 'AUTH_SECRET', 24 * 3600 * 1000, null],
      ['files/server.js', 8, 'express-session', 'connect.sid', 'env', 'SESSION_SECRET', null, { kind: 'session-file-store', path: './var/sessions', urlVariable: null }],
      ['legacy/index.js', 13, 'koa-session', 'legacy:sess', 'env', 'KOA_KEY', 2 * 86400000, null],
      // iron-session: called in every route with the options of lib/session.ts (an `@/` import), listed once
      ['web/app/api/login/route.ts', 7, 'iron-session', 'web_session', 'env', 'SECRET_COOKIE_PASSWORD', (86400 - 60) * 1000, null],
    ]);
  });

  it('a literal secret is named by file and line, never by value, in every printed form', () => {
    const [setup] = app({ 'server.js': "const session = require('express-session');\napp.use(session({\n  secret: 'hunter2-but-longer',\n}));\n" });
    assert.deepEqual(setup.secret, { kind: 'literal', name: 'server.js:3' });
    assert.ok(!JSON.stringify(setup).includes('hunter2'));
    assert.ok(!JSON.stringify({ ...setup }).includes('hunter2'));
    assert.ok(!inspect(setup, { depth: 9, showHidden: true }).includes('hunter2'));
    // The decoder's accessor has the value, labelled by where it is written.
    assert.deepEqual(setupSecretSources(setup).literals, [{ label: 'secret literal (server.js:3)', value: 'hunter2-but-longer' }]);
  });

  it('an env secret with a literal fallback: the variable is the secret, both are tried by the decoder', async () => {
    const setups = await fixture('monorepo');
    const koa = setups.find((s) => s.library === 'koa-session')!;
    assert.deepEqual(setupSecretSources(koa), { variables: [{ name: 'KOA_KEY' }], literals: [{ label: 'secret literal (legacy/index.js:5)', value: 'insecure-dev-key' }] });
    const cookie = setups.find((s) => s.library === 'cookie-session')!;
    assert.deepEqual(setupSecretSources(cookie).variables.map((v) => v.name), ['ADMIN_KEY_CURRENT', 'ADMIN_KEY_PREVIOUS']);
  });

  it('the store made in another file (ESM) and connect-redis 6 factories with node-redis createClient', () => {
    const setups = app({
      'src/store.ts': [
        "import session from 'express-session';",
        "import connectRedis from 'connect-redis';",
        "import { createClient } from 'redis';",
        'const RedisStore = connectRedis(session);',
        'const client = createClient({ url: process.env.REDIS_URL, legacyMode: true });',
        'void client.connect();',
        "export const store = new RedisStore({ client, prefix: process.env.NODE_ENV === 'test' ? 'test:' : 'myapp:' });",
      ].join('\n'),
      'src/index.ts': "import session from 'express-session';\nimport { store } from './store';\napp.use(session({ store, secret: process.env.SESSION_SECRET! }));\n",
    });
    assert.deepEqual(setups[0].store, { kind: 'connect-redis', prefix: null, urlVariable: 'REDIS_URL' });
  });

  it('memorystore, connect-mongo, connect-sqlite3 and better-sqlite3-session-store', () => {
    const setups = app({
      'a.js': "const session = require('express-session');\nconst MemoryStore = require('memorystore')(session);\napp.use(session({ secret: process.env.S, store: new MemoryStore({ checkPeriod: 86400000 }) }));\n",
      'b.js': "const session = require('express-session');\nconst MongoStore = require('connect-mongo');\napp.use(session({ secret: process.env.S, store: MongoStore.create({ mongoUrl: process.env.MONGODB_URI, collectionName: 'web_sessions' }) }));\n",
      'c.js': "const session = require('express-session');\nconst SQLiteStore = require('connect-sqlite3')(session);\napp.use(session({ secret: process.env.S, store: new SQLiteStore({ db: 'sessions.db', dir: './var/db' }) }));\n",
      'd.js': "const session = require('express-session');\nconst Database = require('better-sqlite3');\nconst SqliteStore = require('better-sqlite3-session-store')(session);\nconst db = new Database('data/sessions.db');\napp.use(session({ secret: process.env.S, store: new SqliteStore({ client: db }) }));\n",
      'e.js': "const session = require('express-session');\napp.use(session({ secret: process.env.S, store: new session.MemoryStore() }));\n",
    });
    assert.deepEqual(setups.map((s) => s.store), [
      { kind: 'memorystore', urlVariable: null },
      { kind: 'connect-mongo', table: 'web_sessions', urlVariable: 'MONGODB_URI' },
      { kind: 'connect-sqlite3', path: 'var/db/sessions.db', urlVariable: null },
      { kind: 'better-sqlite3-session-store', path: 'data/sessions.db', urlVariable: null },
      { kind: 'MemoryStore', urlVariable: null },
    ]);
  });

  it('@fastify/session with a Postgres pool from another file; a hex key from the environment for secure-session', () => {
    const setups = app({
      'db.js': "const { Pool } = require('pg');\nmodule.exports.pool = new Pool({ connectionString: process.env.PG_URL });\n",
      'app.js': [
        "const fastifySession = require('@fastify/session');",
        "const secureSession = require('@fastify/secure-session');",
        "const PgStore = require('connect-pg-simple')(fastifySession);",
        "const { pool } = require('./db');",
        "fastify.register(fastifySession, { secret: process.env.FASTIFY_SECRET, cookieName: 'fid', store: new PgStore({ pool }) });",
        "fastify.register(secureSession, { key: Buffer.from(process.env.COOKIE_KEY, 'hex') });",
      ].join('\n'),
    });
    assert.deepEqual(setups.map((s) => [s.library, s.cookieName, s.secret.name, s.expirySeconds, s.store]), [
      ['@fastify/session', 'fid', 'FASTIFY_SECRET', null, { kind: 'connect-pg-simple', table: 'session', urlVariable: 'PG_URL' }],
      ['@fastify/secure-session', 'session', 'COOKIE_KEY', 86401, null],
    ]);
    assert.deepEqual(setupSecretSources(setups[1]).variables, [{ name: 'COOKIE_KEY', encoding: 'hex' }]);
  });

  it('next-auth 4: options exported from another file, a custom cookie name, the NEXTAUTH_SECRET default', () => {
    const setups = app({
      'lib/auth.ts': "import type { NextAuthOptions } from 'next-auth';\nexport const authOptions: NextAuthOptions = {\n  providers: [],\n  cookies: { sessionToken: { name: 'shop.session-token', options: { httpOnly: true } } },\n};\n",
      'pages/api/auth/[...nextauth].ts': "import NextAuth from 'next-auth';\nimport { authOptions } from '../../../lib/auth';\nexport default NextAuth(authOptions);\n",
      'app/api/x/route.ts': "import NextAuth from 'next-auth';\nconst handler = NextAuth({ providers: [], secret: process.env.MY_AUTH_KEY });\nexport { handler as GET };\n",
    }, { dependencies: { 'next-auth': '^4.24.7' } });
    assert.deepEqual(setups.map((s) => [s.file, s.cookieName, s.secret, s.maxAgeMs]), [
      ['app/api/x/route.ts', 'next-auth.session-token', { kind: 'env', name: 'MY_AUTH_KEY' }, 30 * 86400 * 1000],
      ['pages/api/auth/[...nextauth].ts', 'shop.session-token', { kind: 'env', name: 'NEXTAUTH_SECRET' }, 30 * 86400 * 1000],
    ]);
  });

  it('env aliases: `const env = process.env`, a config function, a secret not known stays unknown', () => {
    const setups = app({
      'a.js': "const session = require('cookie-session');\nconst env = process.env;\nmodule.exports = session({ secret: env.COOKIE_SIGNING_KEY });\n",
      'b.js': "import session from 'express-session';\nimport { loadSecret } from 'vault-client';\napp.use(session({ secret: loadSecret('session') }));\n",
    });
    assert.deepEqual(setups.map((s) => s.secret), [{ kind: 'env', name: 'COOKIE_SIGNING_KEY' }, { kind: 'unknown', name: null }]);
  });

  it('files that do not parse or mention no session are skipped without throwing', () => {
    assert.deepEqual(app({ 'broken.js': "const session = require('express-session'); app.use(session({ secret: ", 'other.js': 'export const x = 1;', 'README.md': '# session' }), []);
  });
});
