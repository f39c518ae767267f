// The session setups of the workspace's code (library, cookie name, where the secret comes from, salt, expiry,
// store), shared by the decoder, the Sessions view and the setup hover. Read on first use and kept until a
// source file, package.json or .env file changes. Trusted workspaces only.
import * as vscode from 'vscode';
import { readWorkspaceEnvFiles, watchEnvFiles } from '../common/envFiles';
import type { Log } from '../common/log';
import type { CookieHint } from '../core/cookies/decode';
import { setupReader } from '../common/featureBundles';
import type { SessionSetup, SetupSourceFile } from '../core/setups';

const COMPONENT = 'setups';
const SOURCE_GLOB = '**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}';
const SKIPPED = '**/{node_modules,dist,build,out,coverage,.next,.nuxt,.svelte-kit,.turbo,.cache}/**';
/** At most this many source files are read, each at most MAX_SOURCE_BYTES (larger ones are generated code). */
const MAX_SOURCE_FILES = 3000;
const MAX_SOURCE_BYTES = 512 * 1024;

export class WorkspaceSetups implements vscode.Disposable {
  private cached: Promise<SessionSetup[]> | undefined;
  private readonly outdated = new vscode.EventEmitter<void>();
  /** Fires when what was read is dropped because a source, package.json or .env file changed. */
  readonly onDidChange = this.outdated.event;
  private readonly disposables: vscode.Disposable[] = [this.outdated];
  private readonly forget = () => { this.cached = undefined; this.outdated.fire(); };
  private watching = false;

  constructor(private readonly log: Log) {
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(this.forget), vscode.workspace.onDidGrantWorkspaceTrust(this.forget));
  }

  /** Watches the files the setups are read from; from the first read on (before it, nothing can be outdated). */
  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    try {
      // One watcher a glob: VS Code's globs do not nest braces.
      for (const glob of [SOURCE_GLOB, '**/package.json']) {
        const watcher = vscode.workspace.createFileSystemWatcher(glob);
        this.disposables.push(watcher, watcher.onDidChange(this.forget), watcher.onDidCreate(this.forget), watcher.onDidDelete(this.forget));
      }
      this.disposables.push(watchEnvFiles(this.forget));
    } catch (err) {
      this.log.warn(COMPONENT, `cannot watch the workspace's sources: ${String(err)}`);
    }
  }

  /** The setups found in the workspace's code (none in an untrusted workspace). */
  setups(): Promise<SessionSetup[]> {
    if (!vscode.workspace.isTrusted || !vscode.workspace.workspaceFolders?.length) return Promise.resolve([]);
    this.watch();
    this.cached ??= this.read().catch((err: unknown) => {
      this.log.warn(COMPONENT, `cannot read the session setups of the workspace: ${String(err)}`);
      this.cached = undefined;
      return [];
    });
    return this.cached;
  }

  /** The decoder's hints from the setups and the .env files; every secret value is registered for redaction first. */
  async hints(): Promise<CookieHint[]> {
    const setups = await this.setups();
    if (setups.length === 0) return [];
    const envFiles = await readWorkspaceEnvFiles(this.log, COMPONENT);
    const hints = setupReader().decoderHints(setups, envFiles);
    this.log.addSecretValues(hints.flatMap((h) => (h.secrets ?? []).map((s) => s.value)));
    return hints;
  }

  private async read(): Promise<SessionSetup[]> {
    const started = performance.now();
    const uris = (await vscode.workspace.findFiles(SOURCE_GLOB, SKIPPED, MAX_SOURCE_FILES)).filter((u) => !/\.(?:d\.[cm]?ts|min\.js)$/i.test(u.path));
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const files: SetupSourceFile[] = [];
    for (const uri of uris) {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_SOURCE_BYTES) continue;
        files.push({ path: vscode.workspace.asRelativePath(uri, multiRoot), text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
      } catch {
        // deleted or unreadable meanwhile: skipped
      }
    }
    const setups = setupReader().findSessionSetups(files, { dependencies: await this.dependencies() });
    this.log.info(COMPONENT, `session setups: ${setups.length} in ${files.length} source file(s) (${Math.round(performance.now() - started)} ms)${setups.map((s) => `; ${s.library} at ${s.file}:${s.line}`).join('')}`);
    return setups;
  }

  /** dependencies + devDependencies of the first folder's package.json. */
  private async dependencies(): Promise<Record<string, string> | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return undefined;
    try {
      const pkg = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, 'package.json')))) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      return { ...pkg.devDependencies, ...pkg.dependencies };
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
