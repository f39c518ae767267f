import { parse } from '@babel/parser';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LintEnvironment, LintOptions, RULES, lintSource } from '../../../src/core/lint';

export const FIXTURES = join(__dirname, '../../fixtures/lint');

/** Every rule switched on (off-by-default ones at warning), plus a fixture's `<name>.env.json` if present. */
export function optionsFor(file: string): LintOptions {
  const rules = Object.fromEntries(RULES.filter((r) => r.defaultLevel === 'off').map((r) => [r.id, 'warning' as const]));
  const envFile = file.replace(/\.[cm]?[jt]sx?$/, '.env.json');
  const environment = existsSync(envFile) ? (JSON.parse(readFileSync(envFile, 'utf8')) as LintEnvironment) : undefined;
  return { rules, environment };
}

export function lintFile(file: string, source = readFileSync(file, 'utf8')) {
  return lintSource(source, file, optionsFor(file));
}

/** Parses strictly (no error recovery): throws when a fix produced broken code. */
export function assertParses(source: string, file: string): void {
  const ts = /\.[cm]?tsx?$/.test(file);
  parse(source, { sourceType: 'unambiguous', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: true, plugins: ts ? ['typescript'] : ['jsx'] });
}

/** Lines (1-based) carrying `expect: <rule>` markers. */
export function expectedLines(source: string, rule: string): number[] {
  return source.split('\n').flatMap((line, i) => (new RegExp(`expect: ${rule}(\\s|$)`).test(line) ? [i + 1] : []));
}
