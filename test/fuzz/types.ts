/**
 * A fuzz target: `run` gets seeds and mutations of them and must never throw; bad input is reported in
 * its return value (one-line reason), not as an exception. Each `test/fuzz/<area>.fuzz.ts` exports
 * `targets: FuzzTarget[]`; `npm run fuzz` runs them all (a seeded short run in CI, longer on demand).
 */
export interface FuzzTarget {
  name: string;
  seeds: string[];
  /** May return a promise (async decoders); a rejection counts as an escape. */
  run(input: string): unknown;
}
