// Parses one JS/TS file with @babel/parser in error-recovery mode, so half-typed code still yields a tree.
import type { ParserPlugin } from '@babel/parser';
import type * as t from '@babel/types';

export const LINTABLE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx'] as const;

export function isLintablePath(path: string): boolean {
  const lower = path.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return false;
  return LINTABLE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function pluginsFor(fileName: string): ParserPlugin[] {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ['typescript', 'jsx', 'decorators-legacy'];
  if (/\.[cm]?ts$/.test(lower)) return ['typescript', 'decorators-legacy'];
  return ['jsx'];
}

type BabelParser = typeof import('@babel/parser');
let parser: BabelParser | undefined;

/** Loaded on first use so that activating the extension does not pay for the parser. */
function loadParser(): BabelParser {
  parser ??= require('@babel/parser') as BabelParser;
  return parser;
}

export function parseSource(source: string, fileName: string): t.File {
  const options = {
    sourceType: fileName.toLowerCase().endsWith('.cjs') || fileName.toLowerCase().endsWith('.cts') ? 'script' as const : 'unambiguous' as const,
    errorRecovery: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
    allowUndeclaredExports: true,
    allowNewTargetOutsideFunction: true,
    allowSuperOutsideMethod: true,
    plugins: pluginsFor(fileName),
  };
  const { parse } = loadParser();
  // `unambiguous` picks "script" for files without import/export; syntax only a module allows (`import.meta`)
  // then needs "module". Error recovery skips most such problems, so the second parse is only tried when the
  // error names the source type.
  const attempt = (text: string): t.File => {
    try {
      return parse(text, options);
    } catch (first) {
      if (!/sourceType|module/.test((first as Error).message ?? '')) throw first;
      try {
        return parse(text, { ...options, sourceType: 'module' });
      } catch {
        throw first;
      }
    }
  };
  // What error recovery cannot skip (e.g. `const x = ;` mid-typing): blank the offending line, keeping every
  // offset, and try again a few times, so the rest of the file is still checked.
  // The parser builds an Error for every problem it recovers from; their stack traces are never read, and
  // capturing them made garbage input with thousands of recoverable errors take seconds.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    let text = source;
    for (let tries = 0; ; tries++) {
      try {
        return attempt(text);
      } catch (err) {
        const pos = (err as { pos?: number }).pos;
        if (tries >= 8 || typeof pos !== 'number') throw err;
        const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
        let lineEnd = text.indexOf('\n', pos);
        if (lineEnd < 0) lineEnd = text.length;
        if (lineEnd <= lineStart || text.slice(lineStart, lineEnd).trim() === '') throw err;
        text = text.slice(0, lineStart) + text.slice(lineStart, lineEnd).replace(/[^\s]/g, ' ') + text.slice(lineEnd);
      }
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}
