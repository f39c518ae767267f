import * as vscode from 'vscode';
import { readWorkspaceEnvFiles, watchEnvFiles } from '../common/envFiles';
import type { Log } from '../common/log';
import { collectEnvSecrets } from '../core/secrets/envSecrets';

/** A secret as the rest of the extension sees it: a label to show, a value never shown or logged. */
export interface LabeledSecret {
  /** e.g. "SESSION_SECRET (.env)" or the label the user gave in SecretStorage. */
  readonly label: string;
  readonly value: string;
  readonly origin: 'secretStorage' | 'env' | 'adHoc';
}

/** The one SecretStorage entry holding the user's signing secrets, as JSON `[{label, value}]`. */
const STORAGE_KEY = 'sessionLens.signingSecrets';

/**
 * Signing secrets the user holds: SecretStorage entries and the workspace's .env files (read only in a
 * trusted workspace). Every value is registered with the log's redaction before it is returned.
 * (Owned by the cookie decoder feature; the Sessions view uses it to sign cookies.)
 */
export class SecretSources implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a stored secret is added or removed, a .env file changes, or workspace trust is granted. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    protected readonly context: vscode.ExtensionContext,
    protected readonly log: Log,
  ) {
    this.disposables.push(
      context.secrets.onDidChange((e) => { if (e.key === STORAGE_KEY) this.changed.fire(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  private watchingEnvFiles = false;

  /** Watches the .env files from their first read on (before it, no secret read from them can be outdated). */
  private watchEnvFiles(): void {
    if (this.watchingEnvFiles) return;
    this.watchingEnvFiles = true;
    try {
      this.disposables.push(watchEnvFiles(() => this.changed.fire()));
    } catch (err) {
      this.log.warn('secrets', `cannot watch .env files: ${String(err)}`);
    }
  }

  /** Every secret: stored ones first (in the order added), then .env ones. */
  async list(): Promise<LabeledSecret[]> {
    const stored = (await this.readStored()).map((s) => ({ ...s, origin: 'secretStorage' as const }));
    const env = await this.readEnvFiles();
    const all = [...stored, ...env];
    this.log.addSecretValues(all.map((s) => s.value));
    return all;
  }

  /** Labels of the SecretStorage entries (values are never handed to the UI). */
  async storedLabels(): Promise<string[]> {
    return (await this.readStored()).map((s) => s.label);
  }

  /** Adds (or replaces, by label) a secret in SecretStorage. */
  async add(label: string, value: string): Promise<void> {
    const cleanLabel = label.trim();
    if (!cleanLabel) throw new Error('a signing secret needs a label');
    if (!value) throw new Error('the signing secret is empty');
    this.log.addSecretValues([value]);
    const stored = (await this.readStored()).filter((s) => s.label !== cleanLabel);
    stored.push({ label: cleanLabel, value });
    await this.context.secrets.store(STORAGE_KEY, JSON.stringify(stored));
    this.log.info('secrets', `stored signing secret "${cleanLabel}"`);
  }

  /** Removes a stored secret by label; returns whether one was removed. */
  async remove(label: string): Promise<boolean> {
    const stored = await this.readStored();
    const kept = stored.filter((s) => s.label !== label);
    if (kept.length === stored.length) return false;
    await this.context.secrets.store(STORAGE_KEY, JSON.stringify(kept));
    this.log.info('secrets', `removed signing secret "${label}"`);
    return true;
  }

  private async readStored(): Promise<{ label: string; value: string }[]> {
    const text = await this.context.secrets.get(STORAGE_KEY);
    if (!text) return [];
    try {
      const parsed = JSON.parse(text) as unknown;
      if (!Array.isArray(parsed)) return [];
      const entries = parsed.filter((e): e is { label: string; value: string } =>
        typeof e === 'object' && e !== null && typeof (e as { label?: unknown }).label === 'string' && typeof (e as { value?: unknown }).value === 'string');
      this.log.addSecretValues(entries.map((e) => e.value));
      return entries;
    } catch {
      this.log.warn('secrets', 'the stored signing secrets are unreadable; ignoring them');
      return [];
    }
  }

  /** Every .env file's secrets, each distinct value once, labelled by the first file that holds it. */
  private async readEnvFiles(): Promise<LabeledSecret[]> {
    if (!vscode.workspace.isTrusted) return [];
    this.watchEnvFiles();
    const files = await readWorkspaceEnvFiles(this.log, 'secrets');
    return collectEnvSecrets(files).map((s) => ({ label: s.label, value: s.value, origin: 'env' as const }));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
