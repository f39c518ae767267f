import * as vscode from 'vscode';
import { redact } from '../core/redact';

/**
 * The extension's one log: a `LogOutputChannel` whose every line is redacted (URL credentials and every
 * secret value registered with `addSecretValues`) before it is written. Components tag their lines.
 */
export class Log implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secretValues = new Set<string>();

  constructor(name = 'Session Lens') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Values that must never appear in the log (signing secrets, passwords). */
  addSecretValues(values: Iterable<string>): void {
    for (const v of values) if (v) this.secretValues.add(v);
  }

  private clean(component: string, message: string): string {
    return `[${component}] ${redact(message, this.secretValues)}`;
  }

  info(component: string, message: string): void { this.channel.info(this.clean(component, message)); }
  warn(component: string, message: string): void { this.channel.warn(this.clean(component, message)); }
  debug(component: string, message: string): void { this.channel.debug(this.clean(component, message)); }
  error(component: string, message: string, err?: unknown): void {
    const detail = err instanceof Error ? `: ${err.stack ?? err.message}` : err !== undefined ? `: ${String(err)}` : '';
    this.channel.error(this.clean(component, message + detail));
  }

  show(): void { this.channel.show(true); }
  dispose(): void { this.channel.dispose(); }
}

/**
 * Runs a command body; on failure logs the detail and shows one short message with a way to the log.
 * Every command of the extension goes through this, so none fails silently or crashes the host.
 */
export async function runCommand(log: Log, component: string, title: string, body: () => Promise<unknown>): Promise<void> {
  try {
    await body();
  } catch (err) {
    log.error(component, `${title} failed`, err);
    const message = err instanceof Error ? err.message : String(err);
    const choice = await vscode.window.showErrorMessage(`Session Lens: ${title} failed: ${redact(message)}`, 'Show Log');
    if (choice === 'Show Log') log.show();
  }
}
