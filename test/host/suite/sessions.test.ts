// The Sessions view in a real VS Code, against a real redis-server and the fixture app (express-session +
// connect-redis): live listing, edit-save round trip, delete = log out.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { startRedis, type RedisServer } from '../../harness/redis';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import type { SessionsNode, SessionsTreeProvider } from '../../../src/sessions/sessionsTreeProvider';
import { activateExtension, screenshot, waitUntil } from './helpers';

// Bundled into out/host-suite/: the fixture app is found from the repository root.
const APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');
const SOURCE_ID = 'redis:settings';

describe('sessions view (Redis)', function () {
  this.timeout(120_000);
  let redis: RedisServer;
  let app: DevServer;
  let model: SessionsModel;
  let provider: SessionsTreeProvider;
  let treeView: vscode.TreeView<SessionsNode>;

  const sessionIds = () => {
    const snap = model.snapshots().find((s) => s.source.id === SOURCE_ID);
    return snap && snap.state.kind === 'connected' ? snap.sessions.map((s) => s.id) : undefined;
  };
  const waitForSessions = (predicate: (ids: string[]) => boolean, what: string) =>
    waitUntil(() => { const ids = sessionIds(); return ids && predicate(ids) ? ids : undefined; }, provider.onDidChangeTreeData, 20_000, what);

  before(async () => {
    const api = await activateExtension();
    model = api.testHooks.get('sessions.model') as SessionsModel;
    provider = api.testHooks.get('sessions.provider') as SessionsTreeProvider;
    treeView = api.testHooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    assert.ok(model && provider && treeView, 'the sessions feature exposes its model, provider and view');
    redis = await startRedis({ args: ['--notify-keyspace-events', 'KEA'] });
    app = await startDevServer({ store: 'redis', redisUrl: redis.url, script: APP });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('sessionLens').update('redis.url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId: SOURCE_ID });
    await app?.stop();
    await redis?.stop();
  });

  it('shows the app\'s sessions after the connection is configured, and updates live after a login', async () => {
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
});
