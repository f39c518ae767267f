// The decoder uses what the workspace's code says about each session setup: a cookie name the app chose and a
// secret in an env variable whose name the decoder does not know verify once the code that names them exists.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { signCookie } from '../../../src/core/cookies/sign';
import type { CookiesTreeProvider } from '../../../src/cookies/cookiesTreeProvider';
import { resultJson, type CookieResult } from '../../../src/core/cookies/results';
import type { RedisSessionSource } from '../../../src/core/redis/redisSessionSource';
import type { StoreConnections } from '../../../src/sessions/storeConnections';
import type { SessionsTreeProvider } from '../../../src/sessions/sessionsTreeProvider';
import type { WorkspaceSetups } from '../../../src/setups/workspaceSetups';
import { seedPgSessions, startPostgres, type PostgresServer } from '../../harness/postgres';
import { startRedis, type RedisServer } from '../../harness/redis';
import { activateExtension, screenshot, treeText, waitForEvent, waitUntil } from './helpers';

const SECRET = 'shop-signing-secret-only-the-code-names';
const APP = `const express = require('express');
const session = require('express-session');
const app = express();
app.use(session({ name: 'shop.sid', secret: process.env.SHOP_COOKIE_SIGNING, resave: false, saveUninitialized: false }));
module.exports = app;
`;

/** The decoded result as the Cookies view shows it, followed by its Open as JSON text. */
async function decodedText(input: string): Promise<string> {
  const result = await vscode.commands.executeCommand<CookieResult>('sessionLens.decodeCookie', input);
  assert.ok(result && typeof result.id === 'number', 'the command returns the result it showed');
  const cookies = (await activateExtension()).testHooks.get('cookies.provider') as CookiesTreeProvider;
  return `${treeText(cookies, cookies.resultNode(result.id))}\n${resultJson(result)}`;
}

describe('session setups read from the code (host)', function () {
  this.timeout(60_000);
  const folder = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'shop');
  let setups: WorkspaceSetups;

  before(async () => {
    const api = await activateExtension();
    setups = api.testHooks.get('setups') as WorkspaceSetups;
    assert.ok(setups, 'the extension exposes the workspace setups');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), '.env'), Buffer.from(`SHOP_COOKIE_SIGNING=${SECRET}\n`));
  });
  after(async () => {
    await vscode.workspace.fs.delete(folder(), { recursive: true, useTrash: false }).then(undefined, () => {});
  });

  it('verifies a cookie with the secret of the env variable the code names, under the cookie name the code sets', async () => {
    const signed = signCookie('express-session', 'shop-sid-1', SECRET);
    assert.ok(!('error' in signed));
    const cookie = signed.header.replace(/^connect\.sid=/, 'shop.sid=');

    // Without the code, SHOP_COOKIE_SIGNING is just a variable: the cookie does not verify.
    const before = await decodedText(cookie);
    assert.match(before, /NOT verified/, before);

    const changed = waitForEvent(setups.onDidChange, () => true, 20_000, 'the setups to be read again after the app file appears');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), 'server.js'), Buffer.from(APP));
    await changed;
    const after = await decodedText(cookie);
    assert.match(after, /verified with SHOP_COOKIE_SIGNING \(shop\/\.env\)/, after);
    assert.ok(!after.includes(SECRET), 'the secret value is not in the view nor its JSON');
    const shop = (await setups.setups()).filter((s) => s.file.startsWith('shop/'));
    assert.deepEqual(shop.map((s) => [s.library, s.file, s.line, s.cookieName, s.secret.kind, s.secret.name]),
      [['express-session', 'shop/server.js', 4, 'shop.sid', 'env', 'SHOP_COOKIE_SIGNING']]);
  });
});

describe('the app\'s session store from its code (host)', function () {
  this.timeout(60_000);
  const folder = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'cart');
  let setups: WorkspaceSetups;
  let connections: StoreConnections;
  let redis: RedisServer;
  const STORE = `const session = require('express-session');
const { RedisStore } = require('connect-redis');
const Redis = require('ioredis');
const client = new Redis(process.env.CART_CACHE_URL);
module.exports = session({
  name: 'cart.sid',
  secret: process.env.CART_SIGNING,
  store: new RedisStore({ client, prefix: 'cart:sess:' }),
  resave: false,
  saveUninitialized: false,
});
`;

  before(async () => {
    const api = await activateExtension();
    setups = api.testHooks.get('setups') as WorkspaceSetups;
    connections = api.testHooks.get('sessions.connections') as StoreConnections;
    redis = await startRedis();
    await redis.cli('SET', 'cart:sess:cart-sid-1', JSON.stringify({ cookie: { originalMaxAge: null }, user: { email: 'carl@example.test' } }));
    await redis.cli('SET', 'other:cart-sid-2', JSON.stringify({ cookie: {}, user: { email: 'nobody@example.test' } }));
    await writeAppFolder(setups, folder(), { '.env.local': `CART_CACHE_URL=${redis.url}\n`, 'session.js': STORE });
  });
  after(async () => {
    await removeAppFolder(connections, folder(), 'cart/');
    await redis?.stop();
  });

  it('offers the store the code names, with its prefix and the URL of the variable its client reads', async () => {
    // With nothing connected, the Sessions view says which store the app's code uses.
    const api = await activateExtension();
    const registry = api.testHooks.get('sessions.sources') as { all(): { id: string }[] };
    for (const source of registry.all()) await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: source.id });
    const provider = api.testHooks.get('sessions.provider') as SessionsTreeProvider;
    const rows = () => provider.getChildren().map((n) => provider.getTreeItem(n)).map((i) => [String(i.label), i.description ?? '', i.command?.command ?? '']);
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    // Rows from before cart/ existed may show first (lint/app.js names a store without a URL): wait for the offer.
    const shown = await waitUntil(() => (rows()[0]?.[2] === 'sessionLens.connectAppStore' ? rows() : undefined), provider.onDidChangeTreeData, 20_000,
      `the empty Sessions view to offer the app's store (rows at the start: ${JSON.stringify(rows())})`);
    assert.deepEqual(shown, [
      ['Connect to the app\'s session store', 'connect-redis · prefix cart:sess: · CART_CACHE_URL (cart/.env.local)', 'sessionLens.connectAppStore'],
      ['Connect to Session Store…', '', 'sessionLens.connectRedis'],
      ['Attach to Node Process…', '', 'sessionLens.attachNodeProcess'],
    ]);
    await screenshot('sessions-app-store-offer');

    const offered = (await connections.discover()).find((s) => s.fromCode === 'cart/session.js:5');
    assert.ok(offered, 'the connect-redis store of cart/session.js is offered');
    assert.deepEqual([offered.name, offered.url, offered.prefix], ['CART_CACHE_URL (cart/.env.local)', redis.url, 'cart:sess:']);

    const source = await vscode.commands.executeCommand<RedisSessionSource | false>('sessionLens.connectAppStore');
    assert.ok(source, 'Connect to the App\'s Session Store connects');
    const ids = await waitForList(source);
    assert.deepEqual(ids, ['cart-sid-1'], 'only the sessions under the code\'s prefix are listed');
  });

  it('says what it read from a setup in a hover on its call', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'session.js');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(4, 20));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /express-session session setup/, text);
    assert.ok(text.includes('cookie: `cart.sid`'), text);
    assert.ok(text.includes('secret: from `CART_SIGNING`'), text);
    assert.ok(text.includes('store connect-redis, prefix cart:sess:, URL in CART\\_CACHE\\_URL'), text);
    const elsewhere = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 5));
    assert.ok(!elsewhere.some((h) => h.contents.some((c) => /session setup/.test(typeof c === 'string' ? c : c.value))), 'no setup hover off the setup line');
  });
});

/** The ids the source lists once it is connected. */
async function waitForList(source: RedisSessionSource): Promise<string[]> {
  if (source.state.kind !== 'connected') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { stop(); reject(new Error(`not connected within 20 s: ${JSON.stringify(source.state)}`)); }, 20_000);
      const stop = source.onStateChange((state) => { if (state.kind === 'connected') { clearTimeout(timer); stop(); resolve(); } });
    });
  }
  return (await source.list({ limit: 100 })).sessions.map((r) => r.id).sort();
}

describe('the app\'s PostgreSQL session store from its code and .env (host)', function () {
  this.timeout(60_000);
  const folder = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'billing');
  let setups: WorkspaceSetups;
  let connections: StoreConnections;
  let pg: PostgresServer;
  const STORE = `const session = require('express-session');
const PgStore = require('connect-pg-simple')(session);
module.exports = session({
  secret: process.env.BILLING_SIGNING,
  store: new PgStore({ conString: process.env.DATABASE_URL, tableName: 'web_sessions', schemaName: 'auth' }),
  resave: false,
  saveUninitialized: false,
});
`;

  before(async () => {
    const api = await activateExtension();
    setups = api.testHooks.get('setups') as WorkspaceSetups;
    connections = api.testHooks.get('sessions.connections') as StoreConnections;
    pg = await startPostgres();
    await pg.query('CREATE SCHEMA auth');
    await seedPgSessions(pg, { count: 2, table: 'web_sessions', schema: 'auth', prefix: 'billing' });
    // The plain .env a newcomer has: the app's DATABASE_URL, password included.
    await writeAppFolder(setups, folder(), { '.env': `DATABASE_URL=${pg.url}\n`, 'session.js': STORE });
  });
  after(async () => {
    await removeAppFolder(connections, folder(), 'billing/');
    await pg?.stop();
  });

  it('offers connect-pg-simple\'s table with the DATABASE_URL of the .env, and connects to it', async () => {
    const offered = (await connections.discover()).find((s) => s.fromCode === 'billing/session.js:3');
    assert.ok(offered, 'the connect-pg-simple store of billing/session.js is offered');
    assert.deepEqual([offered.name, offered.url, offered.table, offered.schema], ['DATABASE_URL (billing/.env)', pg.url, 'web_sessions', 'auth']);
    const source = await connections.connect(offered, { interactive: false });
    assert.ok(source, 'a loopback PostgreSQL connects without a question');
    await waitUntil(() => (source.state.kind === 'connected' ? true : undefined), (listener) => ({ dispose: source.onStateChange(() => listener(undefined)) }), 20_000, 'connected');
    const ids = (await source.list({ limit: 100 })).sessions.map((r) => r.id).sort();
    assert.deepEqual(ids, ['billing-00000001-xxxxxxxxxxxxxxxxxxxx', 'billing-00000002-xxxxxxxxxxxxxxxxxxxx']);
    assert.equal(source.label.includes(pg.password), false, 'no password in the label');
  });
});

/** Writes an app folder's files (its .env and session code) and resolves once the setups were read again. */
async function writeAppFolder(setups: WorkspaceSetups, folder: vscode.Uri, files: Record<string, string>): Promise<void> {
  // The setups are watched once they have been read: read them first, so the new files are seen.
  await setups.setups();
  const changed = waitForEvent(setups.onDidChange, () => true, 20_000, 'the setups to be read again');
  for (const [name, text] of Object.entries(files)) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, name), Buffer.from(text));
  await changed;
}

/** Disconnects what the folder's code offered, and deletes the folder. */
async function removeAppFolder(connections: StoreConnections | undefined, folder: vscode.Uri, prefix: string): Promise<void> {
  for (const spec of (await connections?.discover() ?? []).filter((s) => s.fromCode?.startsWith(prefix))) {
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: connections!.sourceId(spec) });
  }
  await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => {});
}
