// Composition root: builds the shared services, hands them to each feature, and returns.
import { join, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { FEATURE_LOADERS, loadedFeatureBundles } from './common/featureBundles';
import { Log } from './common/log';
import { Services } from './common/services';
import { SecretSources } from './secrets/secretSources';
import { SessionSourceRegistry } from './sessions/sourceRegistry';
import { WorkspaceSetups } from './setups/workspaceSetups';
import { activateCookieDecoder } from './cookies/activate';
import { activateDiagnostics } from './diagnostics/activate';
import { activateInProcess } from './inprocess/activate';
import { activateSessionsView } from './sessions/activate';
import { activateSetups } from './setups/activate';

export interface ExtensionApi {
  /** Used by the extension-host tests to reach live objects without going through the UI. */
  readonly testHooks: Map<string, unknown>;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const activateStarted = performance.now();
  const loadStarted = (globalThis as { __sessionLensLoadStart?: number }).__sessionLensLoadStart;
  const log = new Log();
  context.subscriptions.push(log);
  const testHooks = new Map<string, unknown>([['extension.context', context]]);
  const secrets = new SecretSources(context, log);
  const sessionSources = new SessionSourceRegistry();
  const setups = new WorkspaceSetups(log);
  context.subscriptions.push(secrets, sessionSources, setups);
  testHooks.set('setups', setups);
  const services: Services = { context, log, secrets, setups, sessionSources, testHooks };
  const features: [string, (services: Services) => void][] = [
    ['cookies', activateCookieDecoder],
    ['sessions', activateSessionsView],
    ['inprocess', activateInProcess],
    ['diagnostics', activateDiagnostics],
    ['setups', activateSetups],
  ];
  const timings: string[] = [];
  for (const [name, start] of features) {
    const started = performance.now();
    try {
      start(services);
      timings.push(`${name} ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      // VS Code is silent about a failed activation: log it and tell the user, but keep the other features.
      log.error('activate', `the ${name} feature failed to start`, err);
      void vscode.window.showErrorMessage(`Session Lens: the ${name} feature failed to start. See the log for details.`);
    }
  }
  context.subscriptions.push(vscode.commands.registerCommand('sessionLens.showLog', () => log.show()));
  const loaded = loadStarted === undefined ? '' : `code loaded in ${(activateStarted - loadStarted).toFixed(1)} ms, `;
  log.info('activate', `Session Lens ${String(context.extension.packageJSON.version)} active (${loaded}${timings.join(', ')})`);
  testHooks.set('activation.timings', { loadMs: loadStarted === undefined ? undefined : activateStarted - loadStarted, activateMs: performance.now() - activateStarted });
  // Activation loads no feature bundle (dist/features/): what the loaders loaded, and every such file Node holds.
  testHooks.set('activation.featureBundles', { viaLoaders: [...loadedFeatureBundles().keys()], files: featureBundleFiles(context.extensionPath) });
  testHooks.set('featureBundles.loaders', FEATURE_LOADERS);
  testHooks.set('featureBundles.files', () => featureBundleFiles(context.extensionPath));
  return { testHooks };
}

/** The files of dist/features/ that Node has loaded (its module cache). */
function featureBundleFiles(extensionPath: string): string[] {
  const dir = join(extensionPath, 'dist', 'features') + sep;
  return Object.keys(require.cache).filter((file) => file.startsWith(dir)).map((file) => file.slice(dir.length)).sort();
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
