// "Check Session Config in Workspace": lints every JS/TS file (files.exclude, sessionLens.lint.exclude, .gitignore
// and node_modules respected) with progress, and shows the findings of closed files too.
import * as vscode from 'vscode';
import { lintEngine } from '../common/featureBundles';
import { IgnoreRules } from '../core/lint/gitignore';
import { isLintablePath } from '../core/lint/parse';
import { readText } from './environment';
import type { SessionLinter } from './linter';

export interface WorkspaceCheckResult { files: number; findings: number; cancelled: boolean }

export async function checkWorkspace(linter: SessionLinter, token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<WorkspaceCheckResult> {
  // `undefined` exclude = files.exclude applies; node_modules and .gitignore are filtered below.
  const candidates = await vscode.workspace.findFiles('**/*.{js,cjs,mjs,jsx,ts,cts,mts,tsx}', undefined, undefined, token);
  const ignores = await gitignores(token);
  const files = candidates.filter((uri) => isLintablePath(uri.path) && !/(^|\/)node_modules\//.test(uri.path) && !isIgnored(ignores, uri) && !linter.fileFacts(uri).excluded);
  const settings = linter.currentSettings;
  let findings = 0;
  let done = 0;
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
  for (const uri of files) {
    if (token?.isCancellationRequested) return { files: done, findings, cancelled: true };
    done++;
    if (done % 25 === 0) {
      progress?.report({ message: `${done}/${files.length} files`, increment: (25 / files.length) * 100 });
      await new Promise((r) => setImmediate(r));
    }
    if (open.has(uri.toString())) { findings += linter.result(uri)?.findings.length ?? 0; continue; }
    const text = await readText(uri);
    if (text === undefined) continue;
    const environment = await linter.environments.for(uri);
    const result = lintEngine().lintSource(text, uri.path, { rules: settings.rules, environment, testFile: linter.fileFacts(uri).testFile });
    findings += result.findings.length;
    linter.publish(uri, { version: undefined, text, findings: result.findings, environment });
  }
  return { files: done, findings, cancelled: false };
}

async function gitignores(token?: vscode.CancellationToken): Promise<Map<string, IgnoreRules>> {
  const out = new Map<string, IgnoreRules>();
  const found = await vscode.workspace.findFiles('**/.gitignore', '**/node_modules/**', 500, token);
  for (const uri of found) {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) continue;
    const text = await readText(uri);
    if (text === undefined) continue;
    const rules = out.get(folder.uri.toString()) ?? new IgnoreRules();
    const base = vscode.workspace.asRelativePath(vscode.Uri.joinPath(uri, '..'), false);
    rules.add(base === vscode.workspace.asRelativePath(folder.uri, false) ? '' : base, text);
    out.set(folder.uri.toString(), rules);
  }
  return out;
}

function isIgnored(ignores: Map<string, IgnoreRules>, uri: vscode.Uri): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const rules = folder && ignores.get(folder.uri.toString());
  if (!rules || !folder) return false;
  const rel = uri.path.slice(folder.uri.path.replace(/\/$/, '').length + 1);
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) if (rules.ignores(parts.slice(0, i).join('/'), true)) return true;
  return rules.ignores(rel, false);
}
