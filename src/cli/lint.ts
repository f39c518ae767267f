// `session-lens lint [--format text|json|sarif] [--rule ID=LEVEL]... [--exclude GLOB]... [--fix] <paths...>`
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { Finding, INSTALLED_PACKAGES, IgnoreRules, LintEnvironment, PathGlobs, RULE_LEVELS, RULES_BY_ID, RuleLevel, applyEdits, fixAll, isLintablePath, isTestPath, lintSource, toSarif } from '../core/lint';
import { CliIo, Subcommand, UsageError } from './io';

const HELP = `Usage: session-lens lint [options] <paths...>

Finds insecure session configuration (express-session, cookie-session, @fastify/session,
@fastify/secure-session, koa-session, iron-session, cookie-parser, csurf, res.cookie, Set-Cookie)
in .js .cjs .mjs .jsx .ts .cts .mts .tsx files. Directories are walked, skipping node_modules and
paths ignored by .gitignore.

Findings in tests, fixtures and examples (folders test, tests, __tests__, spec, specs, __mocks__,
fixtures, __fixtures__, e2e, cypress, example, examples; files *.test.*, *.spec.*, *-test.*,
*_test.*) are reported as info.

Options:
  --format text|json|sarif   Output format (default: text).
  --rule ID=LEVEL            Set a rule to off, info, warning or error (repeatable).
  --exclude GLOB             Skip files and folders matching GLOB (repeatable): a glob without /
                             matches a name at any depth (fixtures, *.stories.ts), one with /
                             the path from the current directory (examples/**, src/legacy).
  --fix                      Apply every safe fix, then report what is left.
  -h, --help                 Show this help.

Exit status: 1 when an error- or warning-level finding is reported, 0 otherwise, 2 on bad usage.
`;

type Format = 'text' | 'json' | 'sarif';

interface FileReport { path: string; findings: Finding[] }

export const lint: Subcommand = async (args: string[], io: CliIo) => {
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string', default: 'text' },
      rule: { type: 'string', multiple: true, default: [] },
      exclude: { type: 'string', multiple: true, default: [] },
      fix: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) { io.stdout(HELP); return 0; }
  const format = values.format as Format;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown --format '${format}'; use text, json or sarif`);
  const rules = parseRuleFlags(values.rule ?? []);
  if (positionals.length === 0) throw new UsageError('no paths given; run `session-lens lint --help`');
  const cwd = process.cwd();
  const excluded = new PathGlobs(values.exclude ?? []);
  // Globs and the test-file check see paths relative to the current directory, or to the path given when the
  // files lie outside it.
  const projectPath = new Map<string, string>();
  const files: string[] = [];
  for (const p of positionals) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new UsageError(`no such file or directory: ${p}`);
    const isDir = statSync(abs).isDirectory();
    const base = isInside(cwd, abs) ? cwd : isDir ? abs : dirname(abs);
    const rel = (file: string) => relative(base, file).split(sep).join('/');
    const found: string[] = [];
    if (isDir) collectFiles(abs, found, (dir) => excluded.matches(rel(dir)));
    else found.push(abs);
    for (const file of found) {
      if (excluded.matches(rel(file))) continue;
      files.push(file);
      if (!projectPath.has(file)) projectPath.set(file, rel(file));
    }
  }
  const environments = new EnvironmentCache();
  const reports: FileReport[] = [];
  for (const file of [...new Set(files)].sort()) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (err) {
      io.stderr(`session-lens: cannot read ${relative(cwd, file)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}\n`);
      continue;
    }
    const environment = environments.for(file);
    const options = { rules, environment, testFile: isTestPath(projectPath.get(file) ?? file) };
    if (values.fix) {
      const fixed = fixAll(source, file, options);
      if (fixed.source !== source) { writeFileSync(file, fixed.source); source = fixed.source; }
      for (const other of fixed.otherFiles) {
        const current = existsSync(other.path) ? readFileSync(other.path, 'utf8') : '';
        const alreadyThere = other.edits.every((e) => current.includes(e.text.trim()));
        if (!alreadyThere) writeFileSync(other.path, applyEdits(current, other.edits.map((e) => ({ ...e, start: current.length, end: current.length }))));
        environments.forget();
      }
    }
    const result = lintSource(source, file, options);
    if (result.parseError) io.stderr(`session-lens: skipped ${relative(cwd, file)}: ${result.parseError}\n`);
    reports.push({ path: relative(cwd, file).split(sep).join('/'), findings: result.findings });
  }
  if (format === 'json') io.stdout(`${JSON.stringify({ files: reports.map((r) => ({ path: r.path, findings: r.findings.map(toJson) })) }, null, 2)}\n`);
  else if (format === 'sarif') io.stdout(`${JSON.stringify(toSarif(reports, version), null, 2)}\n`);
  else io.stdout(toText(reports));
  return reports.some((r) => r.findings.some((f) => f.severity === 'error' || f.severity === 'warning')) ? 1 : 0;
};

function parseRuleFlags(flags: string[]): Record<string, RuleLevel> {
  const rules: Record<string, RuleLevel> = {};
  for (const flag of flags) {
    const m = /^([\w-]+)=(\w+)$/.exec(flag);
    if (!m) throw new UsageError(`--rule expects ID=LEVEL, got '${flag}'`);
    if (!RULES_BY_ID.has(m[1])) throw new UsageError(`unknown rule '${m[1]}'`);
    if (!(RULE_LEVELS as readonly string[]).includes(m[2])) throw new UsageError(`unknown level '${m[2]}' for ${m[1]}; use off, info, warning or error`);
    rules[m[1]] = m[2] as RuleLevel;
  }
  return rules;
}

function toJson(f: Finding) {
  return {
    rule: f.rule, severity: f.severity, message: f.message, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
    fixes: f.fixes.map((x) => ({ title: x.title, safe: x.safe, preferred: x.preferred, edits: x.edits })),
  };
}

function toText(reports: FileReport[]): string {
  const lines: string[] = [];
  const count = { error: 0, warning: 0, info: 0 };
  for (const r of reports) {
    for (const f of r.findings) {
      count[f.severity]++;
      lines.push(`${r.path}:${f.line}:${f.column}: ${f.severity} ${f.rule}: ${f.message}`);
    }
  }
  const total = count.error + count.warning + count.info;
  lines.push(total === 0 ? `No problems in ${reports.length} file${reports.length === 1 ? '' : 's'}.`
    : `${total} problem${total === 1 ? '' : 's'} (${count.error} error${count.error === 1 ? '' : 's'}, ${count.warning} warning${count.warning === 1 ? '' : 's'}, ${count.info} info) in ${reports.length} file${reports.length === 1 ? '' : 's'}.`);
  return `${lines.join('\n')}\n`;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Walks a directory, skipping node_modules, .git, everything the .gitignore files on the way ignore and the
 * folders `skipDir` (the exclude globs) rejects.
 */
function collectFiles(root: string, out: string[], skipDir: (dir: string) => boolean): void {
  const ignore = new IgnoreRules();
  for (const dir of ancestorsUpToRepo(root).reverse()) {
    const gi = join(dir, '.gitignore');
    if (existsSync(gi)) {
      const base = relative(dir, root).split(sep).join('/');
      // Patterns of an ancestor apply relative to that ancestor: re-root them by matching with the prefix.
      ignore.add('', prefixPatterns(readFileSync(gi, 'utf8'), base));
    }
  }
  const walk = (dir: string, rel: string) => {
    const gi = join(dir, '.gitignore');
    if (rel !== '' && existsSync(gi)) ignore.add(rel, readFileSync(gi, 'utf8'));
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name === 'node_modules' || e.name === '.git' || ignore.ignores(childRel, true) || skipDir(join(dir, e.name))) continue;
        walk(join(dir, e.name), childRel);
      } else if (e.isFile() && isLintablePath(e.name) && !ignore.ignores(childRel, false)) {
        out.push(join(dir, e.name));
      }
    }
  };
  const rootIgnore = join(root, '.gitignore');
  if (existsSync(rootIgnore)) ignore.add('', readFileSync(rootIgnore, 'utf8'));
  walk(root, '');
}

/** Directories above `dir` up to (and including) the one holding `.git`; none when not in a repository. */
function ancestorsUpToRepo(dir: string): string[] {
  const out: string[] = [];
  for (let d = dirname(dir); ; d = dirname(d)) {
    out.push(d);
    if (existsSync(join(d, '.git'))) return out;
    if (dirname(d) === d) return [];
  }
}

/**
 * Keeps the patterns of an ancestor's .gitignore that can match below `base` (the walk root relative to the
 * ancestor), rewritten relative to the walk root. Unanchored patterns apply everywhere and are kept as they are.
 */
function prefixPatterns(text: string, base: string): string {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const negate = raw.startsWith('!');
    const line = negate ? raw.slice(1) : raw;
    if (!line.trim() || line.startsWith('#')) continue;
    const anchored = line.replace(/\/$/, '').includes('/');
    if (!anchored) { out.push(raw); continue; }
    const path = line.replace(/^\//, '');
    if (path.startsWith(`${base}/`)) out.push(`${negate ? '!' : ''}/${path.slice(base.length + 1)}`);
  }
  return out.join('\n');
}

/**
 * The nearest package.json's dependencies, a `.env.example` beside it, and the installed versions of the packages
 * rules ask about (`node_modules/<name>/package.json` there or in a folder above, as Node resolves), per directory.
 */
class EnvironmentCache {
  private readonly cache = new Map<string, LintEnvironment>();

  forget(): void { this.cache.clear(); }

  for(file: string): LintEnvironment {
    const dir = dirname(file);
    const cached = this.cache.get(dir);
    if (cached) return cached;
    let env: LintEnvironment = {};
    for (let d = dir; ; d = dirname(d)) {
      const pkg = join(d, 'package.json');
      if (existsSync(pkg)) {
        try {
          const json = JSON.parse(readFileSync(pkg, 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
          env = { dependencies: { ...json.devDependencies, ...json.dependencies } };
        } catch { /* an unreadable package.json gives no facts */ }
        const installed = installedVersions(d);
        if (installed) env.installed = installed;
        const example = join(d, '.env.example');
        if (existsSync(example)) env.envExample = { path: example, text: readFileSync(example, 'utf8') };
        break;
      }
      if (dirname(d) === d) break;
    }
    this.cache.set(dir, env);
    return env;
  }
}

function installedVersions(dir: string): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const name of INSTALLED_PACKAGES) {
    for (let d = dir; ; d = dirname(d)) {
      const manifest = join(d, 'node_modules', name, 'package.json');
      if (existsSync(manifest)) {
        try {
          const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown };
          if (typeof version === 'string') (out ??= {})[name] = version;
        } catch { /* unreadable: the declared range decides */ }
        break;
      }
      if (dirname(d) === d) break;
    }
  }
  return out;
}
