// Activation: the extension activates on every JavaScript and TypeScript file, so this bundle only registers
// what VS Code must know about at once — a stand-in for every command, the two views, the session-lens: file
// system and the cookie hover — and starts the features (src/ui.ts, a bundle of its own) on first use: a
// command, a view shown, a file with session code, a Node debug session, a configured store or a .env file.
import { join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DeferredFileSystem, DeferredHover, DeferredTreeView } from './common/deferred';
import type { Deferred } from './common/services';
import { mayConcernSessions } from './core/lint/precheck';
import { ENV_FILE_GLOB } from './core/secrets/envFileNames';
import { SESSION_SCHEME } from './sessions/sessionFileSystem';
import type * as Ui from './ui';

export interface ExtensionApi {
  /** Used by the extension-host tests to reach live objects without going through the UI. */
  readonly testHooks: Map<string, unknown>;
}

const LINTED_LANGUAGES = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact']);
/** Debug sessions the features follow: Node programs (their sessions) and browser pages (their cookies). */
const FOLLOWED_DEBUG_TYPES = new Set(['pwa-node', 'node', 'pwa-chrome', 'pwa-msedge', 'chrome', 'msedge']);

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const activateStarted = performance.now();
  const loadStarted = (globalThis as { __sessionLensLoadStart?: number }).__sessionLensLoadStart;
  const testHooks = new Map<string, unknown>([['extension.context', context]]);
  const subs = context.subscriptions;

  let started: Ui.StartedFeatures | undefined;
  const stubs: vscode.Disposable[] = [];
  const start = (reason: string): Ui.StartedFeatures => {
    if (started) return started;
    // The features register the real commands under the same ids.
    for (const stub of stubs.splice(0)) stub.dispose();
    const ui = require('./ui') as typeof Ui; // eslint-disable-line @typescript-eslint/no-require-imports
    started = ui.startFeatures(context, testHooks, deferred, reason);
    testHooks.set('features.startedBy', reason);
    return started;
  };

  const deferred: Deferred = {
    sessionsView: new DeferredTreeView('sessionLens.sessions', () => start('the Sessions view was shown')),
    cookiesView: new DeferredTreeView('sessionLens.cookies', () => start('the Cookies view was shown')),
    sessionFileSystem: new DeferredFileSystem(() => start('a session document was opened')),
    cookieHover: new DeferredHover(() => start('a cookie was hovered')),
  };
  subs.push(deferred.sessionsView, deferred.cookiesView, deferred.sessionFileSystem,
    vscode.workspace.registerFileSystemProvider(SESSION_SCHEME, deferred.sessionFileSystem, { isCaseSensitive: true }),
    vscode.languages.registerHoverProvider([{ language: 'http' }, { language: 'log' }, { pattern: '**/*.{http,rest,log}' }], deferred.cookieHover));

  // A stand-in for every command the manifest contributes: it starts the features, then runs the real one.
  const commands = (context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? [];
  for (const { command } of commands) {
    stubs.push(vscode.commands.registerCommand(command, (...args: unknown[]) => {
      start(`${command} was run`);
      return vscode.commands.executeCommand(command, ...args);
    }));
  }
  subs.push({ dispose: () => { for (const stub of stubs.splice(0)) stub.dispose(); } });

  // Files with session code get diagnostics: the text pre-check decides, as the linter's own does.
  const concernsSessions = (document: vscode.TextDocument) => LINTED_LANGUAGES.has(document.languageId)
    && document.uri.scheme !== 'output' && document.uri.scheme !== 'git' && mayConcernSessions(document.getText());
  const untilStarted: vscode.Disposable[] = [];
  const stopWatching = () => { for (const d of untilStarted.splice(0)) d.dispose(); };
  const startFor = (reason: string) => { stopWatching(); start(reason); };
  untilStarted.push(
    vscode.workspace.onDidOpenTextDocument((d) => { if (concernsSessions(d)) startFor(`${vscode.workspace.asRelativePath(d.uri)} has session code`); }),
    vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0 && concernsSessions(e.document)) startFor(`${vscode.workspace.asRelativePath(e.document.uri)} has session code`); }),
    vscode.debug.onDidStartDebugSession((session) => {
      if (!FOLLOWED_DEBUG_TYPES.has(session.type)) return;
      stopWatching();
      start(`a ${session.type.includes('node') ? 'Node' : 'browser'} debug session started`).debugSessionStarted(session);
    }),
  );
  subs.push({ dispose: stopWatching });
  const withSessionCode = vscode.workspace.textDocuments.find(concernsSessions);
  if (withSessionCode) {
    // Not inside activate(): the features start right after it.
    setTimeout(() => { if (!started) startFor(`${vscode.workspace.asRelativePath(withSessionCode.uri)} has session code`); }, 0);
  } else {
    void startForStore(() => !started, startFor);
  }

  testHooks.set('activation.timings', { loadMs: loadStarted === undefined ? undefined : activateStarted - loadStarted, activateMs: performance.now() - activateStarted });
  // Activation loads no feature bundle: the files of dist/features/ that Node holds when it returns.
  testHooks.set('activation.featureBundles', featureBundleFiles(context.extensionPath));
  testHooks.set('featureBundles.files', () => featureBundleFiles(context.extensionPath));
  testHooks.set('features.start', () => { start('the tests asked'); });
  return { testHooks };
}

/**
 * Starts the features when the workspace names a session store to connect to: a Redis URL or connection in
 * the settings, or (in a trusted workspace) a .env file, where discovery looks for one.
 */
async function startForStore(stillWaiting: () => boolean, startFor: (reason: string) => void): Promise<void> {
  const config = vscode.workspace.getConfiguration('sessionLens');
  if (!config.get<boolean>('redis.autoConnect', true)) return;
  if (config.get<string>('redis.url') || (config.get<unknown[]>('connections') ?? []).length > 0) {
    setTimeout(() => { if (stillWaiting()) startFor('a Redis connection is configured'); }, 0);
    return;
  }
  if (!vscode.workspace.isTrusted || !vscode.workspace.workspaceFolders?.length) return;
  const envFiles = await vscode.workspace.findFiles(ENV_FILE_GLOB, '**/node_modules/**', 1).then((found) => found, () => []);
  if (envFiles.length > 0 && stillWaiting()) startFor('the workspace has a .env file');
}

/** The files of dist/features/ that Node has loaded (its module cache). */
function featureBundleFiles(extensionPath: string): string[] {
  const dir = join(extensionPath, 'dist', 'features') + sep;
  return Object.keys(require.cache).filter((file) => file.startsWith(dir)).map((file) => file.slice(dir.length)).sort();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
