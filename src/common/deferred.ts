// What the activation bundle registers in place of the features, which load on first use (src/ui.ts): a
// view's tree, a file system and a hover provider whose real implementation arrives when the features load.
// Asking any of them for content loads the features first.
import * as vscode from 'vscode';

/** A tree view created at activation whose data comes from a provider attached when the features load. */
export class DeferredTreeView<T> implements vscode.TreeDataProvider<T>, vscode.Disposable {
  readonly treeView: vscode.TreeView<T>;
  private delegate: vscode.TreeDataProvider<T> | undefined;
  private readonly changed = new vscode.EventEmitter<T | T[] | undefined | null | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private subscription: vscode.Disposable | undefined;

  constructor(viewId: string, private readonly load: () => void) {
    this.treeView = vscode.window.createTreeView(viewId, { treeDataProvider: this, showCollapseAll: true });
  }

  /** Hands the view to the feature's provider; returns the view for the feature to use. */
  attach(provider: vscode.TreeDataProvider<T>): vscode.TreeView<T> {
    this.subscription?.dispose();
    this.delegate = provider;
    this.subscription = provider.onDidChangeTreeData?.((e) => this.changed.fire(e));
    this.changed.fire();
    return this.treeView;
  }

  getTreeItem(element: T): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.loaded().getTreeItem(element);
  }

  getChildren(element?: T): vscode.ProviderResult<T[]> {
    return this.loaded().getChildren(element);
  }

  getParent(element: T): vscode.ProviderResult<T> {
    return this.loaded().getParent?.(element);
  }

  private loaded(): vscode.TreeDataProvider<T> {
    if (!this.delegate) this.load();
    if (!this.delegate) throw new Error('the view\'s feature did not start');
    return this.delegate;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
    this.treeView.dispose();
  }
}

/** A file system registered at activation whose implementation is attached when the features load. */
export class DeferredFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private delegate: vscode.FileSystemProvider | undefined;
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private subscription: vscode.Disposable | undefined;

  constructor(private readonly load: () => void) {}

  attach(provider: vscode.FileSystemProvider): void {
    this.subscription?.dispose();
    this.delegate = provider;
    this.subscription = provider.onDidChangeFile((e) => this.changed.fire(e));
  }

  private loaded(): vscode.FileSystemProvider {
    if (!this.delegate) this.load();
    if (!this.delegate) throw vscode.FileSystemError.Unavailable('Session Lens did not start');
    return this.delegate;
  }

  watch(uri: vscode.Uri, options: { readonly recursive: boolean; readonly excludes: readonly string[] }): vscode.Disposable {
    return this.loaded().watch(uri, options);
  }

  stat(uri: vscode.Uri): vscode.FileStat | Thenable<vscode.FileStat> {
    return this.loaded().stat(uri);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] | Thenable<[string, vscode.FileType][]> {
    return this.loaded().readDirectory(uri);
  }

  createDirectory(uri: vscode.Uri): void | Thenable<void> {
    return this.loaded().createDirectory(uri);
  }

  readFile(uri: vscode.Uri): Uint8Array | Thenable<Uint8Array> {
    return this.loaded().readFile(uri);
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): void | Thenable<void> {
    return this.loaded().writeFile(uri, content, options);
  }

  delete(uri: vscode.Uri, options: { readonly recursive: boolean }): void | Thenable<void> {
    return this.loaded().delete(uri, options);
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { readonly overwrite: boolean }): void | Thenable<void> {
    return this.loaded().rename(oldUri, newUri, options);
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}

/** A hover provider registered at activation whose implementation is attached when the features load. */
export class DeferredHover implements vscode.HoverProvider {
  private delegate: vscode.HoverProvider | undefined;

  constructor(private readonly load: () => void) {}

  attach(provider: vscode.HoverProvider): void {
    this.delegate = provider;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): vscode.ProviderResult<vscode.Hover> {
    if (!this.delegate) this.load();
    return this.delegate?.provideHover(document, position, token);
  }
}
