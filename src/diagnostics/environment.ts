// Finds the nearest package.json (dependencies) and `.env.example` of a file through `workspace.fs`, cached
// per folder and forgotten when either file changes.
import * as vscode from 'vscode';
import type { LintEnvironment } from '../core/lint';
import { DisposableStore } from '../common/lifecycle';

export class EnvironmentFinder extends DisposableStore {
  private readonly cache = new Map<string, Promise<LintEnvironment>>();

  constructor() {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/{package.json,.env.example}'));
    const forget = () => this.cache.clear();
    this.register(watcher.onDidChange(forget));
    this.register(watcher.onDidCreate(forget));
    this.register(watcher.onDidDelete(forget));
  }

  for(uri: vscode.Uri): Promise<LintEnvironment> {
    if (uri.scheme === 'untitled') return Promise.resolve({});
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

export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}
