/**
 * One measured number of `npm run bench`. Each `bench/<area>.bench.ts` exports
 * `run(options): Promise<BenchRow[]>`; the runner gathers every area into one report (markdown + JSON).
 * A row with `baseline` gets its ratio printed (value / baseline), both measured in the same run.
 */
export interface BenchRow {
  area: string;
  name: string;
  value: number;
  unit: 'ms' | 'bytes' | 'MB' | 'count' | 'ops/s';
  /** The side-by-side reference measured in the same run, in the same unit. */
  baseline?: { name: string; value: number };
  /** What the issue aims for, as text (e.g. "< 100 ms", "<= 1.5x baseline"). */
  target?: string;
  /** Whether the aim was met, when it can be judged. */
  met?: boolean;
}

export interface BenchOptions {
  /** `--quick`: smaller sizes for CI. */
  quick: boolean;
}
