// Test-file detection and exclude globs, on paths relative to the project.
import assert from 'node:assert/strict';
import { PathGlobs, isTestPath } from '../../../src/core/lint';

describe('lint paths', () => {
  it('tests, fixtures and examples are test paths; the project around them is not', () => {
    for (const p of ['test/app.js', 'tests/unit/a.ts', 'src/__tests__/login.tsx', 'packages/api/spec/x.js', 'src/login.test.ts', 'src/auth.spec.js',
      'app.e2e-spec.ts', 'session_test.js', 'test/fixtures/app/server.js', 'examples/basic/index.js', 'example/app.mjs', 'src/__mocks__/res.js', 'e2e/login.js']) {
      assert.equal(isTestPath(p), true, p);
    }
    for (const p of ['src/app.js', 'server.ts', 'src/testing.js', 'src/latest.js', 'src/contest/app.js', 'routes/login.js', 'docs/test.md.js.txt']) {
      assert.equal(isTestPath(p), false, p);
    }
    assert.equal(isTestPath('.\\test\\app.js'), true, 'Windows separators');
  });

  it('globs: names at any depth, paths from the start, folders exclude what is below', () => {
    const globs = new PathGlobs(['fixtures', '*.stories.{ts,tsx}', 'examples/**', 'src/legacy/', '/root.js', 'lib/gen-?.js', '**/vendor/*.min.js']);
    for (const p of ['test/fixtures/app.js', 'fixtures/a.js', 'ui/Button.stories.tsx', 'examples/a/b.js', 'src/legacy/old.js', 'src/legacy/deep/x.ts', 'root.js',
      'lib/gen-1.js', 'vendor/a.min.js', 'pkg/vendor/b.min.js']) {
      assert.equal(globs.matches(p), true, p);
    }
    for (const p of ['src/app.js', 'src/fixtures.js', 'ui/Button.tsx', 'src/examples/a.js', 'src/legacy.js', 'pkg/root.js', 'lib/gen-12.js', 'vendor/deep/a.min.js']) {
      assert.equal(globs.matches(p), false, p);
    }
    assert.equal(new PathGlobs([]).matches('a.js'), false);
    assert.equal(new PathGlobs(['**']).matches('a/b.js'), true);
    assert.equal(new PathGlobs(['[ab].js']).matches('b.js'), true);
  });

  it('long paths and many stars match in linear time', () => {
    const globs = new PathGlobs(['**/a*a*a*a*a*a*a*b/**']);
    const started = Date.now();
    assert.equal(globs.matches(`${'a'.repeat(2000)}/x.js`), false);
    assert.ok(Date.now() - started < 500);
  });
});
