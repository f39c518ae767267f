// Composition root: builds the shared services, hands them to each feature, and returns.
import * as vscode from 'vscode';
import { Log } from './common/log';
import { activateCookieDecoder } from './cookies/activate';
import { activateDiagnostics } from './diagnostics/activate';
import { activateSessionsView } from './sessions/activate';

export interface ExtensionApi {
  /** Used by the extension-host tests to reach live objects without going through the UI. */
  readonly testHooks: Map<string, unknown>;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new Log();
  context.subscriptions.push(log);
  const testHooks = new Map<string, unknown>();
  const features: [string, () => void][] = [
    ['cookies', () => activateCookieDecoder(context, log, testHooks)],
    ['sessions', () => activateSessionsView(context, log, testHooks)],
    ['diagnostics', () => activateDiagnostics(context, log, testHooks)],
  ];
  for (const [name, start] of features) {
    try {
      start();
    } catch (err) {
      // VS Code is silent about a failed activation: log it and tell the user, but keep the other features.
      log.error('activate', `the ${name} feature failed to start`, err);
      void vscode.window.showErrorMessage(`Session Lens: the ${name} feature failed to start. See the log for details.`);
    }
  }
  context.subscriptions.push(vscode.commands.registerCommand('sessionLens.showLog', () => log.show()));
  log.info('activate', `Session Lens ${String(context.extension.packageJSON.version)} active`);
  return { testHooks };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
