// Bundles the extension and the CLI (dist/cli.js); `--production` minifies, `--watch` rebuilds on change.
// The host test suite is bundled to out/host-suite/ for the test runners.
//
// The extension is several bundles. dist/extension.js (what package.json's `main` names) holds only what
// activation needs: commands, views and providers registered, the cheap text pre-check. Each feature's heavy
// code is a bundle of its own in dist/features/, required the first time the feature is used: the source
// keeps a plain `require('../core/lint')` inside a loader function, and the build turns it into
// `require('./features/analysis.js')` (FEATURE_BUNDLES below). Run from source (tests, tsx) the same require
// loads the TypeScript module, so both ways behave alike.
import * as esbuild from 'esbuild';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

/** Each feature bundle and the source modules it holds; a module named here is in that bundle and no other. */
export const FEATURE_BUNDLES = {
  // The VS Code side of every feature (commands, views, providers), started on first use by src/extension.ts.
  ui: ['src/ui.ts'],
  // The session-config analyzer (lint rules, session setups read from code) and @babel/parser.
  analysis: ['src/core/lint/index.ts', 'src/core/setups/index.ts'],
  // The cookie formats and their crypto (jose, tweetnacl, hash-wasm, iron-webcrypto, tough-cookie).
  cookies: ['src/core/cookies/decode.ts'],
  // The Redis session source and ioredis.
  redis: ['src/core/redis/redisSessionSource.ts'],
  // The PostgreSQL session source (connect-pg-simple's table) and pg.
  postgres: ['src/core/postgres/pgSessionSource.ts'],
  // The SQLite session source and sql.js (its WebAssembly inlined: no file beside the bundle).
  sqlite: ['src/core/sqlite/sqliteSessionSource.ts'],
  // The session-file-store source (a directory of session files).
  files: ['src/core/files/fileSessionSource.ts'],
  // The Node inspector client (ws) and the in-process session source; the browser cookie client, which shares them.
  inspector: ['src/core/inspector/inspectorSource.ts', 'src/core/browser/index.ts'],
};

const moduleToBundle = new Map(
  Object.entries(FEATURE_BUNDLES).flatMap(([name, modules]) => modules.map((m) => [resolve(root, m), name])),
);

/** The source module a relative import names (`../core/lint` → …/src/core/lint/index.ts), if it is a feature bundle's. */
function featureModule(importPath, resolveDir) {
  const base = resolve(resolveDir, importPath);
  return [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => moduleToBundle.has(candidate));
}

/**
 * Turns imports of another bundle's modules into a run-time require of that bundle's file, relative to the
 * importing bundle's own file. `own` is the bundle being built (undefined for dist/extension.js).
 */
function featureBundlesPlugin(own, outfile) {
  return {
    name: 'feature-bundles',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const module = featureModule(args.path, args.resolveDir);
        if (!module) return undefined;
        const bundle = moduleToBundle.get(module);
        if (bundle === own) return undefined;
        let path = relative(dirname(outfile), join(root, 'dist/features', `${bundle}.js`));
        if (!path.startsWith('.')) path = `./${path}`;
        return { path, external: true };
      });
    },
  };
}

/**
 * Every `import * as vscode from 'vscode'` shares one namespace object. Left alone, esbuild gives each importing
 * file its own copy of the API's hundreds of properties (`__toESM`), which cost milliseconds at activation.
 */
const oneVscodeNamespacePlugin = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-namespace'
      ? { path: 'vscode', external: true }
      : { path: 'vscode', namespace: 'vscode-namespace' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-namespace' }, () => ({ contents: 'export * from "vscode";', loader: 'js' }));
  },
};

/** The esbuild options of the extension's bundles: dist/extension.js and one per feature. */
export function extensionBuilds({ production }) {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    minify: production,
    sourcemap: production ? 'linked' : 'inline',
    sourcesContent: !production,
    logLevel: 'info',
    legalComments: 'none',
    metafile: true,
    external: ['vscode'],
  };
  const main = {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    // Marks when the bundle starts evaluating, so activation can log how long loading the code took.
    banner: { js: 'globalThis.__sessionLensLoadStart = performance.now();' },
    plugins: [oneVscodeNamespacePlugin, featureBundlesPlugin(undefined, join(root, 'dist/extension.js'))],
  };
  const features = Object.entries(FEATURE_BUNDLES).map(([name, modules]) => {
    const outfile = join(root, 'dist/features', `${name}.js`);
    return {
      ...common,
      // One entry that re-exports every module of the bundle.
      stdin: {
        contents: modules.map((m) => `export * from ${JSON.stringify(`./${m.replace(/\.ts$/, '')}`)};`).join('\n'),
        resolveDir: root,
        sourcefile: `features/${name}.ts`,
        loader: 'ts',
      },
      outfile: relative(root, outfile),
      plugins: [oneVscodeNamespacePlugin, featureBundlesPlugin(name, outfile)],
    };
  });
  return [main, ...features];
}

function allBuilds({ production }) {
  const common = {
    bundle: true, platform: 'node', format: 'cjs', target: 'node18', minify: production,
    sourcemap: production ? 'linked' : 'inline', sourcesContent: !production, logLevel: 'info', legalComments: 'none',
  };
  return [
    ...extensionBuilds({ production }),
    { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' },
    {
      ...common,
      minify: false,
      sourcemap: 'inline',
      // Every host test file is its own entry point; runSuite.ts finds them at run time.
      entryPoints: readdirSync(join(root, 'test/host/suite'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
        .map((f) => `test/host/suite/${f}`),
      outdir: 'out/host-suite',
      external: ['vscode', 'mocha'],
    },
  ];
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const production = process.argv.includes('--production');
  const watch = process.argv.includes('--watch');
  const builds = allBuilds({ production }).map((options) => ({ absWorkingDir: root, ...options }));
  if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
  } else {
    // A renamed or removed feature bundle must not linger in dist/ (and so in the VSIX).
    rmSync(join(root, 'dist/features'), { recursive: true, force: true });
    for (const options of builds) {
      await esbuild.build(options);
      if (options.outfile === 'dist/cli.js') chmodSync(join(root, options.outfile), 0o755);
    }
  }
}
