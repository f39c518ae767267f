import * as vscode from 'vscode';
import { runCommand } from '../common/log';
import type { Services } from '../common/services';
import { SessionLensCodeActions } from './codeActions';
import { SessionLinter } from './linter';
import { checkWorkspace } from './workspaceCheck';

const SELECTOR: vscode.DocumentSelector = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'].map((language) => ({ language }));

/** Registers the diagnostics feature: live linting, quick fixes, and the workspace check command. */
export function activateDiagnostics(services: Services): void {
  const { context, log } = services;
  const linter = new SessionLinter(log);
  context.subscriptions.push(linter);
  context.subscriptions.push(vscode.languages.registerCodeActionsProvider(SELECTOR, new SessionLensCodeActions(linter), SessionLensCodeActions.metadata));
  const runCheck = (title: string) => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const result = await checkWorkspace(linter, token, progress);
      log.info('diagnostics', `workspace check: ${result.files} files, ${result.findings} findings${result.cancelled ? ' (cancelled)' : ''}`);
      return result;
    },
  );
  context.subscriptions.push(vscode.commands.registerCommand('sessionLens.checkWorkspace', () =>
    runCommand(log, 'diagnostics', 'Check Session Config in Workspace', async () => {
      if (!linter.currentSettings.enable) {
        void vscode.window.showInformationMessage('Session Lens: diagnostics are turned off (sessionLens.lint.enable).');
        return;
      }
      const result = await runCheck('Session Lens: checking session config');
      void vscode.window.setStatusBarMessage(`Session Lens: ${result.findings} finding${result.findings === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}`, 5000);
    })));
  if (linter.currentSettings.enable && linter.currentSettings.workspace) {
    void runCommand(log, 'diagnostics', 'Check Session Config in Workspace', async () => { await runCheck('Session Lens: checking session config'); });
  }
  services.testHooks.set('diagnostics.linter', linter);
}
