import * as vscode from 'vscode';

/** Base for objects that own disposables: everything passed to `register` is disposed with the owner. */
export abstract class DisposableStore implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) disposable.dispose();
    else this.disposables.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try { d.dispose(); } catch { /* one failing disposable must not keep the others alive */ }
    }
  }
}
