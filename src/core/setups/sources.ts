// The decoder's internal view of a setup's secret: every env variable the code names and every literal it
// writes (with its value). Kept beside the setup in a WeakMap, so printing, spreading or serializing a setup
// never shows a value.
import type { SessionSetup } from './types';

export type SecretCandidate =
  | { kind: 'env'; name: string; encoding?: 'hex' | 'base64' }
  | { kind: 'literal'; value: string; where: string };

export interface SecretSources {
  /** Env variables the code reads the secret from, in the order the library tries them (rotation lists included). */
  variables: { name: string; encoding?: 'hex' | 'base64' }[];
  /** Secrets written in the code: `label` is `secret literal (file:line)`; `value` must never be printed. */
  literals: { label: string; value: string }[];
}

const SOURCES = new WeakMap<SessionSetup, SecretSources>();

export function recordSources(setup: SessionSetup, candidates: readonly SecretCandidate[]): void {
  const variables: SecretSources['variables'] = [];
  const literals: SecretSources['literals'] = [];
  for (const c of candidates) {
    if (c.kind === 'env') {
      if (!variables.some((v) => v.name === c.name)) variables.push(c.encoding ? { name: c.name, encoding: c.encoding } : { name: c.name });
    } else if (!literals.some((l) => l.value === c.value)) {
      literals.push({ label: `secret literal (${c.where})`, value: c.value });
    }
  }
  SOURCES.set(setup, { variables, literals });
}

/** For the decoder only: where the setup's secret may come from, literal values included. Never print `literals[].value`. */
export function setupSecretSources(setup: SessionSetup): SecretSources {
  return SOURCES.get(setup) ?? { variables: [], literals: [] };
}
