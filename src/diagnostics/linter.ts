// Lints open JS/TS documents as they change (debounced) and publishes the findings as diagnostics; keeps the
// findings per document so the code-action provider can offer their fixes.
import * as vscode from 'vscode';
import { lintEngine } from '../common/featureBundles';
import type { Finding, LintEnvironment } from '../core/lint';
import { PathGlobs, isTestPath } from '../core/lint/paths';
import { mayConcernSessions } from '../core/lint/precheck';
import { ruleDocsUrl } from '../core/lint/docs';
import { DisposableStore } from '../common/lifecycle';
import type { Log } from '../common/log';
import { EnvironmentFinder } from './environment';
import { LintScheduler } from './lintScheduler';
import { LintSettings, affectsLintSettings, readLintSettings } from './settings';

export const DIAGNOSTIC_SOURCE = 'Session Lens';
export const LINTED_LANGUAGES = new Set(['javascript', 'javascriptreact', 'typescript', 'typescriptreact']);

export interface LintedDocument {
  version: number | undefined;
  text: string;
  findings: Finding[];
  environment: LintEnvironment;
}

export class SessionLinter extends DisposableStore {
  readonly collection: vscode.DiagnosticCollection;
  private readonly scheduler = new LintScheduler<string>();
  private readonly results = new Map<string, LintedDocument>();
  readonly environments: EnvironmentFinder;
  private settings: LintSettings = readLintSettings();
  /** Exclude globs per workspace folder ('' for files outside any folder), read on first use. */
  private readonly excludes = new Map<string, PathGlobs>();
  private readonly onDidLintEmitter = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires after a document's diagnostics were replaced. */
  readonly onDidLint = this.onDidLintEmitter.event;

  constructor(private readonly log: Log) {
    super();
    this.collection = this.register(vscode.languages.createDiagnosticCollection('sessionLens'));
    this.environments = this.register(new EnvironmentFinder());
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length > 0) this.schedule(e.document); }));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri, !this.settings.workspace)));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsLintSettings(e)) return;
      this.settings = readLintSettings();
      this.excludes.clear();
      this.relintAll();
    }));
    this.register({ dispose: () => this.scheduler.dispose() });
    this.relintAll();
  }

  get currentSettings(): LintSettings { return this.settings; }

  isLintable(document: vscode.TextDocument): boolean {
    return LINTED_LANGUAGES.has(document.languageId) && document.uri.scheme !== 'output' && document.uri.scheme !== 'git';
  }

  relintAll(): void {
    if (!this.settings.enable) { this.collection.clear(); this.results.clear(); return; }
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  result(uri: vscode.Uri): LintedDocument | undefined {
    return this.results.get(uri.toString());
  }

  /** Lints after `delay` ms; without one, after the scheduler's debounce for a pause in typing. */
  private schedule(document: vscode.TextDocument, delay?: number): void {
    if (!this.settings.enable || !this.isLintable(document)) return;
    this.scheduler.schedule(document.uri.toString(), () => this.lintDocument(document), delay);
  }

  private forget(uri: vscode.Uri, clear: boolean): void {
    const key = uri.toString();
    this.scheduler.forget(key);
    this.results.delete(key);
    if (clear) this.collection.delete(uri);
  }

  /**
   * Where a file stands: excluded by `sessionLens.lint.exclude`, or a test, fixture or example (its findings are
   * info). Both are decided on the path relative to its workspace folder (only the name for other files).
   */
  fileFacts(uri: vscode.Uri): { excluded: boolean; testFile: boolean } {
    const folder = uri.scheme === 'untitled' ? undefined : vscode.workspace.getWorkspaceFolder(uri);
    const base = folder?.uri.path.replace(/\/$/, '');
    const rel = base !== undefined && uri.path.startsWith(`${base}/`) ? uri.path.slice(base.length + 1) : uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const key = folder?.uri.toString() ?? '';
    let globs = this.excludes.get(key);
    if (!globs) {
      globs = new PathGlobs(folder ? readLintSettings(folder.uri).exclude : this.settings.exclude);
      this.excludes.set(key, globs);
    }
    return { excluded: globs.matches(rel), testFile: isTestPath(rel) };
  }

  async lintDocument(document: vscode.TextDocument): Promise<void> {
    try {
      const facts = this.fileFacts(document.uri);
      if (facts.excluded) { this.forget(document.uri, true); return; }
      // The text pre-check spares files without session code the analyzer (and loading it) and the file reads.
      if (!mayConcernSessions(document.getText())) {
        this.publish(document.uri, { version: document.version, text: document.getText(), findings: [], environment: {} });
        return;
      }
      const environment = await this.environments.for(document.uri);
      if (document.isClosed) return;
      const version = document.version;
      const text = document.getText();
      const started = performance.now();
      const findings = lintEngine().lintSource(text, document.fileName, { rules: this.settings.rules, environment, testFile: facts.testFile }).findings;
      this.scheduler.recordDuration(document.uri.toString(), performance.now() - started);
      if (document.version !== version) return;
      this.publish(document.uri, { version, text, findings, environment });
    } catch (err) {
      this.log.error('diagnostics', `linting ${vscode.workspace.asRelativePath(document.uri)} failed`, err);
    }
  }

  /** Records findings for a file (open or checked by the workspace command) and shows them. */
  publish(uri: vscode.Uri, linted: LintedDocument): void {
    this.results.set(uri.toString(), linted);
    this.collection.set(uri, linted.findings.map((f) => this.toDiagnostic(f)));
    this.onDidLintEmitter.fire(uri);
  }

  toDiagnostic(f: Finding): vscode.Diagnostic {
    const range = new vscode.Range(f.line - 1, f.column - 1, f.endLine - 1, f.endColumn - 1);
    const severity = f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
    const d = new vscode.Diagnostic(range, f.message, severity);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = { value: f.rule, target: this.ruleDocUri(f.rule) };
    return d;
  }

  ruleDocUri(rule: string): vscode.Uri {
    return vscode.Uri.parse(ruleDocsUrl(rule));
  }
}

/** The finding a diagnostic was made from: same rule and same range. */
export function findingFor(linted: LintedDocument, diagnostic: vscode.Diagnostic): Finding | undefined {
  const rule = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
  const r = diagnostic.range;
  return linted.findings.find((f) => f.rule === rule && f.line - 1 === r.start.line && f.column - 1 === r.start.character && f.endLine - 1 === r.end.line && f.endColumn - 1 === r.end.character);
}
