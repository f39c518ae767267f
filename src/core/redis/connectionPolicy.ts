// The rules that decide whether and how the Sessions view may connect: which settings count in an
// untrusted workspace, and what happens before a first connection to a host that is not loopback.
// Pure (no vscode, no sockets), so the rules are tested apart from the UI.
import type { RedisTarget } from './url';

/** The layers of one setting, as `WorkspaceConfiguration.inspect` gives them. */
export interface InspectedSetting<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * One key's layers (`redis.url`) out of its whole section's (`sessionLens`), where VS Code nests dotted keys:
 * one `inspect` of the section instead of one a key.
 */
export function inspectedKey<T>(section: InspectedSetting<Record<string, unknown>> | undefined, key: string): InspectedSetting<T> | undefined {
  if (!section) return undefined;
  const at = (layer: Record<string, unknown> | undefined): T | undefined => {
    let value: unknown = layer;
    for (const part of key.split('.')) {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[part];
    }
    return value as T | undefined;
  };
  return { defaultValue: at(section.defaultValue), globalValue: at(section.globalValue), workspaceValue: at(section.workspaceValue), workspaceFolderValue: at(section.workspaceFolderValue) };
}

/**
 * The value a setting may have here. In a trusted workspace, the usual precedence (folder, workspace,
 * user, default). In an untrusted one only the user's own value or the default: a workspace setting
 * never names a host to connect to, nor turns on automatic connection or writes.
 */
export function effectiveSetting<T>(inspected: InspectedSetting<T> | undefined, trusted: boolean, fallback: T): T {
  if (!inspected) return fallback;
  if (trusted) return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue ?? inspected.defaultValue ?? fallback;
  return inspected.globalValue ?? inspected.defaultValue ?? fallback;
}

/** Whether `.env` files and the app's code may be read to suggest or open a connection. */
export function mayDiscoverInWorkspace(trusted: boolean): boolean {
  return trusted;
}

/** The answer remembered for a host that is not loopback, once the user chose. */
export type RemoteChoice = 'readonly' | 'writes';

export type ConnectDecision =
  /** Connect now, writable or read-only. */
  | { action: 'connect'; writable: boolean }
  /** Ask the user first (interactive): read-only, allow writes, or cancel. */
  | { action: 'ask' }
  /** Automatic connection to a host not on this machine: do not connect; tell the user how to. */
  | { action: 'skip' };

/**
 * Before opening a connection: loopback hosts open writable; any other host is contacted only after the
 * user agreed once (remembered per host) and is read-only unless writes were allowed (by that answer or
 * by `allowWrites` on the configured connection). Nothing here opens a socket.
 */
export function connectDecision(loopback: boolean, options: { interactive: boolean; remembered?: RemoteChoice; allowWrites?: boolean }): ConnectDecision {
  if (loopback) return { action: 'connect', writable: true };
  if (options.remembered) return { action: 'connect', writable: options.remembered === 'writes' || options.allowWrites === true };
  return options.interactive ? { action: 'ask' } : { action: 'skip' };
}

/** The key under which the answer for a host is remembered (credentials left out). */
export function remoteChoiceKey(target: RedisTarget): string {
  const nodes = target.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  return `sessionLens.remoteWrites:${target.kind === 'sentinel' ? `sentinel ${target.masterName ?? ''}@` : ''}${nodes}/${target.db}${target.tls ? ' tls' : ''}`;
}
