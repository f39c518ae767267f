// The workspace's .env files, found one way for every feature that reads them (signing secrets, Redis
// discovery, the app URL): `.env` and every `.env.<name>` except placeholder files, outside node_modules.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ENV_FILE_GLOB, isEnvFileName } from '../core/secrets/envSecrets';
import type { Log } from './log';

/** At most this many .env files are read (a monorepo has a few per package). */
const MAX_ENV_FILES = 40;

export interface WorkspaceEnvFile {
  readonly uri: vscode.Uri;
  /** The path relative to the workspace (with the folder name in a multi-root workspace), e.g. `.env`. */
  readonly label: string;
  readonly text: string;
}

/** Watches every .env file the extension reads; `onChange` runs on any change, creation or deletion. */
export function watchEnvFiles(onChange: () => void): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher(ENV_FILE_GLOB);
  const fire = (uri: vscode.Uri) => { if (isEnvFileName(path.posix.basename(uri.path))) onChange(); };
  return vscode.Disposable.from(watcher, watcher.onDidChange(fire), watcher.onDidCreate(fire), watcher.onDidDelete(fire));
}

/** The .env files of the workspace with their text, sorted by path; unreadable files are logged and skipped. */
export async function readWorkspaceEnvFiles(log: Log, component: string): Promise<WorkspaceEnvFile[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  let uris: vscode.Uri[];
  try {
    uris = await vscode.workspace.findFiles(ENV_FILE_GLOB, '**/node_modules/**', MAX_ENV_FILES * 2);
  } catch (err) {
    log.warn(component, `cannot search for .env files: ${String(err)}`);
    return [];
  }
  const wanted = uris.filter((u) => isEnvFileName(path.posix.basename(u.path))).sort((a, b) => a.path.localeCompare(b.path)).slice(0, MAX_ENV_FILES);
  const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
  const files: WorkspaceEnvFile[] = [];
  for (const uri of wanted) {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      files.push({ uri, label: vscode.workspace.asRelativePath(uri, multiRoot) || path.posix.basename(uri.path), text });
    } catch (err) {
      log.warn(component, `cannot read ${vscode.workspace.asRelativePath(uri)}: ${String(err)}`);
    }
  }
  return files;
}
