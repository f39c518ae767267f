// The decoder's input boxes, in one place: each box shown is announced (with its options, never an answer),
// so extension-host tests can read a pre-filled value and then accept or dismiss the real box.
import * as vscode from 'vscode';

export class CookiePrompts implements vscode.Disposable {
  private readonly shown = new vscode.EventEmitter<vscode.InputBoxOptions>();
  /** Fires right after an input box was requested, with its options (title, pre-filled value, password). */
  readonly onDidShowInputBox = this.shown.event;

  inputBox(options: vscode.InputBoxOptions): Thenable<string | undefined> {
    const answer = vscode.window.showInputBox(options);
    // After the request, so a test acting on the event reaches the box, not an earlier UI state.
    this.shown.fire(options);
    return answer;
  }

  /** The clipboard text, or '' when the clipboard cannot be read (e.g. a browser without permission). */
  async clipboardText(): Promise<string> {
    try {
      return await vscode.env.clipboard.readText();
    } catch {
      return '';
    }
  }

  dispose(): void {
    this.shown.dispose();
  }
}
