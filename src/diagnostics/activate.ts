import * as vscode from 'vscode';
import { Log } from '../common/log';

/** Registers the diagnostics feature's commands and providers. */
export function activateDiagnostics(_context: vscode.ExtensionContext, _log: Log, _testHooks: Map<string, unknown>): void {
  // Filled in by the feature.
}
