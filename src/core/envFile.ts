// Reads variables from .env file text with the `dotenv` package's own parser, one assignment at a time,
// so no file makes the parser backtrack over the whole text. Shared by the secret sources and the Redis
// connection discovery.
import { parse } from 'dotenv';

/** Variable names longer than this are ignored: real names are short, and name patterns stay linear. */
export const MAX_NAME_CHARS = 128;
/** .env text longer than this (256 KiB) is not read: no real .env file is that large. */
export const MAX_ENV_CHARS = 256 * 1024;
/** The start of a dotenv assignment line: optional `export`, a name, then `=` or `: `; group 2 is the value. */
const ASSIGNMENT = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*|:\s+)(.*)$/;

/**
 * Cuts .env text into the pieces dotenv would read as one assignment each, keeping only those whose
 * variable `wanted` accepts. dotenv's line expression backtracks quadratically over long runs of
 * blank lines and over unclosed quotes when it is given a whole file, so it is given each assignment
 * alone: its line, through the line closing a multi-line quoted value. Lines inside another variable's
 * quoted value are skipped, as dotenv does. Not followed (dotenv accepts them): a line break between a
 * name and its `=`, or between the `=` and an opening quote.
 */
export function envAssignments(text: string, wanted: (name: string) => boolean): string[] {
  const normalized = text.replace(/\r\n?/g, '\n');
  const lines = normalized.split(/[\n\u2028\u2029]/);
  const lineStarts: number[] = [];
  for (let i = 0, at = 0; i < lines.length; i++) { lineStarts.push(at); at += lines[i].length + 1; }
  const quotes = new QuoteIndex(normalized);
  const pieces: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ASSIGNMENT.exec(lines[i]);
    if (!m) continue;
    const [, name, rest] = m;
    let last = i;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = quotes.closing(quote, lineStarts[i] + lines[i].length - rest.length);
      if (close !== undefined) last = lineOf(lineStarts, close);
    }
    if (name.length <= MAX_NAME_CHARS && wanted(name)) pieces.push(lines.slice(i, last + 1).join('\n'));
    i = last;
  }
  return pieces;
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/** Escaped quotes tried as a closing quote, at most (dotenv backtracks over all of them). */
const MAX_ESCAPED_CANDIDATES = 64;

/** Where each quote character occurs, indexed once so every lookup is a binary search. */
class QuoteIndex {
  private readonly positions = new Map<string, number[]>();
  /** For each entry: the index of the first entry at or after it that is not preceded by a backslash. */
  private readonly nextPlain = new Map<string, number[]>();

  constructor(private readonly text: string) {
    for (const q of ['"', "'", '`']) {
      const list: number[] = [];
      for (let at = text.indexOf(q); at >= 0; at = text.indexOf(q, at + 1)) list.push(at);
      const next = new Array<number>(list.length + 1).fill(list.length);
      for (let k = list.length - 1; k >= 0; k--) next[k] = text[list[k] - 1] === '\\' ? next[k + 1] : k;
      this.positions.set(q, list);
      this.nextPlain.set(q, next);
    }
  }

  /**
   * The offset of the quote closing the value opened at `open`, as dotenv's `"(?:\\"|[^"])*"` chooses it:
   * the first quote not preceded by a backslash, else (backtracking) an escaped one before it, the last
   * first; each only when the rest of its line is blank or a `#` comment. undefined: dotenv reads the
   * line unquoted.
   */
  closing(q: string, open: number): number | undefined {
    const list = this.positions.get(q)!;
    const next = this.nextPlain.get(q)!;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid] <= open) lo = mid + 1; else hi = mid; }
    const plain = next[lo];
    const candidates: number[] = [];
    if (plain < list.length) candidates.push(list[plain]);
    for (let k = plain - 1; k >= lo && candidates.length <= MAX_ESCAPED_CANDIDATES; k--) candidates.push(list[k]);
    return candidates.find((at) => this.tailIsBlank(at + 1));
  }

  private tailIsBlank(from: number): boolean {
    let end = from;
    while (end < this.text.length && !'\n\u2028\u2029'.includes(this.text[end])) end++;
    return /^\s*(?:#.*)?$/.test(this.text.slice(from, end));
  }
}

/**
 * The variables of .env text that `wanted` accepts, as dotenv reads them (a later assignment of a name
 * wins, in the place of the first). Text over MAX_ENV_CHARS gives nothing. Never throws.
 */
export function readEnvVariables(text: string, wanted: (name: string) => boolean): Map<string, string> {
  const vars = new Map<string, string>();
  if (text.length > MAX_ENV_CHARS) return vars;
  for (const piece of envAssignments(text, wanted)) {
    try {
      for (const [name, value] of Object.entries(parse(piece))) vars.set(name, value);
    } catch {
      // dotenv's parser tolerates any text; nothing to report.
    }
  }
  return vars;
}
