// The features' VS Code side, loaded on first use (the activation bundle, src/extension.ts, holds none of it):
// builds the shared services, hands them to each feature, and returns what the activation bundle forwards.
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { FEATURE_LOADERS } from './common/featureBundles';
import { BrowserLink } from './common/browserLink';
import { Log } from './common/log';
import type { Deferred, Services } from './common/services';
import { SecretSources } from './secrets/secretSources';
import { SessionSourceRegistry } from './sessions/sourceRegistry';
import { WorkspaceSetups } from './setups/workspaceSetups';
import { activateCookieDecoder } from './cookies/activate';
import { activateDiagnostics } from './diagnostics/activate';
import { activateInProcess } from './inprocess/activate';
import { activateSessionsView } from './sessions/activate';
import { activateSetups } from './setups/activate';
import type { DebugFollower } from './inprocess/debugFollower';

export interface StartedFeatures {
  /** A debug session that started before the features loaded (it was what loaded them). */
  debugSessionStarted(session: vscode.DebugSession): void;
}

export function startFeatures(context: vscode.ExtensionContext, testHooks: Map<string, unknown>, deferred: Deferred, reason: string): StartedFeatures {
  const started = performance.now();
  const log = new Log();
  context.subscriptions.push(log);
  const secrets = new SecretSources(context, log);
  const sessionSources = new SessionSourceRegistry();
  const setups = new WorkspaceSetups(log);
  const browsers = new BrowserLink();
  context.subscriptions.push(secrets, sessionSources, setups, browsers);
  testHooks.set('setups', setups);
  testHooks.set('featureBundles.loaders', FEATURE_LOADERS);
  const services: Services = { context, log, secrets, setups, sessionSources, browsers, testHooks, deferred };
  const features: [string, (services: Services) => void][] = [
    ['cookies', activateCookieDecoder],
    ['sessions', activateSessionsView],
    ['inprocess', activateInProcess],
    ['diagnostics', activateDiagnostics],
    ['setups', activateSetups],
  ];
  const timings: string[] = [];
  for (const [name, start] of features) {
    const featureStarted = performance.now();
    try {
      start(services);
      timings.push(`${name} ${(performance.now() - featureStarted).toFixed(1)} ms`);
    } catch (err) {
      // VS Code would be silent about it: log it and tell the user, but keep the other features.
      log.error('activate', `the ${name} feature failed to start`, err);
      void vscode.window.showErrorMessage(`Session Lens: the ${name} feature failed to start. See the log for details.`);
    }
  }
  context.subscriptions.push(vscode.commands.registerCommand('sessionLens.showLog', () => log.show()));
  log.info('activate', `Session Lens ${String(context.extension.packageJSON.version)} started (${reason}; ${(performance.now() - started).toFixed(1)} ms: ${timings.join(', ')})`);
  const follower = testHooks.get('inprocess.follower') as DebugFollower | undefined;
  return { debugSessionStarted: (session) => follower?.sessionStarted(session) };
}
