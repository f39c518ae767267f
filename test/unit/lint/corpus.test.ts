// The regression corpus (test/fixtures/lint/corpus/<case>/): small apps written the way real projects are, each
// with an expected.json listing the findings of the rules it is about. Each case runs through the CLI from the
// case's folder, as a user would (`session-lens lint --format json .`), so package.json, node_modules, test-file
// paths and --exclude count as they do for real.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../../src/cli/lint';
import type { CliIo } from '../../../src/cli/io';
import { FIXTURES } from './helpers';

const CORPUS = join(FIXTURES, 'corpus');

interface ExpectedFinding { file: string; line: number; rule: string; severity: string; column?: number; endColumn?: number; message?: string }
interface Expected {
  about: string;
  /** Extra CLI arguments (`--exclude`). */
  args?: string[];
  /** The rules compared exactly; other rules' findings are ignored. */
  rules: string[];
  findings: ExpectedFinding[];
  /** The files reported, when the case is about which files are linted. */
  files?: string[];
  /** Path prefix -> the highest severity any finding (of any rule) may have there. */
  maxSeverity?: Record<string, string>;
}
interface JsonFinding { rule: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number }

const ORDER: Record<string, number> = { info: 0, warning: 1, error: 2 };

async function lintCase(dir: string, args: string[]): Promise<{ path: string; findings: JsonFinding[] }[]> {
  let out = '';
  const io: CliIo = { stdout: (t) => { out += t; }, stderr: () => {}, readStdin: async () => '', env: {} };
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await lint(['--format', 'json', ...args, '.'], io);
  } finally {
    process.chdir(cwd);
  }
  return (JSON.parse(out) as { files: { path: string; findings: JsonFinding[] }[] }).files;
}

const key = (f: { file: string; line: number; rule: string }) => `${f.file}:${String(f.line).padStart(5, '0')}:${f.rule}`;

describe('lint regression corpus', () => {
  const cases = readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it('has cases for every behaviour of the handler and cookie rules', () => {
    assert.ok(cases.length >= 23, cases.join(', '));
  });

  for (const name of cases) {
    const dir = join(CORPUS, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    it(`${name}: ${expected.about}`, async () => {
      const files = await lintCase(dir, expected.args ?? []);
      if (expected.files) assert.deepEqual(files.map((f) => f.path).sort(), [...expected.files].sort(), 'files linted');
      const actual = files.flatMap((f) => f.findings.filter((x) => expected.rules.includes(x.rule)).map((x) => ({ file: f.path, ...x })))
        .sort((a, b) => key(a).localeCompare(key(b)));
      const wanted = [...expected.findings].sort((a, b) => key(a).localeCompare(key(b)));
      const show = JSON.stringify(actual.map((a) => `${a.file}:${a.line}:${a.column}-${a.endColumn} ${a.severity} ${a.rule}: ${a.message}`), null, 1);
      assert.deepEqual(actual.map((a) => `${key(a)} ${a.severity}`), wanted.map((w) => `${key(w)} ${w.severity}`), show);
      wanted.forEach((w, i) => {
        const a = actual[i];
        if (w.column !== undefined) assert.equal(a.column, w.column, `${key(w)} column`);
        if (w.endColumn !== undefined) assert.equal(a.endColumn, w.endColumn, `${key(w)} endColumn`);
        if (w.message !== undefined) assert.ok(a.message.includes(w.message), `${key(w)}: ${a.message}`);
      });
      for (const [prefix, max] of Object.entries(expected.maxSeverity ?? {})) {
        for (const f of files.filter((x) => x.path.startsWith(prefix))) {
          for (const x of f.findings) assert.ok(ORDER[x.severity] <= ORDER[max], `${f.path}:${x.line} ${x.rule} is ${x.severity}`);
        }
      }
    });
  }
});
