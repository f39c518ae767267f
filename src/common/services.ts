import type * as vscode from 'vscode';
import type { CookiesNode } from '../cookies/cookiesTreeProvider';
import type { SessionsNode } from '../sessions/sessionsTreeProvider';
import type { DeferredFileSystem, DeferredHover, DeferredTreeView } from './deferred';
import type { SessionSourceRegistry } from '../sessions/sourceRegistry';
import type { SecretSources } from '../secrets/secretSources';
import type { WorkspaceSetups } from '../setups/workspaceSetups';
import type { BrowserLink } from './browserLink';
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
  /** Which connected browser holds which session, and browser debug sessions handed to the Cookies view. */
  readonly browsers: BrowserLink;
  /** Live objects the extension-host tests reach without going through the UI. */
  readonly testHooks: Map<string, unknown>;
  /** What activation registered for the features to attach to (views, the session file system, a hover). */
  readonly deferred: Deferred;
}

export interface Deferred {
  readonly sessionsView: DeferredTreeView<SessionsNode>;
  readonly cookiesView: DeferredTreeView<CookiesNode>;
  readonly sessionFileSystem: DeferredFileSystem;
  readonly cookieHover: DeferredHover;
}
