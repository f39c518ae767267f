// One fixture folder per rule (test/fixtures/lint/<rule>/): every `expect: <rule>` marker must be reported on
// its line and nothing else of that rule; `fix.*` files are fixed one finding at a time until the rule is quiet.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, applyFix } from '../../../src/core/lint';
import { FIXTURES, assertParses, expectedLines, lintFile } from './helpers';

const ruleDirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory() && RULES.some((r) => r.id === d.name)).map((d) => d.name);

describe('lint rules (fixtures)', () => {
  it('has a fixture folder with positive and negative cases for every rule', () => {
    const missing = RULES.map((r) => r.id).filter((id) => {
      const files = ruleDirs.includes(id) ? readdirSync(join(FIXTURES, id)) : [];
      return !files.some((f) => f.startsWith('positive')) || !files.some((f) => f.startsWith('negative'));
    });
    assert.deepEqual(missing, []);
  });

  it('documents every rule in docs/rules/<id>.md', () => {
    const docs = join(__dirname, '../../../docs/rules');
    const undocumented = RULES.map((r) => r.id).filter((id) => !existsSync(join(docs, `${id}.md`)));
    assert.deepEqual(undocumented, []);
  });

  for (const rule of ruleDirs) {
    describe(rule, () => {
      const files = readdirSync(join(FIXTURES, rule)).filter((f) => /^(positive|negative)/.test(f) && !f.endsWith('.json'));
      for (const name of files) {
        it(`${name}: reports exactly the marked lines`, () => {
          const file = join(FIXTURES, rule, name);
          const source = readFileSync(file, 'utf8');
          const result = lintFile(file, source);
          assert.equal(result.parseError, undefined);
          const lines = result.findings.filter((f) => f.rule === rule).map((f) => f.line);
          const expected = expectedLines(source, rule);
          if (name.startsWith('negative')) assert.equal(expected.length, 0, 'negative fixtures carry no markers');
          else assert.ok(expected.length > 0, 'positive fixtures carry markers');
          assert.deepEqual([...new Set(lines)].sort((a, b) => a - b), expected, `findings: ${JSON.stringify(result.findings.filter((f) => f.rule === rule), null, 1)}`);
          for (const f of result.findings) {
            assert.ok(f.line >= 1 && f.column >= 1 && (f.endLine > f.line || f.endColumn > f.column), 'ranges are 1-based and not empty');
            assert.match(f.message, /^[A-Za-z'$@`].*\.$/, 'one sentence');
            assert.equal(f.message.split(/\.\s/).length, 1, `one sentence: ${f.message}`);
          }
        });
      }
      const fixFiles = readdirSync(join(FIXTURES, rule)).filter((f) => f.startsWith('fix.'));
      for (const name of fixFiles) {
        it(`${name}: each quick fix parses and re-linting ends with no finding of the rule`, () => {
          const file = join(FIXTURES, rule, name);
          let source = readFileSync(file, 'utf8');
          const initial = lintFile(file, source).findings.filter((f) => f.rule === rule);
          assert.ok(initial.length > 0, 'the fix fixture has findings');
          for (let round = 0; round < 20; round++) {
            const findings = lintFile(file, source).findings.filter((f) => f.rule === rule);
            if (findings.length === 0) break;
            const withFix = findings.find((f) => f.fixes.length > 0);
            assert.ok(withFix, `every finding has a fix: ${JSON.stringify(findings.map((f) => `${f.line}: ${f.message}`))}`);
            assert.ok(withFix.fixes.filter((x) => x.preferred).length <= 1, 'at most one preferred fix');
            source = applyFix(source, withFix.fixes[0]);
            assert.doesNotThrow(() => assertParses(source, file), `fixed code parses:\n${source}`);
          }
          assert.deepEqual(lintFile(file, source).findings.filter((f) => f.rule === rule), [], `after fixes:\n${source}`);
        });
      }
    });
  }
});
