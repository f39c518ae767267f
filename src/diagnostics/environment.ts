// Finds the nearest package.json (dependencies), `.env.example` and the installed versions of the packages rules
// ask about (`node_modules/<name>/package.json`) of a file through `workspace.fs`, cached per folder and forgotten
// when any of them changes.
import * as vscode from 'vscode';
import type { LintEnvironment } from '../core/lint';
import { INSTALLED_PACKAGES } from '../core/lint/libraries';
import { DisposableStore } from '../common/lifecycle';

export class EnvironmentFinder extends DisposableStore {
  private readonly cache = new Map<string, Promise<LintEnvironment>>();
  private watching = false;

  /** Watches what the cache holds from its first entry on (an empty cache cannot be outdated). */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    // node_modules/<name>/package.json is covered by the same glob (an install or upgrade rewrites it).
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/{package.json,.env.example}'));
    const forget = () => this.cache.clear();
    this.register(watcher.onDidChange(forget));
    this.register(watcher.onDidCreate(forget));
    this.register(watcher.onDidDelete(forget));
  }

  for(uri: vscode.Uri): Promise<LintEnvironment> {
    if (uri.scheme === 'untitled') return Promise.resolve({});
    this.watch();
    const dir = vscode.Uri.joinPath(uri, '..');
    const key = dir.toString();
    let found = this.cache.get(key);
    if (!found) {
      found = this.find(dir).catch(() => ({}));
      this.cache.set(key, found);
    }
    return found;
  }

  private async find(start: vscode.Uri): Promise<LintEnvironment> {
    const folder = vscode.workspace.getWorkspaceFolder(start);
    let dir = start;
    for (let i = 0; i < 30; i++) {
      const text = await readText(vscode.Uri.joinPath(dir, 'package.json'));
      if (text !== undefined) {
        const env: LintEnvironment = {};
        try {
          const json = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
          env.dependencies = { ...json.devDependencies, ...json.dependencies };
        } catch { /* an unreadable package.json gives no facts */ }
        const exampleUri = vscode.Uri.joinPath(dir, '.env.example');
        const example = await readText(exampleUri);
        if (example !== undefined) env.envExample = { path: exampleUri.toString(), text: example };
        const installed = await installedVersions(dir, folder);
        if (installed) env.installed = installed;
        return env;
      }
      if (folder && dir.toString() === folder.uri.toString()) break;
      const parent = vscode.Uri.joinPath(dir, '..');
      if (parent.toString() === dir.toString()) break;
      dir = parent;
    }
    return {};
  }
}

/** `node_modules/<name>/package.json` in `dir` or a folder above it (within the workspace folder), as Node resolves. */
async function installedVersions(dir: vscode.Uri, folder: vscode.WorkspaceFolder | undefined): Promise<Record<string, string> | undefined> {
  let out: Record<string, string> | undefined;
  for (const name of INSTALLED_PACKAGES) {
    let d = dir;
    for (let i = 0; i < 30; i++) {
      const text = await readText(vscode.Uri.joinPath(d, 'node_modules', name, 'package.json'));
      if (text !== undefined) {
        try {
          const { version } = JSON.parse(text) as { version?: unknown };
          if (typeof version === 'string') (out ??= {})[name] = version;
        } catch { /* unreadable: the declared range decides */ }
        break;
      }
      if (folder && d.toString() === folder.uri.toString()) break;
      const parent = vscode.Uri.joinPath(d, '..');
      if (parent.toString() === d.toString()) break;
      d = parent;
    }
  }
  return out;
}

export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
