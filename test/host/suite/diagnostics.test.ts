import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitUntil } from './helpers';

const workspace = () => process.env.SESSION_LENS_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
const fileUri = (rel: string) => vscode.Uri.file(path.join(workspace(), 'lint', rel));

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Session Lens');
}

function ruleOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Waits until the Session Lens diagnostics of `uri` satisfy `predicate`. */
function diagnosticsWhere(uri: vscode.Uri, predicate: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return waitUntil(() => { const ds = ours(uri); return predicate(ds) ? ds : undefined; }, vscode.languages.onDidChangeDiagnostics, 20_000, what);
}

describe('session config diagnostics', () => {
  before(async () => { await activateExtension(); });
  after(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  it('shows findings of an open file with source, rule code and documentation link', async () => {
    const uri = fileUri('app.js');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await diagnosticsWhere(uri, (d) => d.some((x) => ruleOf(x) === 'hardcoded-secret'), 'hardcoded-secret on app.js');
    const secret = ds.find((d) => ruleOf(d) === 'hardcoded-secret')!;
    assert.equal(secret.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(secret.range.start.line, 8);
    assert.equal(secret.range.start.character, 10);
    const code = secret.code as { value: string; target: vscode.Uri };
    assert.equal(code.target.toString(true), 'https://github.com/session-lens/session-lens/blob/main/docs/rules/hardcoded-secret.md');
    assert.deepEqual(ds.map(ruleOf).sort(), ['cookie-httponly-disabled', 'hardcoded-secret']);
    assert.ok(ds.some((d) => ruleOf(d) === 'cookie-httponly-disabled' && d.severity === vscode.DiagnosticSeverity.Warning));
    await screenshot('diagnostics-open-file');
  });

  it('offers quick fixes linked to the diagnostic, one preferred, and applying one clears the finding', async () => {
    const uri = fileUri('app.js');
    const before = await diagnosticsWhere(uri, (d) => d.some((x) => ruleOf(x) === 'cookie-httponly-disabled'), 'httpOnly finding');
    const target = before.find((d) => ruleOf(d) === 'cookie-httponly-disabled')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, target.range);
    // The command's result drops `CodeAction.diagnostics`; the provider only answers for diagnostics in the range.
    const mine = actions.filter((a) => a.title === 'Set httpOnly: true' || a.title === 'Disable cookie-httponly-disabled for this line');
    assert.equal(mine.length, 2, `quick fix + disable action, got ${actions.map((a) => `${a.title} [${a.diagnostics?.map(ruleOf).join()}]`).join(', ')}`);
    const preferred = mine.filter((a) => a.isPreferred);
    assert.equal(preferred.length, 1);
    assert.equal(preferred[0].title, 'Set httpOnly: true');
    assert.ok(preferred[0].kind?.contains(vscode.CodeActionKind.QuickFix));
    assert.ok(await vscode.workspace.applyEdit(preferred[0].edit!));
    const after = await diagnosticsWhere(uri, (d) => !d.some((x) => ruleOf(x) === 'cookie-httponly-disabled'), 'httpOnly finding to disappear');
    assert.ok(after.some((d) => ruleOf(d) === 'hardcoded-secret'), 'the other findings stay');
    assert.match(vscode.window.activeTextEditor!.document.getText(), /httpOnly: true/);
  });

  it('offers "Fix all Session Lens problems" as a source.fixAll.sessionLens action', async () => {
    const uri = fileUri('app.js');
    await diagnosticsWhere(uri, (d) => d.some((x) => ruleOf(x) === 'hardcoded-secret'), 'hardcoded-secret');
    const doc = await vscode.workspace.openTextDocument(uri);
    const whole = new vscode.Range(0, 0, doc.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll.sessionLens');
    const fixAll = actions.find((a) => a.title === 'Fix all Session Lens problems');
    assert.ok(fixAll, `actions: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit!));
    await diagnosticsWhere(uri, (d) => !d.some((x) => ruleOf(x) === 'hardcoded-secret'), 'hardcoded-secret to be fixed');
    assert.match(doc.getText(), /secret: process\.env\.SESSION_SECRET/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('updates as you type', async () => {
    const uri = fileUri('app.js');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((b) => b.insert(end, "\napp.set('trust proxy', true);\n"));
    const ds = await diagnosticsWhere(uri, (d) => d.some((x) => ruleOf(x) === 'permissive-trust-proxy'), 'permissive-trust-proxy after typing');
    assert.equal(ds.find((d) => ruleOf(d) === 'permissive-trust-proxy')!.severity, vscode.DiagnosticSeverity.Information);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await diagnosticsWhere(uri, (d) => !d.some((x) => ruleOf(x) === 'permissive-trust-proxy'), 'finding gone after revert');
  });

  it('"Check Session Config in Workspace" reports closed files and skips .gitignore\'d ones', async () => {
    await vscode.commands.executeCommand('sessionLens.checkWorkspace');
    const closed = await diagnosticsWhere(fileUri('closed.ts'), (d) => d.length > 0, 'findings on closed.ts');
    assert.ok(closed.some((d) => ruleOf(d) === 'unsigned-cookie-session'));
    assert.deepEqual(ours(fileUri('generated/out.js')), [], 'ignored by lint/.gitignore');
  });
});
