// The extension's bundles as the release build makes them (esbuild.config.mjs): the activation bundle stays
// small and free of the heavy libraries, each feature's code is in its own bundle, and a module that is in
// more than one bundle is one whose copies cannot disagree.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';

const root = resolve(__dirname, '../../..');
const MAX_ACTIVATION_BYTES = 150 * 1024;
/** Libraries that only a feature bundle may hold. */
const HEAVY = ['@babel/parser', 'ioredis', 'pg', 'jose', 'ws', 'tough-cookie', 'tldts', 'tweetnacl', 'hash-wasm', 'iron-webcrypto', 'sql.js'];
/**
 * Modules allowed in more than one bundle, reviewed: functions and constants only, no state of their own and no
 * class that is checked with `instanceof` across bundles (SessionChangedError is recognised by its name).
 */
const MAY_BE_COPIED = new Set([
  'node_modules/dotenv/lib/main.js', 'node_modules/pg-connection-string/index.js', 'src/core/postgres/target.ts', 'src/core/envFile.ts', 'src/core/lazy.ts', 'src/core/listeners.ts',
  'src/core/secrets/secret.ts', 'src/core/cookies/encoding.ts', 'src/core/cookies/formats/express-session.ts',
  'src/core/lint/docs.ts', 'src/core/lint/edits.ts', 'src/core/lint/gitignore.ts', 'src/core/lint/libraries.ts', 'src/core/lint/memo.ts',
  'src/core/lint/parse.ts', 'src/core/lint/paths.ts', 'src/core/lint/precheck.ts',
  'src/core/redis/url.ts', 'src/core/sessions/describe.ts', 'src/core/sessions/sourceBase.ts', 'src/core/sessions/types.ts', 'src/core/secrets/envFileNames.ts',
  // Pure functions; the one class (InspectorAddressError) is told apart only inside the inspector bundle.
  'src/core/inspector/address.ts', 'src/core/shell.ts',
  // The activation bundle takes only its SESSION_SCHEME constant.
  'src/sessions/sessionFileSystem.ts',
  // Each bundle's one namespace object of the same VS Code API (esbuild.config.mjs).
  'vscode-namespace:vscode',
]);

interface BuiltBundle { file: string; bytes: number; inputs: string[]; requires: string[] }

describe('extension bundles (release build)', function () {
  this.timeout(60_000);
  let bundles: BuiltBundle[];
  let featureNames: string[];

  before(async () => {
    const esbuild = await import('esbuild');
    const config = (await import(pathToFileURL(join(root, 'esbuild.config.mjs')).href)) as typeof import('../../../esbuild.config.mjs');
    featureNames = Object.keys(config.FEATURE_BUNDLES);
    bundles = [];
    for (const options of config.extensionBuilds({ production: true })) {
      const result = await esbuild.build({ ...options, absWorkingDir: root, write: false, logLevel: 'silent' });
      const outputs = (result.metafile as Metafile).outputs;
      for (const [file, output] of Object.entries(outputs)) {
        if (file.endsWith('.map')) continue;
        bundles.push({ file, bytes: output.bytes, inputs: Object.keys(output.inputs), requires: output.imports.filter((i) => i.external).map((i) => i.path) });
      }
    }
  });

  it(`keeps the activation bundle (dist/extension.js) within ${MAX_ACTIVATION_BYTES / 1024} KB, without the heavy libraries`, () => {
    const main = bundles.find((b) => b.file === 'dist/extension.js');
    assert.ok(main, 'dist/extension.js is built');
    assert.ok(main.bytes <= MAX_ACTIVATION_BYTES, `dist/extension.js is ${(main.bytes / 1024).toFixed(1)} KB`);
    const heavy = main.inputs.filter((input) => HEAVY.some((pkg) => input.startsWith(`node_modules/${pkg}/`)));
    assert.deepEqual(heavy, [], 'heavy libraries in the activation bundle');
  });

  it('builds one file per feature bundle, and every bundle requires only files the build makes', () => {
    const files = bundles.map((b) => b.file).sort();
    assert.deepEqual(files, ['dist/extension.js', ...featureNames.map((n) => `dist/features/${n}.js`)].sort());
    for (const bundle of bundles) {
      for (const path of bundle.requires.filter((p) => p.startsWith('.'))) {
        const target = join(bundle.file, '..', path);
        assert.ok(files.includes(target), `${bundle.file} requires ${path}, which the build does not make`);
      }
    }
    // The heavy libraries are each in a feature bundle.
    for (const pkg of ['@babel/parser', 'ioredis', 'pg', 'sql.js', 'jose', 'ws', 'tough-cookie']) {
      const holders = bundles.filter((b) => b.inputs.some((i) => i.startsWith(`node_modules/${pkg}/`))).map((b) => b.file);
      assert.equal(holders.length, 1, `${pkg} is in ${holders.join(', ') || 'no bundle'}`);
      assert.match(holders[0], /^dist\/features\//);
    }
  });

  it('copies into several bundles only modules whose copies cannot disagree', () => {
    const where = new Map<string, string[]>();
    for (const bundle of bundles) for (const input of bundle.inputs) where.set(input, [...(where.get(input) ?? []), bundle.file]);
    const copied = [...where].filter(([input, files]) => files.length > 1 && !MAY_BE_COPIED.has(input)).map(([input, files]) => `${input} (${files.join(', ')})`);
    assert.deepEqual(copied, [], 'modules in several bundles that were not reviewed (module state or classes would split in two)');
  });
});
