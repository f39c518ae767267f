// Text edits that keep the file's own style: quote character, semicolons, indentation, trailing commas.
import type * as t from '@babel/types';
import type { TextEdit } from './types';

export interface CodeStyle {
  quote: "'" | '"';
  semicolons: boolean;
}

export function detectStyle(file: t.File, source: string, quotes: { single: number; double: number }): CodeStyle {
  let withSemi = 0;
  let withoutSemi = 0;
  for (const node of file.program.body) {
    if (node.type === 'ExpressionStatement' || node.type === 'VariableDeclaration' || node.type === 'ImportDeclaration') {
      if (source[(node.end ?? 1) - 1] === ';') withSemi++; else withoutSemi++;
    }
  }
  return { quote: quotes.double > quotes.single ? '"' : "'", semicolons: withSemi >= withoutSemi };
}

export function quoted(value: string, style: CodeStyle): string {
  const q = style.quote;
  return q + value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`) + q;
}

export function replaceNode(node: t.Node, text: string): TextEdit {
  return { start: node.start ?? 0, end: node.end ?? 0, text };
}

/** The leading whitespace of the line holding `offset`. */
export function lineIndent(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(source.slice(lineStart, offset))?.[0] ?? '';
}

function indentUnit(source: string): string {
  const m = /\n([ \t]+)\S/.exec(source);
  if (!m) return '  ';
  return m[1].startsWith('\t') ? '\t' : m[1].length >= 4 && m[1].length % 4 === 0 ? '    ' : '  ';
}

/**
 * Adds `key: value` as the last property of an object literal, on its own line when the object spans
 * lines (keeping a trailing comma if the object uses them), inline otherwise.
 */
export function insertProperty(source: string, obj: t.ObjectExpression, entry: string): TextEdit {
  const open = obj.start ?? 0;
  const close = (obj.end ?? 1) - 1;
  const last = obj.properties[obj.properties.length - 1];
  if (!last) {
    const inner = source.slice(open + 1, close);
    if (inner.includes('\n')) {
      const indent = lineIndent(source, open) + indentUnit(source);
      return { start: open + 1, end: close, text: `\n${indent}${entry}\n${lineIndent(source, open)}` };
    }
    return { start: open + 1, end: close, text: ` ${entry} ` };
  }
  const afterLast = source.slice(last.end ?? 0, close);
  const commaAt = afterLast.search(/^\s*,/) === 0 ? (last.end ?? 0) + afterLast.indexOf(',') : -1;
  const multiLine = source.slice(last.end ?? 0, close).includes('\n') || source.slice(open, last.start ?? 0).includes('\n');
  if (multiLine) {
    const indent = lineIndent(source, last.start ?? 0);
    if (commaAt >= 0) return { start: commaAt + 1, end: commaAt + 1, text: `\n${indent}${entry},` };
    return { start: last.end ?? 0, end: last.end ?? 0, text: `,\n${indent}${entry}` };
  }
  if (commaAt >= 0) return { start: commaAt + 1, end: commaAt + 1, text: ` ${entry},` };
  return { start: last.end ?? 0, end: last.end ?? 0, text: `, ${entry}` };
}

/** Removes a property together with the comma that separates it from its neighbour. */
export function removeProperty(source: string, obj: t.ObjectExpression, prop: t.Node): TextEdit {
  const i = obj.properties.indexOf(prop as t.ObjectExpression['properties'][number]);
  const start = prop.start ?? 0;
  let end = prop.end ?? 0;
  const next = obj.properties[i + 1];
  if (next) return { start, end: next.start ?? end, text: '' };
  const after = source.slice(end, (obj.end ?? 1) - 1);
  const comma = /^\s*,/.exec(after);
  if (comma) end += comma[0].length;
  const prev = obj.properties[i - 1];
  if (prev) {
    // Drop the separator before the removed last property (and its line break), keep a trailing comma style.
    const sep = source.slice(prev.end ?? 0, start);
    const hadTrailing = comma !== null;
    return { start: (prev.end ?? 0) + (hadTrailing ? sep.indexOf(',') + 1 : 0), end, text: '' };
  }
  return { start, end, text: '' };
}

/** Inserts a statement on its own line before `stmt`, with the same indentation. */
export function insertStatementBefore(source: string, stmt: t.Node, text: string, style: CodeStyle): TextEdit {
  const start = stmt.start ?? 0;
  return { start, end: start, text: `${text}${style.semicolons ? ';' : ''}\n${lineIndent(source, start)}` };
}

/** Applies non-overlapping edits (sorted here) to `source`. */
export function applyEdits(source: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) continue;
    out += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + source.slice(at);
}
