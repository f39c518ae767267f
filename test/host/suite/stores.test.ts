// The Sessions view in a real VS Code with the stores beyond Redis: a real PostgreSQL written by the fixture app
// through connect-pg-simple, the files session-file-store writes, and better-sqlite3-session-store's database. Connected from a named connection in the
// settings, listed live, edited through the session-lens: file system, deleted (the browser is logged out) and
// extended, like a Redis store.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startDevServer, type DevServer } from '../../harness/devServer';
import { startPostgres, type PostgresServer } from '../../harness/postgres';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import { sessionUri } from '../../../src/sessions/sessionFileSystem';
import type { SessionsNode, SessionsTreeProvider } from '../../../src/sessions/sessionsTreeProvider';
import { activateExtension, screenshot, waitUntil } from './helpers';

const APP = path.resolve(__dirname, '../../test/fixtures/dev-server/app.js');

describe('sessions view (PostgreSQL and session files)', function () {
  this.timeout(120_000);
  let model: SessionsModel;
  let provider: SessionsTreeProvider;
  let pg: PostgresServer;
  let pgApp: DevServer;
  let dir: string;
  let fileApp: DevServer;
  let sqliteApp: DevServer;

  const sessionsOf = (sourceId: string) => {
    const snap = model.snapshots().find((s) => s.source.id === sourceId);
    return snap && snap.state.kind === 'connected' ? snap.sessions : undefined;
  };
  const waitForSessions = (sourceId: string, predicate: (ids: string[]) => boolean, what: string) =>
    waitUntil(() => { const s = sessionsOf(sourceId); return s && predicate(s.map((r) => r.id)) ? s : undefined; }, provider.onDidChangeTreeData, 30_000, what);
  const config = () => vscode.workspace.getConfiguration('sessionLens');

  before(async () => {
    const api = await activateExtension();
    model = api.testHooks.get('sessions.model') as SessionsModel;
    provider = api.testHooks.get('sessions.provider') as SessionsTreeProvider;
    pg = await startPostgres();
    pgApp = await startDevServer({ store: 'pg', databaseUrl: pg.url, script: APP });
    dir = mkdtempSync(path.join(tmpdir(), 'session-lens-host-files-'));
    fileApp = await startDevServer({ store: 'file', sessionDir: dir, script: APP });
    sqliteApp = await startDevServer({ store: 'sqlite', sqliteFile: path.join(dir, 'app.db'), sqliteWal: true, script: APP });
  });

  after(async () => {
    await config().update('connections', undefined, vscode.ConfigurationTarget.Global);
    for (const sourceId of ['postgres:app db', 'files:app files', 'sqlite:app sqlite']) await vscode.commands.executeCommand('sessionLens.disconnectSource', { type: 'source', sourceId });
    await pgApp?.stop();
    await fileApp?.stop();
    await sqliteApp?.stop();
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists, edits, extends and deletes PostgreSQL sessions, live, from a named connection', async () => {
    const alice = pgApp.browser();
    await alice.get('/login?user=alice');
    const aliceId = (await alice.sessionId())!;
    // The password goes in the URL here only because the harness made it up; users keep it in SecretStorage.
    await config().update('connections', [{ name: 'app db', url: pg.url, table: 'session' }], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    const sourceId = 'postgres:app db';
    await waitForSessions(sourceId, (ids) => ids.includes(aliceId), 'alice\'s session listed');

    const root = provider.getChildren().find((n): n is Extract<SessionsNode, { type: 'source' }> => n.type === 'source' && n.sourceId === sourceId);
    assert.ok(root, 'a node for the PostgreSQL connection');
    const rootItem = provider.getTreeItem(root);
    assert.match(String(rootItem.label), /^app db: postgres:\/\/session_lens@127\.0\.0\.1:\d+\/session_lens_test \(session\)$/);
    assert.doesNotMatch(String(rootItem.label) + String(rootItem.tooltip), new RegExp(pg.password), 'no password in the view');
    assert.equal((rootItem.iconPath as vscode.ThemeIcon).id, 'database');
    assert.match(String(rootItem.contextValue), /^source postgres writable$/);

    // A login appears without a refresh (the polled signature).
    const bob = pgApp.browser();
    await bob.get('/login?user=bob');
    const bobId = (await bob.sessionId())!;
    await waitForSessions(sourceId, (ids) => ids.includes(bobId), 'bob\'s login appears live');
    await screenshot('sessions-postgres');

    // Open the session as JSON, edit, save: written back with compare-and-set.
    await vscode.commands.executeCommand('sessionLens.openSession', { sid: aliceId, sourceId });
    const uri = sessionUri(sourceId, aliceId);
    const doc = await waitUntil(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()), vscode.workspace.onDidOpenTextDocument, 10_000, 'the session document');
    const data = JSON.parse(doc.getText()) as { user: { roles: string[] } };
    data.user.roles = ['admin', 'auditor'];
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), JSON.stringify(data, null, 2));
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(await doc.save(), true, 'saved');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.deepEqual((await alice.get('/profile')).body.user.roles, ['admin', 'auditor'], 'the app reads the edited session');

    await vscode.commands.executeCommand('sessionLens.extendSessionTtl', { sid: aliceId, sourceId }, 7200);
    const extended = await waitUntil(() => sessionsOf(sourceId)?.find((s) => s.id === aliceId && (s.ttl ?? 0) > 7000), provider.onDidChangeTreeData, 20_000, 'the longer TTL shown');
    assert.ok(extended.ttl! <= 7201);

    assert.equal(await vscode.commands.executeCommand('sessionLens.deleteSession', { sid: bobId, sourceId }, { confirmed: true }), true);
    assert.equal((await bob.get('/profile')).status, 401, 'bob is logged out');
    await waitForSessions(sourceId, (ids) => !ids.includes(bobId), 'bob\'s session gone from the view');
  });

  it('lists and deletes the session files of session-file-store, live', async () => {
    const carol = fileApp.browser();
    await carol.get('/login?user=carol');
    const carolId = (await carol.sessionId())!;
    await config().update('connections', [{ name: 'app files', url: `file:${dir}` }], vscode.ConfigurationTarget.Global);
    const sourceId = 'files:app files';
    // The PostgreSQL connection the setting named before is closed now that it names only this one.
    await waitUntil(() => (model.snapshots().some((x) => x.source.id === 'postgres:app db') ? undefined : true), provider.onDidChangeTreeData, 20_000, 'the connection removed from the settings closed');
    const listed = await waitForSessions(sourceId, (ids) => ids.includes(carolId), 'carol\'s session file listed');
    assert.equal(listed.find((s) => s.id === carolId)?.user, 'carol@example.test');

    const dave = fileApp.browser();
    await dave.get('/login?user=dave');
    const daveId = (await dave.sessionId())!;
    await waitForSessions(sourceId, (ids) => ids.includes(daveId), 'dave\'s login appears live');
    assert.equal(await vscode.commands.executeCommand('sessionLens.deleteSession', { sid: daveId, sourceId }, { confirmed: true }), true);
    assert.equal((await dave.get('/profile')).status, 401, 'dave is logged out');
    await waitForSessions(sourceId, (ids) => !ids.includes(daveId), 'dave\'s session gone from the view');
  });

  it('lists an SQLite database read-only, live, and says why it cannot be written', async () => {
    const erin = sqliteApp.browser();
    await erin.get('/login?user=erin');
    const erinId = (await erin.sessionId())!;
    // Relative to the workspace folder, as a setting in a project would be written: here the absolute path.
    await config().update('connections', [{ name: 'app sqlite', url: `sqlite:${path.join(dir, 'app.db')}` }], vscode.ConfigurationTarget.Global);
    const sourceId = 'sqlite:app sqlite';
    await waitForSessions(sourceId, (ids) => ids.includes(erinId), 'erin\'s session listed');
    const root = provider.getChildren().find((n): n is Extract<SessionsNode, { type: 'source' }> => n.type === 'source' && n.sourceId === sourceId);
    assert.ok(root);
    const item = provider.getTreeItem(root);
    assert.match(String(item.description), /read-only/);
    assert.match(String(item.tooltip), /a write without SQLite's file locks could corrupt the database/);
    await screenshot('sessions-sqlite-read-only');
    const frank = sqliteApp.browser();
    await frank.get('/login?user=frank');
    const frankId = (await frank.sessionId())!;
    await waitForSessions(sourceId, (ids) => ids.includes(frankId), 'frank\'s login appears live');
    // The tree offers no write on its sessions (the menus show Delete, Extend and Edit on writable ones only) ...
    const frankNode = provider.getChildren(root).find((n) => n.type === 'session' && n.id === frankId);
    assert.ok(frankNode);
    assert.doesNotMatch(String(provider.getTreeItem(frankNode).contextValue), / writable( |$)/);
    // ... and the source refuses one all the same.
    const source = model.snapshots().find((x) => x.source.id === sourceId)!.source;
    await assert.rejects(source.destroy(frankId), /read-only/);
    assert.equal((await frank.get('/profile')).status, 200, 'frank is still logged in');
  });
});
