// Cookie decoder throughput: a full decode (parse, sniff, verify) against the bare HMAC check it wraps.
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeCookies } from '../src/core/cookies/decode';
import { signCookie } from '../src/core/cookies/sign';
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
  return [
    { area: 'cookies', name: 'decode express-session cookie (parse + sniff + verify)', value: Math.round(full), unit: 'ops/s', baseline: { name: 'one HMAC-SHA256', value: Math.round(baseline) }, target: '>= 1000 ops/s', met: full >= 1000 },
    { area: 'cookies', name: 'explain 3 unrecognized cookies', value: Math.round(unknown), unit: 'ops/s', target: '>= 1000 ops/s', met: unknown >= 1000 },
  ];
}
