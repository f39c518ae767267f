// In-process sessions in a real VS Code: the fixture dev server launched under the built-in JavaScript
// debugger (js-debug), stopped at a breakpoint in /login; and attaching by inspector address.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { InspectorSessionSource } from '../../../src/core/inspector/inspectorSource';
import type { InProcessController } from '../../../src/inprocess/controller';
import type { DebugFollower } from '../../../src/inprocess/debugFollower';
import type { SessionsModel } from '../../../src/core/sessions/sessionsModel';
import type { SessionsNode, SessionsTreeProvider } from '../../../src/sessions/sessionsTreeProvider';
import type { SessionSourceRegistry } from '../../../src/sessions/sourceRegistry';
import { activateExtension, screenshot, waitForEvent, waitUntil } from './helpers';

const repoRoot = path.resolve(__dirname, '../..');
const appJs = path.join(repoRoot, 'test/fixtures/dev-server/app.js');

/**
 * The port the fixture app listens on (it binds port 0) when its stdout goes to the debug console: it writes
 * the port to PORT_FILE once it serves. No event announces the file, so this is a bounded poll.
 */
async function portFromFile(file: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
    if (/^\d+$/.test(text)) return Number(text);
    if (Date.now() > deadline) throw new Error(`the app did not write its port to ${file} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function get(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => { try { resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }); } catch { resolve({ status: res.statusCode ?? 0, body: text }); } });
    }).on('error', reject);
  });
}

describe('in-process sessions (host)', function () {
  this.timeout(120_000);
  let hooks: Map<string, unknown>;
  let registry: SessionSourceRegistry;
  let follower: DebugFollower;
  let controller: InProcessController;
  let provider: SessionsTreeProvider;
  let model: SessionsModel;

  before(async () => {
    hooks = (await activateExtension()).testHooks;
    registry = hooks.get('inprocess.sessionSources') as SessionSourceRegistry;
    follower = hooks.get('inprocess.follower') as DebugFollower;
    controller = hooks.get('inprocess.controller') as InProcessController;
    provider = hooks.get('sessions.provider') as SessionsTreeProvider;
    model = hooks.get('sessions.model') as SessionsModel;
    assert.ok(registry && follower && controller && provider && model, 'the in-process feature and the Sessions view expose their objects');
  });

  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
  });

  it('follows a program launched under js-debug and marks the session of the request paused in /login', async () => {
    assert.equal(follower.isFollowing, true, 'following is on by default in a trusted workspace');
    const portFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'session-lens-port-')), 'port');
    cleanups.push(() => fs.rmSync(path.dirname(portFile), { recursive: true, force: true }));
    const lines = fs.readFileSync(appJs, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('req.session.user = user;'));
    assert.ok(line > 0);
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(appJs), new vscode.Position(line, 0)))]);
    const folder = vscode.workspace.workspaceFolders?.[0];
    const started = await vscode.debug.startDebugging(folder, {
      type: 'node',
      request: 'launch',
      name: 'Session Lens fixture',
      program: appJs,
      cwd: repoRoot,
      env: { PORT: '0', PORT_FILE: portFile, SESSION_STORE: 'memory' },
      console: 'internalConsole',
      skipFiles: ['<node_internals>/**'],
    });
    assert.equal(started, true, 'the debug session starts');

    // The follower connects through js-debug's CDP proxy and finds the store once the app serves.
    const source = await waitUntil(() => {
      const s = registry.all().find((x) => x.id.startsWith('inspector:debug:')) as InspectorSessionSource | undefined;
      return s && s.state.kind === 'connected' && s.stores.length > 0 ? s : undefined;
    }, anyOf(registry.onDidChange, follower.onDidChange), 60_000, 'the debug session\'s store in the Sessions view').catch((err: Error) => {
      throw new Error(`${err.message}; follower: ${follower.recent.join(' | ')}; sources: ${JSON.stringify(registry.all().map((s) => [s.id, s.state, (s as InspectorSessionSource).stores?.length]))}`);
    });
    assert.equal(source.kind, 'inspector');
    assert.match(source.label, /Session Lens fixture/);

    const port = await portFromFile(portFile);
    const login = get(`http://127.0.0.1:${port}/login?user=alice`);
    const marked = await waitUntil(() => source.marks.paused && source.marks.markedSessionId ? source.marks.markedSessionId : undefined,
      follower.onDidChange, 30_000, 'the paused request\'s session to be marked');
    assert.equal(source.marks.markedBaseline, undefined, 'a session being created has no stored value yet');
    await screenshot('inprocess-paused-in-login');

    // The Sessions view marks the paused request's session, though the store does not hold it yet.
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    const sessionNode = (id: string) => {
      const root = provider.getChildren().find((n) => n.type === 'source' && n.sourceId === source.id);
      return root ? provider.getChildren(root).find((n): n is Extract<SessionsNode, { type: 'session' }> => n.type === 'session' && n.id === id) : undefined;
    };
    const pausedNode = await waitUntil(() => {
      const node = sessionNode(marked);
      return node && /^paused in this request/.test(String(provider.getTreeItem(node).description)) ? node : undefined;
    }, provider.onDidChangeTreeData, 15_000, 'the paused request\'s session marked in the Sessions view');
    const pausedItem = provider.getTreeItem(pausedNode);
    assert.equal((pausedItem.iconPath as vscode.ThemeIcon).id, 'debug-stackframe');
    assert.equal(pausedItem.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);

    // Step over `req.session.user = user;`: the diff node lists the field the handler set.
    const changedFields = () => {
      const node = sessionNode(marked);
      const changes = node && provider.getChildren(node).find((n) => n.type === 'changes');
      return changes ? provider.getChildren(changes).map((n) => [String(provider.getTreeItem(n).label), String(provider.getTreeItem(n).description)]) : undefined;
    };
    assert.ok(!changedFields()?.some(([label]) => label === 'user'), 'user is not set before the breakpoint line runs');
    await vscode.commands.executeCommand('workbench.action.debug.stepOver');
    const fields = await waitUntil(() => {
      const f = changedFields();
      return f?.some(([label]) => label === 'user') ? f : undefined;
    }, provider.onDidChangeTreeData, 20_000, 'the "Changed since the request started" node to list user');
    const user = fields.find(([label]) => label === 'user')!;
    assert.match(user[1], /^added: \{…4\}$/, 'user was added (id, name, email, roles)');
    const changesNode = provider.getChildren(sessionNode(marked)!).find((n) => n.type === 'changes')!;
    assert.equal(provider.getTreeItem(changesNode).label, 'Changed since the request started');
    assert.deepEqual(provider.getParent(changesNode), sessionNode(marked), 'the diff node\'s parent is the session (for reveal)');
    assert.equal(model.find(marked, source.id), undefined, 'the session is not stored before the request ends');
    await vscode.commands.executeCommand('sessionLens.sessions.focus'); // pausing again revealed Run and Debug
    // Reveal resolves once the workbench has rendered the path down to the diff entry.
    const treeView = hooks.get('sessions.treeView') as vscode.TreeView<SessionsNode>;
    const userChange = provider.getChildren(changesNode).find((n) => n.type === 'change' && n.change.path.join('.') === 'user')!;
    await treeView.reveal(userChange, { select: true, focus: false, expand: true });
    await screenshot('inprocess-marked-session');
    // The listing still answers while the process is paused.
    const before = await source.list({ limit: 10 });
    assert.equal(before.sessions.length, 0);

    await vscode.commands.executeCommand('workbench.action.debug.continue');
    const response = await login;
    assert.equal(response.status, 200);
    assert.equal(response.body.sid, marked, 'the marked session is the one the request created');
    await waitUntil(() => (source.marks.highlight.created.includes(marked) ? true : undefined), follower.onDidChange, 15_000, 'the new session highlighted as created');
    const createdNode = await waitUntil(() => {
      const root = provider.getChildren().find((n) => n.type === 'source' && n.sourceId === source.id);
      const node = root && provider.getChildren(root).find((n) => n.type === 'session' && n.id === marked);
      return node && /^created by the last request · /.test(String(provider.getTreeItem(node).description)) ? node : undefined;
    }, provider.onDidChangeTreeData, 15_000, 'the new session highlighted as created in the Sessions view');
    assert.equal(provider.getTreeItem(createdNode).label, 'alice@example.test');
    assert.equal(provider.getChildren(createdNode).some((n) => n.type === 'changes'), false, 'no diff node once the request has ended');
    const page = await source.list({ limit: 10 });
    assert.deepEqual(page.sessions.map((s) => [s.id, s.user]), [[marked, 'alice@example.test']]);
    await vscode.commands.executeCommand('sessionLens.sessions.focus');
    await screenshot('inprocess-after-login');

    await vscode.debug.stopDebugging();
    await waitUntil(() => (registry.get(source.id) ? undefined : true), registry.onDidChange, 20_000, 'the source to go when debugging ends');
  });

  it('attaches by inspector address through the command, and detaches', async () => {
    const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', appJs], {
      cwd: repoRoot, env: { ...process.env, PORT: '0', SESSION_STORE: 'memorystore', ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const inspector = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no inspector: ${out}`)), 15_000);
        child.stderr!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Debugger listening on ws:\/\/([^/\s]+)\//.exec(out);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
      });
      const port = await new Promise<number>((resolve) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /\{"event":"listening","port":(\d+)\}/.exec(out);
          if (m) resolve(Number(m[1]));
        });
      });
      const login = await get(`http://127.0.0.1:${port}/login?user=bob`);
      const changed = waitForEvent(registry.onDidChange, () => true, 20_000, 'the registry to change');
      await vscode.commands.executeCommand('sessionLens.attachNodeProcess', { address: inspector });
      await changed;
      const source = registry.get(`inspector:${inspector}`) as InspectorSessionSource | undefined;
      assert.ok(source, `inspector:${inspector} is in the Sessions view's registry`);
      const page = await source.list({ limit: 10 });
      assert.deepEqual(page.sessions.map((s) => [s.id, s.user, s.store]), [[login.body.sid, 'bob@example.test', 'memorystore#1']]);
      await vscode.commands.executeCommand('sessionLens.detachNodeProcess', source.id);
      assert.equal(registry.get(source.id), undefined);
      // Detaching closes the connection (asynchronously: the wrappers are removed from the process first).
      const stateChanged: vscode.Event<unknown> = (listener) => ({ dispose: source.onStateChange(() => listener(undefined)) });
      await waitUntil(() => (source.state.kind === 'closed' ? true : undefined), stateChanged, 10_000, `the source closed (now ${source.state.kind})`);
      assert.equal(source.client, undefined, 'no inspector connection is left open');
      // The process keeps serving, without Session Lens: the session is still there and nothing is attached.
      assert.equal((await get(`http://127.0.0.1:${port}/count`)).status, 200, 'the app still serves');
    } finally {
      child.kill();
    }
  });
});

function anyOf(...events: vscode.Event<unknown>[]): vscode.Event<unknown> {
  return (listener, thisArgs, disposables) => {
    const subs = events.map((e) => e(listener, thisArgs));
    const d = { dispose: () => { for (const s of subs) s.dispose(); } };
    disposables?.push(d);
    return d;
  };
}
