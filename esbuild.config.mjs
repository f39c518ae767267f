// Bundles the extension (dist/extension.js) and the CLI (dist/cli.js); `--production` minifies,
// `--watch` rebuilds on change. The host test suite is bundled to out/host-suite/ for the test runners.
import * as esbuild from 'esbuild';
import { chmodSync, readdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {esbuild.BuildOptions} */
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
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // Marks when the bundle starts evaluating, so activation can log how long loading the code took.
    banner: { js: 'globalThis.__sessionLensLoadStart = performance.now();' },
  },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', },
  {
    ...common,
    minify: false,
    sourcemap: 'inline',
    // Every host test file is its own entry point; runSuite.ts finds them at run time.
    entryPoints: readdirSync('test/host/suite', { recursive: true, encoding: 'utf8' })
      .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
      .map((f) => `test/host/suite/${f}`),
    outdir: 'out/host-suite',
    external: ['vscode', 'mocha'],
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  for (const options of builds) {
    await esbuild.build(options);
    if (options.outfile === 'dist/cli.js') chmodSync(options.outfile, 0o755);
  }
}
