// Quick fixes for Session Lens diagnostics, a line-suppression action, and the "fix all" source action.
import * as vscode from 'vscode';
import { lintEngine } from '../common/featureBundles';
import type { Fix } from '../core/lint';
import { applyEdits } from '../core/lint/edits';
import { DIAGNOSTIC_SOURCE, LintedDocument, SessionLinter, findingFor } from './linter';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('sessionLens');

export class SessionLensCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND],
  };

  constructor(private readonly linter: SessionLinter) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const linted = this.linter.result(document.uri);
    if (!linted || linted.version !== document.version) return [];
    const only = context.only;
    const actions: vscode.CodeAction[] = [];
    if (!only || only.intersects(vscode.CodeActionKind.QuickFix)) {
      for (const diagnostic of context.diagnostics) {
        if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
        const finding = findingFor(linted, diagnostic);
        if (!finding) continue;
        for (const fix of finding.fixes) actions.push(this.quickFix(document, linted, fix, diagnostic));
        actions.push(this.suppress(document, diagnostic, finding.rule));
      }
    }
    if (!only || only.intersects(FIX_ALL_KIND)) {
      const fixAllAction = this.fixAll(document, linted);
      if (fixAllAction) actions.push(fixAllAction);
    }
    return actions;
  }

  private quickFix(document: vscode.TextDocument, linted: LintedDocument, fix: Fix, diagnostic: vscode.Diagnostic): vscode.CodeAction {
    const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    action.isPreferred = fix.preferred;
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
    addOtherFiles(edit, linted, fix);
    action.edit = edit;
    return action;
  }

  private suppress(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, rule: string): vscode.CodeAction {
    const action = new vscode.CodeAction(`Disable ${rule} for this line`, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    const line = document.lineAt(diagnostic.range.start.line);
    const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, line.range.start, `${indent}// session-lens-disable-next-line ${rule}\n`);
    action.edit = edit;
    return action;
  }

  private fixAll(document: vscode.TextDocument, linted: LintedDocument): vscode.CodeAction | undefined {
    if (!linted.findings.some((f) => f.fixes.some((x) => x.safe))) return undefined;
    const result = lintEngine().fixAll(linted.text, document.fileName, { rules: this.linter.currentSettings.rules, environment: linted.environment });
    if (result.source === linted.text) return undefined;
    const action = new vscode.CodeAction('Fix all Session Lens problems', FIX_ALL_KIND);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(linted.text.length)), result.source);
    for (const other of result.otherFiles) addFileEdits(edit, linted, other.path, other.edits);
    action.edit = edit;
    return action;
  }
}

function addOtherFiles(edit: vscode.WorkspaceEdit, linted: LintedDocument, fix: Fix): void {
  for (const other of fix.otherFiles ?? []) addFileEdits(edit, linted, other.path, other.edits);
}

/** Edits of `.env.example`, whose text the environment holds; positions are computed against that text. */
function addFileEdits(edit: vscode.WorkspaceEdit, linted: LintedDocument, path: string, edits: Fix['edits']): void {
  const example = linted.environment.envExample;
  if (!example || example.path !== path) return;
  const uri = vscode.Uri.parse(path);
  const updated = applyEdits(example.text, edits);
  const lines = example.text.split('\n');
  const end = new vscode.Position(lines.length - 1, lines[lines.length - 1].length);
  edit.replace(uri, new vscode.Range(new vscode.Position(0, 0), end), updated);
}
