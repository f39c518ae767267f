import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionLinter } from '../../../src/diagnostics/linter';
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

/** Reverts every unsaved change a test left (no save prompt), then closes the editors. */
async function closeAllClean(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file')) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

let linter: SessionLinter;

/**
 * lint/app.js open in an editor, as on disk, linted at its current version (diagnostics left from an earlier
 * opening do not count: code actions answer only for the version linted).
 */
async function openApp(): Promise<{ uri: vscode.Uri; editor: vscode.TextEditor }> {
  const uri = fileUri('app.js');
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  if (editor.document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitUntil(() => (linter.result(uri)?.version === editor.document.version ? true : undefined), linter.onDidLint, 20_000, 'lint/app.js linted');
  await diagnosticsWhere(uri, (d) => d.some((x) => ruleOf(x) === 'hardcoded-secret') && d.some((x) => ruleOf(x) === 'cookie-httponly-disabled'), 'the findings of lint/app.js');
  return { uri, editor };
}

describe('session config diagnostics', () => {
  before(async () => {
    linter = (await activateExtension()).testHooks.get('diagnostics.linter') as SessionLinter;
    assert.ok(linter, 'the diagnostics feature exposes its linter');
  });
  // Every test starts from lint/app.js as on disk, open, whatever ran before it.
  beforeEach(closeAllClean);
  after(closeAllClean);

  it('shows findings of an open file with source, rule code and documentation link', async () => {
    const { uri } = await openApp();
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
    const { uri } = await openApp();
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
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('offers "Fix all Session Lens problems" as a source.fixAll.sessionLens action', async () => {
    const { uri, editor } = await openApp();
    const doc = editor.document;
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
    const { uri, editor } = await openApp();
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    await editor.edit((b) => b.insert(end, "\napp.set('trust proxy', true);\n"));
    const ds = await diagnosticsWhere(uri, (d) => d.some((x) => ruleOf(x) === 'permissive-trust-proxy'), 'permissive-trust-proxy after typing');
    assert.equal(ds.find((d) => ruleOf(d) === 'permissive-trust-proxy')!.severity, vscode.DiagnosticSeverity.Information);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await diagnosticsWhere(uri, (d) => !d.some((x) => ruleOf(x) === 'permissive-trust-proxy'), 'finding gone after revert');
  });

  it('"Check Session Config in Workspace" reports closed files and skips .gitignore\'d and files.exclude\'d ones', async () => {
    // The same finding in three closed files: one plain, one under lint/.gitignore's `generated/`, one in a
    // folder files.exclude hides. Only the first may be reported.
    const finding = "import cookieSession from 'cookie-session';\nexport const m = cookieSession({ name: 'sid', keys: [process.env.KEY], signed: false, sameSite: 'lax', maxAge: 3600000 });\n";
    const files = { reported: 'check-copy.js', ignored: 'generated/out.js', excluded: 'excluded-by-setting/out.js' };
    for (const rel of Object.values(files)) {
      fs.mkdirSync(path.dirname(fileUri(rel).fsPath), { recursive: true });
      fs.writeFileSync(fileUri(rel).fsPath, finding);
    }
    const config = vscode.workspace.getConfiguration('files');
    await config.update('exclude', { '**/excluded-by-setting': true }, vscode.ConfigurationTarget.Workspace);
    try {
      // The command resolves once every file has been checked and its findings published.
      await vscode.commands.executeCommand('sessionLens.checkWorkspace');
      const closed = await diagnosticsWhere(fileUri('closed.ts'), (d) => d.length > 0, 'findings on closed.ts');
      assert.ok(closed.some((d) => ruleOf(d) === 'unsigned-cookie-session'));
      const copy = await diagnosticsWhere(fileUri(files.reported), (d) => d.length > 0, `findings on ${files.reported}`);
      assert.ok(copy.some((d) => ruleOf(d) === 'unsigned-cookie-session'), 'the same text is a finding where nothing ignores it');
      assert.deepEqual(ours(fileUri(files.ignored)).map(ruleOf), [], 'ignored by lint/.gitignore');
      assert.deepEqual(ours(fileUri(files.excluded)).map(ruleOf), [], 'excluded by files.exclude');
    } finally {
      await config.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      for (const rel of Object.values(files)) fs.rmSync(fileUri(rel).fsPath, { force: true });
      fs.rmSync(path.dirname(fileUri(files.excluded).fsPath), { recursive: true, force: true });
      fs.rmSync(path.dirname(fileUri(files.ignored).fsPath), { recursive: true, force: true });
    }
  });

  it('reports findings in test files as info, and none in files sessionLens.lint.exclude names, open or checked', async () => {
    const finding = "import cookieSession from 'cookie-session';\nexport const m = cookieSession({ name: 'sid', keys: [process.env.KEY], signed: false, sameSite: 'lax', maxAge: 3600000 });\n";
    const files = { plain: 'exclude-plain.js', test: 'test/app.test.js', excluded: 'vendor-copy/out.js' };
    for (const rel of Object.values(files)) {
      fs.mkdirSync(path.dirname(fileUri(rel).fsPath), { recursive: true });
      fs.writeFileSync(fileUri(rel).fsPath, finding);
    }
    const config = vscode.workspace.getConfiguration('sessionLens.lint');
    await config.update('exclude', ['vendor-copy'], vscode.ConfigurationTarget.Workspace);
    try {
      for (const rel of Object.values(files)) await vscode.window.showTextDocument(fileUri(rel), { preview: false });
      const plain = await diagnosticsWhere(fileUri(files.plain), (d) => d.some((x) => ruleOf(x) === 'unsigned-cookie-session'), 'the finding in the plain file');
      assert.ok(plain.filter((d) => ruleOf(d) === 'unsigned-cookie-session').every((d) => d.severity !== vscode.DiagnosticSeverity.Information), 'a plain file keeps the rule\'s severity');
      const inTest = await diagnosticsWhere(fileUri(files.test), (d) => d.some((x) => ruleOf(x) === 'unsigned-cookie-session'), 'the finding in the test file');
      assert.ok(inTest.every((d) => d.severity === vscode.DiagnosticSeverity.Information), 'findings in a test file are info');
      await vscode.commands.executeCommand('sessionLens.checkWorkspace');
      assert.deepEqual(ours(fileUri(files.excluded)).map(ruleOf), [], 'nothing in an excluded file, open or checked');
    } finally {
      await closeAllClean();
      await config.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      for (const rel of Object.values(files)) fs.rmSync(fileUri(rel).fsPath, { force: true });
      fs.rmSync(path.dirname(fileUri(files.excluded).fsPath), { recursive: true, force: true });
      fs.rmSync(path.dirname(fileUri(files.test).fsPath), { recursive: true, force: true });
    }
  });
});
