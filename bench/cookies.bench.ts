// Cookie decoder throughput: a full decode (parse, sniff, verify) against the bare HMAC check it wraps.
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeCookies } from '../src/core/cookies/decode';
import { signCookie } from '../src/core/cookies/sign';
import { secretsFromEnvText } from '../src/core/secrets/envSecrets';
import { parse as dotenvParse } from 'dotenv';
import type { BenchOptions, BenchRow } from './types';

async function opsPerSecond(iterations: number, body: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(200, iterations); i++) await body();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await body();
  return iterations / ((performance.now() - started) / 1000);
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const n = options.quick ? 2_000 : 20_000;
  const secret = 'keyboard cat';
  const signed = signCookie('express-session', 'bench-session-id-000000000000000', secret);
  if ('error' in signed) throw new Error(signed.error);
  const secrets = [{ label: 'a', value: secret }];
  const baseline = await opsPerSecond(n, () => createHmac('sha256', secret).update('bench-session-id-000000000000000').digest('base64'));
  const full = await opsPerSecond(n, () => decodeCookies(signed.header, { secrets }));
  const unknown = await opsPerSecond(n, () => decodeCookies('theme=dark; lang=en; consent=yes', { secrets }));
  // A realistic .env file (comments, blank lines, a multi-line PEM): reading its secrets one assignment
  // at a time against dotenv parsing the whole text once.
  const envText = Array.from({ length: 200 }, (_, i) => `# setting ${i}\nVAR_${i}=value-${i}\n`).join('\n')
    + 'SESSION_SECRET="keyboard cat"\nPRIVATE_KEY="-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----"\n';
  const envRuns = options.quick ? 500 : 5_000;
  const envBaseline = await opsPerSecond(envRuns, () => dotenvParse(envText));
  const envOurs = await opsPerSecond(envRuns, () => secretsFromEnvText(envText, '.env'));
  return [
    { area: 'cookies', name: 'read signing secrets from a 600-line .env', value: Math.round(envOurs), unit: 'ops/s', baseline: { name: 'dotenv.parse of the whole file', value: Math.round(envBaseline) }, target: '>= 1000 ops/s', met: envOurs >= 1000 },
    { area: 'cookies', name: 'decode express-session cookie (parse + sniff + verify)', value: Math.round(full), unit: 'ops/s', baseline: { name: 'one HMAC-SHA256', value: Math.round(baseline) }, target: '>= 1000 ops/s', met: full >= 1000 },
    { area: 'cookies', name: 'explain 3 unrecognized cookies', value: Math.round(unknown), unit: 'ops/s', target: '>= 1000 ops/s', met: unknown >= 1000 },
  ];
}
