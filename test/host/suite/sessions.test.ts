// The Sessions view in a real VS Code, against a real redis-server and the fixture app (express-session +
// connect-redis): live listing, edit-save round trip, delete = log out, filter and counts, grouping, the
// copy actions, reveal, log out everywhere, extend TTL, the remote-host rule, and an outage of Redis.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startDevServer, type Browser, type DevServer } from '../../harness/devServer';
import { startRedis, type RedisServer } from '../../harness/redis';
import { decodeCookies } from '../../../src/core/cookies/decode';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import type { ConnectionPrompts, StoreConnections } from '../../../src/sessions/storeConnections';
import type { SessionSourceRegistry } from '../../../src/sessions/sourceRegistry';
import type { SessionsNode, SessionsTreeProvider } from '../../../src/sessions/sessionsTreeProvider';
import { activateExtension, screenshot, waitForEvent, waitUntil } from './helpers';

// Bundled into out/host-suite/: the fixture app is found from the repository root.
const APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');
const SOURCE_ID = 'redis:settings';
/** SESSION_SECRET of the fixture workspace's .env.development: the app signs with it, so copied cookies work. */
const WORKSPACE_SECRET = 'workspace dev secret value';

describe('sessions view (Redis)', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let app: DevServer;
  let model: SessionsModel;
  let provider: SessionsTreeProvider;
  let treeView: vscode.TreeView<SessionsNode>;
  let connections: StoreConnections;
  let sources: SessionSourceRegistry;

  const sessionIds = () => {
    const snap = model.snapshots().find((s) => s.source.id === SOURCE_ID);
    return snap && snap.state.kind === 'connected' ? snap.sessions.map((s) => s.id) : undefined;
  };
  const waitForSessions = (predicate: (ids: string[]) => boolean, what: string) =>
    waitUntil(() => { const ids = sessionIds(); return ids && predicate(ids) ? ids : undefined; }, provider.onDidChangeTreeData, 20_000, what);
  const waitForView = <T>(probe: () => T | undefined, what: string) => waitUntil(probe, provider.onDidChangeTreeData, 20_000, what);
  const root = () => provider.getChildren().find((n) => n.type === 'source' && n.sourceId === SOURCE_ID);
  const rootChildren = () => { const r = root(); return r ? provider.getChildren(r) : []; };
  const loginAs = async (user: string): Promise<{ browser: Browser; sid: string }> => {
    const browser = app.browser();
    assert.equal((await browser.get(`/login?user=${user}`)).status, 200);
    return { browser, sid: (await browser.sessionId())! };
  };
  const selectedSid = () => { const s = treeView.selection[0]; return s?.type === 'session' ? s.id : undefined; };
  const config = () => vscode.workspace.getConfiguration('sessionLens');
  /** What every test needs, whatever ran before it: the `redis.url` setting naming this Redis, connected and listed. */
  const ensureConnected = async () => {
    if (config().get<string>('redis.url') !== redis.url) {
      // The extension connects configured connections when the setting changes.
      await config().update('redis.url', redis.url, vscode.ConfigurationTarget.Global);
    } else if (!sources.get(SOURCE_ID)) {
      await connections.connect({ name: 'settings', url: redis.url, prefix: 'sess:', origin: 'settings' }, { interactive: false });
    }
    await waitForSessions(() => true, 'the configured Redis connected and listed');
    // Not grouped, not filtered (a failed test may have left either).
    if (config().inspect('sessions.groupByUser')?.globalValue !== undefined) await config().update('sessions.groupByUser', undefined, vscode.ConfigurationTarget.Global);
    await waitForView(() => (provider.groupByUser ? undefined : true), 'grouping off');
    if (model.filter) await vscode.commands.executeCommand('sessionLens.clearSessionsFilter');
  };

  before(async () => {
    const api = await activateExtension();
    model = api.testHooks.get('sessions.model') as SessionsModel;
    provider = api.testHooks.get('sessions.provider') as SessionsTreeProvider;
    treeView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    connections = api.testHooks.get('sessions.connections') as StoreConnections;
    sources = api.testHooks.get('sessions.sources') as SessionSourceRegistry;
    assert.ok(model && provider && treeView && connections && sources, 'the sessions feature exposes its model, provider, view and connections');
    redis = await startRedis({ args: ['--notify-keyspace-events', 'KEA'] });
    app = await startDevServer({ store: 'redis', redisUrl: redis.url, script: APP, secret: WORKSPACE_SECRET });
  });

  beforeEach(async function () {
    // The first test configures the connection itself; every other one starts connected.
    if (this.currentTest?.title.startsWith('shows the app\'s sessions after the connection is configured')) return;
    await ensureConnected();
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('sessionLens');
    await config.update('sessions.groupByUser', undefined, vscode.ConfigurationTarget.Global);
    await config.update('appUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('redis.url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: SOURCE_ID });
    await app?.stop();
    await redis?.stop();
  });

  it('shows the app\'s sessions after the connection is configured, and updates live after a login', async () => {
    // From nothing: no connection, no setting, an empty store (whatever ran before).
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: SOURCE_ID });
    await config().update('redis.url', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(sources.get(SOURCE_ID), undefined, 'not connected before the setting names the Redis');
    await redis.cli('flushall');
    const alice = app.browser();
    const bob = app.browser();
    const visitor = app.browser();
    await alice.get('/login?user=alice');
    await bob.get('/login?user=bob');
    await visitor.get('/count');
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    await vscode.workspace.getConfiguration('sessionLens').update('redis.url', redis.url, vscode.ConfigurationTarget.Global);
    await waitForSessions((ids) => ids.length === 3, 'three sessions in the view');

    const [root] = provider.getChildren().filter((n) => n.type === 'source' && n.sourceId === SOURCE_ID);
    assert.ok(root, 'a node for the Redis connection');
    const labels = provider.getChildren(root).map((n) => String(provider.getTreeItem(n).label)).sort();
    assert.deepEqual(labels, ['alice@example.test', 'anonymous', 'bob@example.test']);
    const aliceNode = provider.getChildren(root).find((n) => provider.getTreeItem(n).label === 'alice@example.test')!;
    const item = provider.getTreeItem(aliceNode);
    assert.match(String(item.description), /^[\w-]{8}… · (59m|1h 0m)/);
    assert.match(String(item.contextValue), /^session writable user json$/);
    const fields = provider.getChildren(aliceNode).map((n) => String(provider.getTreeItem(n).label));
    for (const f of ['cookie', 'user', 'time to live', 'TTL drift']) assert.ok(fields.includes(f), `field ${f} in ${fields.join(', ')}`);
    assert.match(String(treeView.description), /^3 sessions$/);

    // A login in the app shows up without a refresh.
    const carol = app.browser();
    await carol.get('/login?user=carol');
    const carolSid = (await carol.sessionId())!;
    await waitForSessions((ids) => ids.includes(carolSid), 'the new login in the view');

    await vscode.commands.executeCommand('sessionLens.revealSession', { sid: (await alice.sessionId())! });
    const aliceSession = model.find((await alice.sessionId())!)!.record;
    await treeView.reveal(provider.sessionNodeFor(SOURCE_ID, aliceSession), { expand: true, select: true });
    const cookieField = provider.getChildren(provider.sessionNodeFor(SOURCE_ID, aliceSession)).find((n) => n.type === 'field' && n.label === 'cookie');
    if (cookieField) await treeView.reveal(cookieField, { expand: true }).then(undefined, () => undefined);
    await screenshot('sessions-view');
  });

  it('saves an edited session back to Redis, and the app sees the change on its next request', async () => {
    const dave = app.browser();
    await dave.get('/login?user=dave');
    const sid = (await dave.sessionId())!;
    await waitForSessions((ids) => ids.includes(sid), 'dave in the view');
    await vscode.commands.executeCommand('sessionLens.openSession', { sid });
    const doc = await waitUntil(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'session-lens' && d.uri.path.includes(encodeURIComponent(sid))), vscode.workspace.onDidOpenTextDocument, 10_000, 'the session document');
    const data = JSON.parse(doc.getText());
    assert.equal(data.user.name, 'dave');
    data.user.name = 'dave-edited';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(data, null, 2));
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await doc.save(), true, 'saved');
    const profile = await dave.get('/profile');
    assert.equal(profile.status, 200);
    assert.equal(profile.body.user.name, 'dave-edited');

    // The app changed the session meanwhile (views: 1): a stale save is refused and the text is kept.
    const stale = new vscode.WorkspaceEdit();
    const staleText = doc.getText().replace('dave-edited', 'dave-stale');
    stale.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), staleText);
    assert.ok(await vscode.workspace.applyEdit(stale));
    assert.equal(await doc.save(), false, 'a save over a changed session is refused');
    assert.equal(doc.getText(), staleText, 'the user\'s text is kept');
    assert.equal((await dave.get('/profile')).body.user.name, 'dave-edited');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('deletes a session, which logs that browser out, and the view drops it', async () => {
    const erin = app.browser();
    await erin.get('/login?user=erin');
    const sid = (await erin.sessionId())!;
    await waitForSessions((ids) => ids.includes(sid), 'erin in the view');
    assert.equal((await erin.get('/profile')).status, 200);
    await vscode.commands.executeCommand('sessionLens.deleteSession', { sid }, { confirmed: true });
    assert.equal((await erin.get('/profile')).status, 401);
    await waitForSessions((ids) => !ids.includes(sid), 'erin gone from the view');
  });

  it('filters by sid, user or any field text, with the count in the view\'s description and badge', async () => {
    const { sid: hankSid } = await loginAs('hank');
    const { sid: adminSid } = await loginAs('alice'); // alice is the fixture's admin
    await waitForSessions((ids) => ids.includes(hankSid) && ids.includes(adminSid), 'hank and alice in the view');
    const loaded = model.counts().loaded;
    await waitForView(() => (treeView.description === `${loaded} sessions` ? true : undefined), 'the unfiltered count');
    assert.equal(treeView.badge?.value, loaded);

    const expectFilter = async (text: string, expected: string[]) => {
      await vscode.commands.executeCommand('sessionLens.filterSessions', text);
      const description = `${expected.length} of ${loaded} · filter "${text}"`;
      await waitForView(() => (treeView.description === description ? true : undefined), `the description "${description}" (now "${treeView.description}")`);
      assert.equal(treeView.badge?.value, expected.length);
      const shown = rootChildren().filter((n): n is Extract<SessionsNode, { type: 'session' }> => n.type === 'session').map((n) => n.id);
      assert.deepEqual(shown.sort(), [...expected].sort(), `sessions shown for "${text}"`);
    };
    const admins = model.snapshot(SOURCE_ID).sessions.filter((r) => JSON.stringify(r.data).includes('"admin"')).map((r) => r.id);
    assert.ok(admins.length > 0 && admins.length < loaded);
    try {
      await expectFilter(hankSid.slice(0, 10), [hankSid]);
      await expectFilter('HANK@example', [hankSid]);
      await expectFilter('"admin"', admins);
      await screenshot('sessions-filtered');
      await expectFilter('no-session-has-this', []);
      assert.equal(provider.getTreeItem(rootChildren().find((n) => n.type === 'message')!).label, 'no session matches the filter');
    } finally {
      await vscode.commands.executeCommand('sessionLens.clearSessionsFilter');
    }
    await waitForView(() => (treeView.description === `${loaded} sessions` ? true : undefined), 'the count without a filter');
    assert.equal(treeView.badge?.value, loaded);
  });

  it('groups sessions by user: a node per user with their sessions, anonymous ones apart', async () => {
    const first = await loginAs('gina');
    const second = await loginAs('gina');
    const visitor = app.browser();
    await visitor.get('/count'); // an anonymous session
    const visitorSid = (await visitor.sessionId())!;
    await waitForSessions((ids) => [first.sid, second.sid, visitorSid].every((sid) => ids.includes(sid)), 'both of gina\'s sessions and a visitor\'s');
    await vscode.commands.executeCommand('sessionLens.toggleGroupByUser');
    await waitForView(() => (provider.groupByUser ? true : undefined), 'grouping on');
    const children = rootChildren();
    const users = children.filter((n): n is Extract<SessionsNode, { type: 'user' }> => n.type === 'user').map((n) => n.user);
    assert.deepEqual(users, [...users].sort((a, b) => a.localeCompare(b)), 'users in alphabetical order');
    const gina = children.find((n) => n.type === 'user' && n.user === 'gina@example.test')!;
    assert.ok(gina, `a node for gina among ${users.join(', ')}`);
    const ginaItem = provider.getTreeItem(gina);
    assert.equal(ginaItem.description, '2 sessions');
    assert.match(String(ginaItem.contextValue), /^userGroup writable$/);
    assert.deepEqual(provider.getChildren(gina).map((n) => (n.type === 'session' ? n.id : n.type)).sort(), [first.sid, second.sid].sort());
    const anonymous = children.filter((n) => n.type === 'session');
    assert.ok(anonymous.length > 0 && anonymous.every((n) => provider.getTreeItem(n).label === 'anonymous'), 'only anonymous sessions stay at the top level');
    assert.equal(provider.getParent(provider.getChildren(gina)[0]), gina, 'a session\'s parent is its user (for reveal)');
    await treeView.reveal(gina, { expand: true });
    await screenshot('sessions-grouped');

    await vscode.commands.executeCommand('sessionLens.toggleGroupByUser');
    await waitForView(() => (provider.groupByUser ? undefined : true), 'grouping off');
    assert.equal(rootChildren().filter((n) => n.type === 'user').length, 0);
  });

  it('copies the sid, a signed cookie the app accepts, and a curl command for the app\'s URL', async () => {
    const { browser, sid } = await loginAs('ian');
    await waitForSessions((ids) => ids.includes(sid), 'ian in the view');

    await vscode.commands.executeCommand('sessionLens.copySessionId', { sid });
    assert.equal(await vscode.env.clipboard.readText(), sid);

    await vscode.commands.executeCommand('sessionLens.copySignedCookie', { sid });
    const cookie = await vscode.env.clipboard.readText();
    assert.match(cookie, /^connect\.sid=s%3A/);
    assert.equal(cookie, `connect.sid=${await browser.sessionCookie()}`, 'the same cookie the app set');
    const decoded = await decodeCookies(cookie, { secrets: [{ label: 'workspace .env', value: WORKSPACE_SECRET }] });
    assert.ok(!('error' in decoded));
    assert.equal(decoded.cookies[0].sid, sid);
    assert.equal(decoded.cookies[0].verified, true, 'signed with the workspace secret');
    const profile = await fetch(`${app.url}/profile`, { headers: { cookie } });
    assert.equal(profile.status, 200, 'the app accepts the copied cookie');
    assert.equal(((await profile.json()) as { user: { name: string } }).user.name, 'ian');

    const curlParts = (command: string) => {
      const m = /^curl -b '([^']+)' '([^']+)'$/.exec(command);
      assert.ok(m, `a curl command: ${command}`);
      return { cookie: m[1], url: m[2] };
    };
    const config = vscode.workspace.getConfiguration('sessionLens');
    // The setting names the app's URL.
    await config.update('appUrl', `${app.url}/profile`, vscode.ConfigurationTarget.Global);
    const command = await vscode.commands.executeCommand<string>('sessionLens.copyCurlCommand', { sid });
    assert.equal(await vscode.env.clipboard.readText(), command);
    const curl = curlParts(command);
    assert.deepEqual(curl, { cookie, url: `${app.url}/profile` });
    const viaCurl = await fetch(curl.url, { headers: { cookie: curl.cookie } });
    assert.equal(((await viaCurl.json()) as { user: { name: string } }).user.name, 'ian', 'the curl command reaches the app as ian');

    // Without the setting: APP_URL in .env.local wins over PORT in .env.development.
    await config.update('appUrl', undefined, vscode.ConfigurationTarget.Global);
    assert.equal(curlParts(await vscode.commands.executeCommand<string>('sessionLens.copyCurlCommand', { sid })).url, 'http://localhost:3000/', 'PORT=3000 of .env.development');
    const envLocal = vscode.Uri.file(path.join(process.env.SESSION_LENS_WORKSPACE!, '.env.local'));
    await vscode.workspace.fs.writeFile(envLocal, Buffer.from(`APP_URL=${app.url}/count\n`));
    try {
      assert.equal(curlParts(await vscode.commands.executeCommand<string>('sessionLens.copyCurlCommand', { sid })).url, `${app.url}/count`);
    } finally {
      await vscode.workspace.fs.delete(envLocal);
    }
  });

  it('reveals a session by sid and from a pasted cookie, selecting it in the tree', async () => {
    const jack = await loginAs('jack');
    const kate = await loginAs('kate');
    await waitForSessions((ids) => ids.includes(jack.sid) && ids.includes(kate.sid), 'jack and kate in the view');
    await vscode.commands.executeCommand('sessionLens.sessions.focus');

    assert.equal(await vscode.commands.executeCommand('sessionLens.revealSession', { sid: jack.sid }), true);
    await waitUntil(() => (selectedSid() === jack.sid ? true : undefined), treeView.onDidChangeSelection, 10_000, 'jack selected');

    const pasted = `Cookie: theme=dark; connect.sid=${(await kate.browser.sessionCookie())!}`;
    assert.equal(await vscode.commands.executeCommand('sessionLens.revealSessionFromCookie', pasted), true);
    await waitUntil(() => (selectedSid() === kate.sid ? true : undefined), treeView.onDidChangeSelection, 10_000, 'kate selected');
    assert.equal(treeView.selection.length, 1);

    // A cookie of a session that is not in the store: nothing is selected instead.
    assert.equal(await vscode.commands.executeCommand('sessionLens.revealSession', { sid: 'no-such-session-id-0000000000' }), false);
    assert.equal(selectedSid(), kate.sid);
  });

  it('logs a user out everywhere: every session of that user is deleted, the others stay', async () => {
    const one = await loginAs('leo');
    const two = await loginAs('leo');
    const other = await loginAs('mia');
    await waitForSessions((ids) => [one.sid, two.sid, other.sid].every((s) => ids.includes(s)), 'leo twice and mia');
    const deleted = await vscode.commands.executeCommand('sessionLens.logoutUserEverywhere', { sid: one.sid }, { confirmed: true });
    assert.equal(deleted, 2);
    assert.equal((await one.browser.get('/profile')).status, 401);
    assert.equal((await two.browser.get('/profile')).status, 401);
    assert.equal((await other.browser.get('/profile')).status, 200, 'another user keeps their session');
    await waitForSessions((ids) => !ids.includes(one.sid) && !ids.includes(two.sid) && ids.includes(other.sid), 'leo gone from the view');
    assert.equal(model.snapshot(SOURCE_ID).sessions.some((r) => r.user === 'leo@example.test'), false);
  });

  it('extends the time to live of a session', async () => {
    const { browser, sid } = await loginAs('nina');
    await waitForSessions((ids) => ids.includes(sid), 'nina in the view');
    const before = Number(await redis.cli('pttl', `sess:${sid}`));
    assert.ok(before > 0 && before <= 3600_000, `PTTL before: ${before}`);
    await vscode.commands.executeCommand('sessionLens.extendSessionTtl', { sid }, 4 * 3600);
    const after = Number(await redis.cli('pttl', `sess:${sid}`));
    assert.ok(after > 4 * 3600_000 - 60_000 && after <= 4 * 3600_000, `PTTL after: ${after}`);
    assert.ok(model.find(sid)!.record.ttl! > 3 * 3600, 'the view shows the new TTL');
    assert.match(String(provider.getTreeItem(provider.sessionNodeFor(SOURCE_ID, model.find(sid)!.record)).description), / · (3h 59m|4h 0m)$/);
    assert.equal((await browser.get('/profile')).status, 200);
  });

  it('never contacts a host that is not loopback without asking, and opens it read-only', async () => {
    // 10.255.255.x are never connected to here: every path below stops before a socket is opened.
    const asked: string[] = [];
    const skipped: string[] = [];
    const original = connections.prompts;
    let answer: 'readonly' | 'writes' | undefined;
    const stub: ConnectionPrompts = {
      confirmRemote: async (where) => { asked.push(where); return answer; },
      remoteSkipped: async (where) => { skipped.push(where); return false; },
    };
    connections.prompts = stub;
    try {
      // Connect to Redis… with a remote URL, the user cancels: nothing is opened.
      const cancelled = waitForEvent(connections.onDidPlan, (e) => e.name === 'remote-a', 10_000, 'the plan for remote-a');
      assert.equal(await vscode.commands.executeCommand('sessionLens.connectRedis', { url: 'redis://10.255.255.1:6379', name: 'remote-a' }), undefined);
      assert.deepEqual(await cancelled, { name: 'remote-a', decision: 'cancelled' });
      assert.deepEqual(asked, ['redis://10.255.255.1:6379']);
      assert.equal(sources.get('redis:remote-a'), undefined, 'no source, so no connection');

      // An automatic connection (start-up, settings) to a remote host is skipped without asking.
      const spec = { name: 'remote-b', url: 'redis://10.255.255.2:6379', prefix: 'sess:', origin: 'connections' as const };
      assert.equal(await connections.connect(spec, { interactive: false }), undefined);
      assert.deepEqual(skipped, ['redis://10.255.255.2:6379']);
      assert.equal(asked.length, 1, 'not asked');
      assert.equal(sources.get('redis:remote-b'), undefined);

      // The user agrees read-only: asked once, then remembered; the plan is read-only (plan opens nothing).
      answer = 'readonly';
      assert.deepEqual(await connections.plan(spec, { interactive: true }).then((p) => p?.writable), false);
      assert.equal(asked.length, 2);
      assert.deepEqual(await connections.plan(spec, { interactive: false }).then((p) => p?.writable), false);
      assert.equal(asked.length, 2, 'asked once per host');
      // Allowing writes is a separate, explicit answer.
      answer = 'writes';
      assert.equal((await connections.plan({ ...spec, name: 'remote-c', url: 'redis://10.255.255.3:6379' }, { interactive: true }))?.writable, true);
      assert.equal(sources.all().filter((s) => s.id.startsWith('redis:remote')).length, 0);
    } finally {
      connections.prompts = original;
    }
  });

  it('shows "disconnected — retrying" when Redis dies, and recovers by itself when it returns on the same port', async () => {
    const { sid: beforeSid } = await loginAs('pat');
    await waitForSessions((ids) => ids.includes(beforeSid), 'a session listed before the outage');
    await waitForView(() => (connections.status().text === '$(database) settings' ? true : undefined), 'the status bar connected');
    assert.equal(connections.status().warning, false);
    const before = sessionIds()!;
    assert.ok(before.length > 0);

    await redis.kill();
    const node = await waitForView(() => rootChildren().find((n) => n.type === 'message' && n.kind === 'disconnected'), 'the disconnected node');
    assert.match(String(provider.getTreeItem(node).label), /^disconnected — retrying: /);
    assert.match(String(provider.getTreeItem(root()!).description), /^disconnected — retrying/);
    assert.equal(connections.status().text, '$(debug-disconnect) settings: disconnected — retrying');
    assert.equal(connections.status().warning, true);
    await screenshot('sessions-disconnected');

    // Restarted empty (no persistence): the view must list again, not keep what it had.
    await redis.restart();
    await waitForSessions((ids) => ids.length === 0, 'the empty store after the restart');
    assert.equal(rootChildren().some((n) => n.type === 'message' && n.kind === 'disconnected'), false);
    assert.equal(connections.status().text, '$(database) settings');
    assert.equal(connections.status().warning, false);
    // Live updates resumed: a login after the restart shows up without a refresh.
    const { sid } = await loginAs('olga');
    await waitForSessions((ids) => ids.length === 1 && ids[0] === sid, 'the login after the restart');
  });
});

