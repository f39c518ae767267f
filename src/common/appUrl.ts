// The URL of the workspace's app (curl commands, the browser cookies to read): the `sessionLens.appUrl` setting,
// else an `APP_URL`-style variable or `PORT` in the workspace's .env files (trusted workspaces only), else
// localhost:3000.
import * as vscode from 'vscode';
import { mayDiscoverInWorkspace } from '../core/redis/connectionPolicy';
import { findAppUrl, normalizeAppUrl } from '../core/redis/discovery';
import { readWorkspaceEnvFiles } from './envFiles';
import type { Log } from './log';

export const DEFAULT_APP_URL = 'http://localhost:3000/';

export interface AppUrl {
  readonly url: string;
  /** Where it came from: a setting is what the user said; the others are guesses a page's own URL may beat. */
  readonly from: 'setting' | 'env' | 'default';
}

export async function workspaceAppUrl(log: Log, component: string): Promise<AppUrl> {
  const configured = normalizeAppUrl(vscode.workspace.getConfiguration('sessionLens').get<string>('appUrl', ''));
  if (configured) return { url: configured, from: 'setting' };
  if (mayDiscoverInWorkspace(vscode.workspace.isTrusted) && vscode.workspace.workspaceFolders?.length) {
    const files = (await readWorkspaceEnvFiles(log, component))
      .sort((a, b) => envPriority(a.uri) - envPriority(b.uri) || a.uri.path.localeCompare(b.uri.path));
    for (const file of files) {
      const url = findAppUrl(file.text);
      if (url) return { url, from: 'env' };
    }
  }
  return { url: DEFAULT_APP_URL, from: 'default' };
}

/** `.env.local` and `.env.development` speak for the dev server before plain `.env`, then the rest. */
function envPriority(uri: vscode.Uri): number {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return ['.env.development.local', '.env.local', '.env.development', '.env'].indexOf(name) + 1 || 9;
}
