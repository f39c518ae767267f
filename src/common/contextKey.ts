// A `when`-clause context key that is set only when its value changes. A key that was never set reads as
// false in `when` clauses, so a false value at activation costs no command round trip.
import * as vscode from 'vscode';

export class ContextKey {
  private value = false;

  constructor(readonly name: string) {}

  set(value: boolean): void {
    if (value === this.value) return;
    this.value = value;
    void vscode.commands.executeCommand('setContext', this.name, value);
  }
}
