// Public surface of the session-config analyzer (pure: no vscode, no file system).
export { lintSource, applyFix, fixAll } from './analyze';
export type { FixAllResult } from './analyze';
export { applyEdits } from './edits';
export { isLintablePath, LINTABLE_EXTENSIONS } from './parse';
export { PathGlobs, isTestPath } from './paths';
export { INSTALLED_PACKAGES } from './libraries';
export { RULES, RULES_BY_ID } from './rules';
export type { Finding, Fix, FileEdit, LintEnvironment, LintOptions, LintResult, Range, RuleLevel, RuleMeta, Severity, TextEdit } from './types';

export const RULE_LEVELS = ['off', 'info', 'warning', 'error'] as const;

export { ruleDocsUrl } from './sarif';
export { IgnoreRules } from './gitignore';
export { toSarif } from './sarif';
