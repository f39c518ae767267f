import * as vscode from 'vscode';
import type { Log } from '../common/log';

/** A secret as the rest of the extension sees it: a label to show, a value never shown or logged. */
export interface LabeledSecret {
  /** e.g. "SESSION_SECRET (.env)" or the label the user gave in SecretStorage. */
  readonly label: string;
  readonly value: string;
  readonly origin: 'secretStorage' | 'env' | 'adHoc';
}

/**
 * Signing secrets the user holds: SecretStorage entries and the workspace's .env files.
 * (Owned by the cookie decoder feature; the Sessions view uses it to sign cookies.)
 */
export class SecretSources implements vscode.Disposable {
  constructor(
    protected readonly context: vscode.ExtensionContext,
    protected readonly log: Log,
  ) {}

  async list(): Promise<LabeledSecret[]> {
    return [];
  }

  dispose(): void {}
}
