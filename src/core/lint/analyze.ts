// Entry points of the analyzer: lint one source text, and apply fixes (one, or every safe one).
import type * as t from '@babel/types';
import { applyEdits } from './edits';
import { FileModel } from './model';
import { parseSource } from './parse';
import { mayConcernSessions } from './precheck';
import type { FixBuilder, FixFile } from './rule';
import { RULES } from './rules';
import { isSuppressed, suppressions } from './suppress';
import type { FileEdit, Finding, Fix, LintOptions, LintResult, RuleLevel, Severity } from './types';

/** See `keptArg`. */
class FixArg {}

/**
 * A rule's fix argument as its finding keeps it: an object literal is copied into a class instance, so the literal
 * the rule wrote dies young. V8 pretenures the allocation site of a literal whose objects survive young-generation
 * collections (as every finding's argument does while one large file is analyzed), and the arguments of every file
 * linted later then went straight to the old generation and kept their syntax trees alive there.
 */
function keptArg(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null || Object.getPrototypeOf(arg) !== Object.prototype) return arg;
  return Object.assign(new FixArg(), arg);
}

/** A finding whose fixes are built on first read (see `FixBuilder`), then kept. */
class LintFinding implements Finding {
  // Private (#) so that neither deepEqual nor a spread sees the builder's state, only the finding's own fields.
  #built: Fix[] | undefined;
  #builder: FixBuilder<unknown> | undefined;
  #arg: unknown;
  #file: FixFile | undefined;
  /** Where the finding's rule and severity sort among this run's rules (see `check`). */
  readonly #rank: number;

  /** Source order; at one position, by severity, then by rule id. */
  static compare(a: LintFinding, b: LintFinding): number {
    return a.start - b.start || a.#rank - b.#rank;
  }

  constructor(
    rank: number,
    readonly rule: string,
    readonly severity: Severity,
    readonly message: string,
    readonly line: number,
    readonly column: number,
    readonly endLine: number,
    readonly endColumn: number,
    readonly start: number,
    readonly end: number,
    builder: FixBuilder<unknown> | undefined,
    arg: unknown,
    file: FixFile | undefined,
  ) {
    this.#rank = rank;
    this.#builder = builder;
    this.#arg = keptArg(arg);
    this.#file = file;
  }

  get fixes(): Fix[] {
    if (this.#built === undefined) {
      try {
        this.#built = this.#builder && this.#file ? this.#builder(this.#file, this.#arg) : [];
      } catch {
        // A fix that trips over unusual code is left out; the finding stands.
        this.#built = [];
      }
      // What the builder read is no longer needed once the fixes exist.
      this.#builder = undefined;
      this.#arg = undefined;
      this.#file = undefined;
    }
    return this.#built;
  }

  /** The plain shape, fixes included (JSON.stringify does not read getters). */
  toJSON(): Finding {
    return {
      rule: this.rule, severity: this.severity, message: this.message, line: this.line, column: this.column,
      endLine: this.endLine, endColumn: this.endColumn, start: this.start, end: this.end, fixes: this.fixes,
    };
  }
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** Each rule id's place in the order of ids. */
const ID_RANK: ReadonlyMap<string, number> = new Map(RULES.map((r) => r.id).sort().map((id, i) => [id, i]));

/**
 * Lints one file. Files that mention nothing a rule looks for (see `mayConcernSessions`) are not parsed at all:
 * they get no findings and no parse error.
 */
export function lintSource(source: string, fileName: string, options: LintOptions = {}): LintResult {
  if (!mayConcernSessions(source)) return { findings: [] };
  return analyzeSource(source, fileName, options);
}

/** `lintSource` without the text pre-check (tests use it to show the pre-check never hides a finding). */
export function analyzeSource(source: string, fileName: string, options: LintOptions = {}): LintResult {
  return analyze(source, fileName, options).result;
}

/** The findings, and the parsed file when there is one (fix all reads its top-level statements). */
function analyze(source: string, fileName: string, options: LintOptions): { result: LintResult; file?: t.File } {
  let file: t.File;
  try {
    file = parseSource(source, fileName);
  } catch (err) {
    return { result: { findings: [], parseError: firstLine(err) } };
  }
  return { result: check(source, file, fileName, options), file };
}

function check(source: string, file: t.File, fileName: string, options: LintOptions): LintResult {
  const levels = (id: string, fallback: RuleLevel): RuleLevel => options.rules?.[id] ?? fallback;
  const active = RULES.filter((r) => levels(r.id, r.defaultLevel) !== 'off');
  if (active.length === 0) return { findings: [] };
  let model: FileModel;
  try {
    model = new FileModel(source, file, fileName, options.environment ?? {});
  } catch (err) {
    return { findings: [], parseError: `analysis failed: ${firstLine(err)}` };
  }
  const suppressed = suppressions(file.comments);
  const findings: LintFinding[] = [];
  const fixFile: FixFile = { source, style: model.style, environment: model.environment };
  // A rule reports a range once. Ranges are keyed by one number (start * (length + 1) + end, exact below 2^53).
  const seen = new Set<number | string>();
  const span = source.length + 1;
  const numericKeys = span < 2 ** 26;
  for (const rule of active) {
    const level = levels(rule.id, rule.defaultLevel) as Severity;
    // Tests, fixtures and examples hold deliberately simple setups: reported, but as info.
    const severity: Severity = options.testFile ? 'info' : level;
    seen.clear();
    // A rule's findings share its severity, so one number orders findings of equal position: by severity, then by rule id.
    const rank = SEVERITY_ORDER[severity] * RULES.length + (ID_RANK.get(rule.id) ?? 0);
    try {
      rule.check({
        model,
        report<A>(node: t.Node, message: string, fixes?: FixBuilder<A>, arg?: A) {
          const loc = node.loc;
          if (!loc) return;
          const start = node.start ?? 0;
          const end = node.end ?? 0;
          const key = numericKeys ? start * span + end : `${start}:${end}`;
          if (seen.has(key) || isSuppressed(suppressed, loc.start.line, rule.id)) return;
          seen.add(key);
          findings.push(new LintFinding(
            rank, rule.id, severity, message, loc.start.line, loc.start.column + 1, loc.end.line, loc.end.column + 1, start, end,
            fixes as FixBuilder<unknown> | undefined, arg, fixes ? fixFile : undefined,
          ));
        },
      });
    } catch {
      // A rule that trips over unusual code reports nothing for this file; the others still run.
    }
  }
  findings.sort(LintFinding.compare);
  return { findings };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}

export function applyFix(source: string, fix: Fix): string {
  return applyEdits(source, fix.edits);
}

export interface FixAllResult {
  source: string;
  /** Edits of other files (e.g. `.env.example`), merged by path; each applies to that file's original text. */
  otherFiles: FileEdit[];
  applied: number;
}

/** Rounds of fix all: each re-lints the file; fixes that still apply after this many rounds are left alone. */
const FIX_ALL_ROUNDS = 20;

/**
 * Applies every safe fix, in rounds that re-lint in between so later fixes see the result of earlier ones. A
 * round applies every safe fix whose edits do not touch another's, except that a rule gets one fix per top-level
 * statement per round: two fixes of one rule on the same session setup may both insert `cookie: {...}`.
 */
export function fixAll(source: string, fileName: string, options: LintOptions = {}, ruleFilter?: (rule: string) => boolean): FixAllResult {
  let current = source;
  let applied = 0;
  const otherFiles = new Map<string, FileEdit>();
  for (let round = 0; round < FIX_ALL_ROUNDS; round++) {
    if (!mayConcernSessions(current)) break;
    const { result, file } = analyze(current, fileName, options);
    if (result.parseError || !file) break;
    const statements = file.program.body;
    const chosen: Fix[] = [];
    const used = new Set<string>();
    const taken: [number, number][] = [];
    for (const f of result.findings) {
      if (ruleFilter && !ruleFilter(f.rule)) continue;
      const fix = f.fixes.find((x) => x.safe);
      if (!fix) continue;
      const key = `${f.rule}@${statementIndex(statements, f.start)}`;
      if (used.has(key)) continue;
      if (fix.edits.some((e) => taken.some(([s, en]) => e.start <= en && e.end >= s))) continue;
      chosen.push(fix);
      used.add(key);
      for (const e of fix.edits) taken.push([e.start, e.end]);
    }
    if (chosen.length === 0) break;
    const next = applyEdits(current, chosen.flatMap((f) => f.edits));
    if (next === current) break;
    current = next;
    applied += chosen.length;
    for (const f of chosen) {
      for (const other of f.otherFiles ?? []) if (!otherFiles.has(other.path)) otherFiles.set(other.path, other);
    }
  }
  return { source: current, otherFiles: [...otherFiles.values()], applied };
}

/** The index of the top-level statement that holds `offset` (binary search), or -1 outside all of them. */
function statementIndex(statements: readonly t.Node[], offset: number): number {
  let lo = 0;
  let hi = statements.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = statements[mid];
    if (offset < (s.start ?? 0)) hi = mid - 1;
    else if (offset >= (s.end ?? 0)) lo = mid + 1;
    else return mid;
  }
  return -1;
}
