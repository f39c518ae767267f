// Shared shapes of the session-config analyzer: findings, fixes, rule metadata and settings.

export type Severity = 'error' | 'warning' | 'info';
export type RuleLevel = Severity | 'off';

/** A replacement of the source text between two 0-based offsets. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** An edit of another file next to the linted one (for now: adding a name to `.env.example`). */
export interface FileEdit {
  path: string;
  edits: TextEdit[];
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  otherFiles?: FileEdit[];
  /** Mechanical and behaviour-preserving enough to be applied by "fix all" and `--fix`. */
  safe: boolean;
  /** The one fix an editor may apply with the quick-fix shortcut. */
  preferred: boolean;
}

/** 1-based lines and columns; `endColumn` is the column just after the last character. */
export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Finding extends Range {
  rule: string;
  severity: Severity;
  message: string;
  /** 0-based offsets of the same range, for editors. */
  start: number;
  end: number;
  /** Built on first read from what the rule recorded (findings from `lintSource` are `LintFinding`s), then kept. */
  readonly fixes: Fix[];
}

export interface RuleMeta {
  id: string;
  defaultLevel: RuleLevel;
  /** One sentence: what the rule looks for. */
  description: string;
}

/** Facts about the project around the file, found by the adapter (CLI or editor), not by the core. */
export interface LintEnvironment {
  /** `dependencies` + `devDependencies` of the nearest package.json. */
  dependencies?: Record<string, string>;
  /**
   * Versions installed in `node_modules` (next to that package.json or above it) of the packages whose version a
   * rule reads (`INSTALLED_PACKAGES`); an installed version wins over the declared range.
   */
  installed?: Record<string, string>;
  /** A `.env.example` next to the project, when there is one (the secret fix adds its name there). */
  envExample?: { path: string; text: string };
}

export interface LintOptions {
  /** Rule id -> level; ids not listed keep their default. */
  rules?: Record<string, RuleLevel>;
  environment?: LintEnvironment;
  /**
   * The file is a test, fixture or example (see `isTestPath`, decided by the adapter from the path relative to
   * the project): its error and warning findings are reported as info.
   */
  testFile?: boolean;
}

export interface LintResult {
  findings: Finding[];
  /** Set when the file could not be parsed at all (the analyzer then reports nothing). */
  parseError?: string;
}
