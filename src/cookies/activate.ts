import * as vscode from 'vscode';
import { Log } from '../common/log';

/** Registers the cookies feature's commands and providers. */
export function activateCookieDecoder(_context: vscode.ExtensionContext, _log: Log, _testHooks: Map<string, unknown>): void {
  // Filled in by the feature.
}
