// Whether Session Lens may follow debug sessions (connect to the debuggee through js-debug) on its own.
// Untrusted workspaces: never automatically — a setting or launch configuration alone must not make
// Session Lens connect to a process; the user can still turn following on for the window after a warning.

export interface FollowContext {
  /** `vscode.workspace.isTrusted`. */
  workspaceTrusted: boolean;
  /** The `sessionLens.inProcess.autoConnect` setting; undefined when unset (the default is on). */
  autoConnectSetting: boolean | undefined;
}

export function mayFollowAutomatically(context: FollowContext): boolean {
  return context.workspaceTrusted && (context.autoConnectSetting ?? true);
}
