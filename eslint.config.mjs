import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/fixtures/**', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The core is pure: only type imports of 'vscode' are allowed there, so plain mocha can test it.
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts', 'src/cli.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'src/core and the CLI must not import vscode at run time.', allowTypeImports: true }],
      }],
      // Heavy libraries are loaded on first use through `lazy(() => require('…'))` (src/core/lazy.ts).
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // The VS Code layer reaches the feature bundles (esbuild.config.mjs FEATURE_BUNDLES) only through the
    // loaders of src/common/featureBundles.ts: a value import would load the bundle at activation.
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/cli/**', 'src/cli.ts', 'src/common/featureBundles.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          regex: '(^|/)core/(lint|setups)(/index)?$|(^|/)core/cookies/decode$|(^|/)core/redis/redisSessionSource$|(^|/)core/postgres/pgSessionSource$|(^|/)core/files/fileSessionSource$|(^|/)core/sqlite/sqliteSessionSource$|(^|/)core/inspector/inspectorSource$|^\\.\\.?/ui$',
          allowTypeImports: true,
          message: 'This module is a feature bundle loaded on first use: import its types only, and reach its values through src/common/featureBundles.ts.',
        }],
      }],
    },
  },
);
