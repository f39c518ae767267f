// The decoder's input boxes, in one place: each box shown is announced (with its options, never an answer),
// so extension-host tests can read a pre-filled value and then accept or dismiss the real box.
import * as vscode from 'vscode';

/** How long the decoder waits for the clipboard before it shows an empty box. */
const CLIPBOARD_TIMEOUT_MS = 300;

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

  /**
   * The clipboard text, or '' when it cannot be had at once. A browser-hosted VS Code reads the clipboard
   * only with the page's permission: asking either shows an error or waits on a prompt, so there it is not
   * read at all (Ctrl+V into the box needs no permission). Elsewhere the read is time-boxed, so the input
   * box never waits on it.
   */
  async clipboardText(timeoutMs = CLIPBOARD_TIMEOUT_MS): Promise<string> {
    if (vscode.env.uiKind === vscode.UIKind.Web) return '';
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(''), timeoutMs); });
    try {
      return await Promise.race([Promise.resolve(vscode.env.clipboard.readText()).catch(() => ''), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  dispose(): void {
    this.shown.dispose();
  }
}
