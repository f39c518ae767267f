import type * as vscode from 'vscode';
import type { SessionSourceRegistry } from '../sessions/sourceRegistry';
import type { SecretSources } from '../secrets/secretSources';
import type { WorkspaceSetups } from '../setups/workspaceSetups';
import type { Log } from './log';

/** What the composition root hands to every feature. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  /** Signing secrets from SecretStorage and the workspace's .env files (never logged, never shown). */
  readonly secrets: SecretSources;
  /** The session setups of the workspace's code (library, cookie name, secret source, store), read on demand. */
  readonly setups: WorkspaceSetups;
  /** The session stores the Sessions view shows (Redis connections, attached Node processes). */
  readonly sessionSources: SessionSourceRegistry;
  /** Live objects the extension-host tests reach without going through the UI. */
  readonly testHooks: Map<string, unknown>;
}
