// A small seeded mutation fuzzer for the project's parsers. Deterministic for a given seed, so a failure
// found in CI reproduces with the same command.
import { performance } from 'node:perf_hooks';
import type { FuzzTarget } from './types';

export interface FuzzReport {
  target: string;
  inputs: number;
  escapes: { input: string; error: string }[];
  /** Results whose one-line reason has a line break (every rejected input must get one line). */
  badReasons: { input: string; reason: string }[];
  slowest: { input: string; ms: number };
}

/** mulberry32: a tiny deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = ['%', '%2', '%ZZ', '%25', '.', '..', '=', '==', ';', ',', '*', '~', '--', ':', 's:', '"', '\\', '\t', '\n', '\r\n',
  '\u0000', '\uFFFD', '\uD800', 'é', '😀', '{', '}', '[', ']', '{"a":', 'null', '-1', '1e999', 'Fe26.2*', 'eyJ', '{"alg":"none"}',
  'Set-Cookie: ', 'Cookie: ', '; Path=/', '; Expires=', 'require(', 'import ', '/*', '*/', '//', '`${', '(', ')', '=>'];

export function mutate(input: string, rand: () => number, seeds: readonly string[]): string {
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)];
  const pos = () => Math.floor(rand() * (input.length + 1));
  switch (Math.floor(rand() * 9)) {
    case 0: { // flip a character
      if (!input) return pick(TOKENS);
      const i = Math.floor(rand() * input.length);
      return input.slice(0, i) + String.fromCharCode(input.charCodeAt(i) ^ (1 << Math.floor(rand() * 7))) + input.slice(i + 1);
    }
    case 1: { const i = pos(); return input.slice(0, i) + pick(TOKENS) + input.slice(i); }
    case 2: { const i = pos(); const j = i + Math.floor(rand() * 16); return input.slice(0, i) + input.slice(j); }
    case 3: { const i = pos(); const j = Math.min(input.length, i + 1 + Math.floor(rand() * 32)); return input.slice(0, j) + input.slice(i, j) + input.slice(j); }
    case 4: { const other = pick(seeds) ?? ''; const i = pos(); return input.slice(0, i) + other.slice(Math.floor(rand() * other.length)); }
    case 5: return input.slice(0, pos());
    case 6: { // long repetition: guards against super-linear regular expressions
      const i = pos(); const unit = pick(TOKENS.concat(input.slice(i, i + 3) || 'a'));
      return input.slice(0, i) + unit.repeat(500 + Math.floor(rand() * 5000)) + input.slice(i);
    }
    case 7: return Array.from({ length: Math.floor(rand() * 64) }, () => String.fromCharCode(Math.floor(rand() * 0x2ff))).join('');
    default: return encodeURIComponent(input.toWellFormed());
  }
}

function reasonOf(result: unknown): string | undefined {
  if (result === null || typeof result !== 'object') return undefined;
  for (const key of ['error', 'reason']) {
    const value = (result as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** Runs the seeds and `iterations` mutations of them through the target, catching what escapes. */
export async function fuzz(target: FuzzTarget, options: { seed: number; iterations: number; maxMs?: number }): Promise<FuzzReport> {
  const rand = prng(options.seed);
  const report: FuzzReport = { target: target.name, inputs: 0, escapes: [], badReasons: [], slowest: { input: '', ms: -1 } };
  const deadline = options.maxMs ? Date.now() + options.maxMs : Infinity;
  const seeds = target.seeds.length ? target.seeds : [''];
  const runOne = async (input: string) => {
    report.inputs++;
    const started = performance.now();
    try {
      const result: unknown = await target.run(input);
      const reason = reasonOf(result);
      if (reason !== undefined && /[\r\n]/.test(reason)) report.badReasons.push({ input, reason });
    } catch (err) {
      report.escapes.push({ input, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    }
    const ms = performance.now() - started;
    if (ms > report.slowest.ms) report.slowest = { input, ms };
  };
  for (const s of seeds) await runOne(s);
  let current = seeds[0];
  for (let i = 0; i < options.iterations && Date.now() < deadline; i++) {
    // Mostly mutate a seed; sometimes keep mutating the last input, to go deeper.
    current = mutate(rand() < 0.7 ? seeds[Math.floor(rand() * seeds.length)] : current, rand, seeds);
    await runOne(current);
  }
  return report;
}

/** A short, printable rendering of an input for reports. */
export function showInput(input: string, max = 120): string {
  const json = JSON.stringify(input);
  return json.length > max ? `${json.slice(0, max)}… (${input.length} chars)` : json;
}
