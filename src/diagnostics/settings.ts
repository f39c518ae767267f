// The diagnostics settings, typed once (mirrors package.json `contributes.configuration`).
import * as vscode from 'vscode';
import type { RuleLevel } from '../core/lint';

const RULE_LEVELS: readonly RuleLevel[] = ['off', 'info', 'warning', 'error'];

export interface LintSettings {
  enable: boolean;
  workspace: boolean;
  rules: Record<string, RuleLevel>;
  /** Globs of files and folders not to check (`sessionLens.lint.exclude`), relative to the workspace folder. */
  exclude: string[];
}

export function readLintSettings(scope?: vscode.ConfigurationScope): LintSettings {
  const config = vscode.workspace.getConfiguration('sessionLens', scope);
  const raw = config.get<Record<string, unknown>>('rules') ?? {};
  const rules: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(raw)) {
    // Ids of rules that do not exist are kept: the analyzer ignores them (and need not load to check them).
    if (typeof level === 'string' && (RULE_LEVELS as readonly string[]).includes(level)) rules[id] = level as RuleLevel;
  }
  const exclude = (config.get<unknown[]>('lint.exclude') ?? []).filter((g): g is string => typeof g === 'string' && g.trim() !== '');
  return { enable: config.get<boolean>('lint.enable', true), workspace: config.get<boolean>('lint.workspace', false), rules, exclude };
}

export function affectsLintSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('sessionLens.rules') || e.affectsConfiguration('sessionLens.lint');
}
