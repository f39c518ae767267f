// Entry points of the analyzer: lint one source text, and apply fixes (one, or every safe one).
import type * as t from '@babel/types';
import { applyEdits } from './edits';
import { FileModel } from './model';
import { parseSource } from './parse';
import { RULES } from './rules';
import { isSuppressed, suppressions } from './suppress';
import type { FileEdit, Finding, Fix, LintOptions, LintResult, RuleLevel, Severity } from './types';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function lintSource(source: string, fileName: string, options: LintOptions = {}): LintResult {
  let file: t.File;
  try {
    file = parseSource(source, fileName);
  } catch (err) {
    return { findings: [], parseError: firstLine(err) };
  }
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
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const rule of active) {
    const severity = levels(rule.id, rule.defaultLevel) as Severity;
    try {
      rule.check({
        model,
        report(node, message, fixes = []) {
          const loc = node.loc;
          if (!loc) return;
          const key = `${rule.id}:${node.start}:${node.end}`;
          if (seen.has(key) || isSuppressed(suppressed, loc.start.line, rule.id)) return;
          seen.add(key);
          findings.push({
            rule: rule.id, severity, message,
            line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1,
            start: node.start ?? 0, end: node.end ?? 0, fixes,
          });
        },
      });
    } catch {
      // A rule that trips over unusual code reports nothing for this file; the others still run.
    }
  }
  findings.sort((a, b) => a.start - b.start || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.rule.localeCompare(b.rule));
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

/**
 * Applies every safe fix: in rounds, one fix per rule per round (two fixes of one rule may insert the same
 * `cookie: {...}`), re-linting in between so later fixes see the result of earlier ones.
 */
export function fixAll(source: string, fileName: string, options: LintOptions = {}, ruleFilter?: (rule: string) => boolean): FixAllResult {
  let current = source;
  let applied = 0;
  const otherFiles = new Map<string, FileEdit>();
  for (let round = 0; round < 50; round++) {
    const { findings, parseError } = lintSource(current, fileName, options);
    if (parseError) break;
    const chosen: Fix[] = [];
    const rulesUsed = new Set<string>();
    const taken: [number, number][] = [];
    for (const f of findings) {
      if (rulesUsed.has(f.rule) || (ruleFilter && !ruleFilter(f.rule))) continue;
      const fix = f.fixes.find((x) => x.safe);
      if (!fix) continue;
      if (fix.edits.some((e) => taken.some(([s, en]) => e.start <= en && e.end >= s))) continue;
      chosen.push(fix);
      rulesUsed.add(f.rule);
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
